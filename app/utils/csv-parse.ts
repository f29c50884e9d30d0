export interface CsvRecord {
  line: number;
  cells: string[];
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;

/**
 * RFC 4180 CSV: quoted fields, doubled quotes, commas and line breaks inside
 * quotes, CRLF or LF, an optional UTF-8 byte order mark. Yields each record
 * with the line it starts on, so errors can name it; blank records are skipped.
 *
 * Records are produced one at a time and cells are sliced out of the text in
 * runs rather than built a character at a time, so a personnel file of a
 * hundred thousand lines can be read without holding every record at once.
 */
export function* csvRecords(text: string): Generator<CsvRecord> {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const n = src.length;
  let i = 0;
  let line = 1;
  let start = 1;
  let cells: string[] = [];
  for (;;) {
    // At the start of a cell: a quote here opens a quoted part.
    let cell = "";
    if (src.charCodeAt(i) === QUOTE) {
      i++;
      for (;;) {
        const q = src.indexOf('"', i);
        const chunk = src.slice(i, q === -1 ? n : q);
        for (let k = chunk.indexOf("\n"); k !== -1; k = chunk.indexOf("\n", k + 1)) line++;
        cell += chunk;
        if (q === -1) {
          i = n; // an unterminated quote runs to the end of the file
          break;
        }
        if (src.charCodeAt(q + 1) === QUOTE) {
          cell += '"';
          i = q + 2;
        } else {
          i = q + 1;
          break;
        }
      }
    }
    // The rest of the cell, up to a comma or a line break; quotes here are plain characters.
    let j = i;
    for (; j < n; j++) {
      const c = src.charCodeAt(j);
      if (c === COMMA || c === LF || c === CR) break;
    }
    cells.push(i === j ? cell : cell + src.slice(i, j));
    if (j >= n) {
      if (cells.some((c) => c !== "")) yield { line: start, cells };
      return;
    }
    i = j + 1;
    if (src.charCodeAt(j) === COMMA) continue;
    if (src.charCodeAt(j) === CR && src.charCodeAt(i) === LF) i++;
    if (cells.some((c) => c !== "")) yield { line: start, cells };
    cells = [];
    line++;
    start = line;
  }
}

/** Every record of a CSV text at once (small files). */
export function parseCsv(text: string): CsvRecord[] {
  return [...csvRecords(text)];
}

/** How many records a CSV text holds, without keeping any of them. */
export function countCsvRecords(text: string): number {
  const records = csvRecords(text);
  let count = 0;
  while (!records.next().done) count++;
  return count;
}

/**
 * The text of an uploaded CSV file. HR systems and Excel in Korea still write
 * EUC-KR (code page 949) as often as UTF-8, so a file that is not valid UTF-8
 * is read as EUC-KR; one that is neither is refused (null) rather than read
 * with broken names. A UTF-8 byte order mark is dropped.
 */
export function decodeCsvFile(bytes: ArrayBuffer | Uint8Array): string | null {
  for (const encoding of ["utf-8", "euc-kr"]) {
    try {
      return new TextDecoder(encoding, { fatal: true }).decode(bytes);
    } catch {
      // not this encoding: try the next
    }
  }
  return null;
}
