import { stripInvisible } from "./text";
/**
 * CSV cells for spreadsheet users. A cell that a spreadsheet would read as a
 * formula (=, +, -, @, tab, CR) is prefixed with an apostrophe; every cell is
 * quoted so commas, quotes and line breaks survive.
 */
export function neutralizeFormula(value: string): string {
  const text = stripInvisible(value);
  // Full-width signs too: a spreadsheet in an East Asian locale reads "＝" as "=".
  return /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/.test(text) ? `'${text}` : text;
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
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(UTF8_BOM + csvRow(header)));
        return;
      }
      const next = await batches.next();
      if (next.done) return controller.close();
      controller.enqueue(encoder.encode(next.value.map(csvRow).join("")));
    },
    // A reader that stops early (a download cancelled) ends the rows' source too.
    async cancel() {
      await batches.return?.(undefined);
    },
  });
}
