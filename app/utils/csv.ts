/**
 * CSV cells for spreadsheet users. A cell that a spreadsheet would read as a
 * formula (=, +, -, @, tab, CR) is prefixed with an apostrophe; every cell is
 * quoted so commas, quotes and line breaks survive.
 */
export function neutralizeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '""';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return `"${neutralizeFormula(text).replace(/"/g, '""')}"`;
}

export function csvRow(values: unknown[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** UTF-8 byte order mark: Excel needs it to read Korean correctly. */
export const UTF8_BOM = "\uFEFF";
