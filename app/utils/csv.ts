import { stripInvisible } from "./text";

/**
 * What a cell must not start with: a spreadsheet would read it as a formula.
 * Full-width signs too: a spreadsheet in an East Asian locale reads "＝" as "=".
 */
export const FORMULA_LEADS = ["=", "+", "-", "@", "\t", "\r", "\uFF1D", "\uFF0B", "\uFF0D", "\uFF20"];

/**
 * CSV cells for spreadsheet users. A cell that a spreadsheet would read as a
 * formula (=, +, -, @, tab, CR) is prefixed with an apostrophe; every cell is
 * quoted so commas, quotes and line breaks survive.
 */
export function neutralizeFormula(value: string): string {
  const text = stripInvisible(value);
  return text !== "" && FORMULA_LEADS.includes(text[0]!) ? `'${text}` : text;
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '""';
  if (typeof value === "number" && value >= 0) return `"${value}"`;
  const text = neutralizeFormula(value instanceof Date ? value.toISOString() : String(value));
  return `"${text.includes('"') ? text.replace(/"/g, '""') : text}"`;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** UTF-8 byte order mark: Excel needs it to read Korean correctly. */
export const UTF8_BOM = "\uFEFF";

/**
 * A CSV file streamed as it is read: the byte order mark and header first,
 * then each batch of rows when the reader asks for more, so a file of any
 * size never sits in memory.
 */
export function csvStream(header: string[], batches: AsyncIterator<unknown[][]>): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return csvFileStream(header, {
    async next() {
      const next = await batches.next();
      return next.done ? { done: true, value: undefined } : { done: false, value: encoder.encode(next.value.map(csvRow).join("")) };
    },
    async return() {
      await batches.return?.(undefined);
      return { done: true, value: undefined };
    },
  });
}

/**
 * The same file from rows already written as CSV (csvRow's text, as bytes),
 * such as the database writes them (app/utils/csv-sql.server.ts): the byte
 * order mark and header, then each chunk as it comes.
 */
export function csvFileStream(header: string[], chunks: AsyncIterator<Uint8Array>): ReadableStream<Uint8Array> {
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(new TextEncoder().encode(UTF8_BOM + csvRow(header)));
        return;
      }
      const next = await chunks.next();
      if (next.done) return controller.close();
      controller.enqueue(next.value);
    },
    // A reader that stops early (a download cancelled) ends the rows' source too.
    async cancel() {
      await chunks.return?.(undefined);
    },
  });
}
