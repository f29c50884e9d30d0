/**
 * Characters that change how text is shown without being seen: bidirectional
 * controls (which can make "exe.pdf" read as "fdp.exe", or reorder a name in
 * a list) and zero-width characters (which make two names look the same, or
 * hide a formula's "=" from a check). Names, titles, reasons and notes that
 * people type or files bring in have no use for them. (Files the database
 * writes strip the same characters: app/utils/csv-sql.server.ts.)
 */
export const INVISIBLE_CHARACTERS = "\u061C\u200B\u200E\u200F\u202A\u202B\u202C\u202D\u202E\u2060\u2066\u2067\u2068\u2069\uFEFF";
const INVISIBLE = new RegExp(`[${INVISIBLE_CHARACTERS}]`, "g");

/** The text without invisible controls (see INVISIBLE_CHARACTERS). */
export function stripInvisible(value: string): string {
  return value.replace(INVISIBLE, "");
}

/** Free text as it is kept: without invisible controls, trimmed. */
export function plainText(value: string): string {
  return stripInvisible(value).trim();
}
