import { Prisma } from "~/utils/db.server";
import { csvCell, FORMULA_LEADS, neutralizeFormula } from "./csv";
import { INVISIBLE_CHARACTERS } from "./text";
import { TIME_ZONE, type AppLocale } from "./i18n";

/**
 * Files the database writes itself (a whole city's export at the speed of
 * COPY): each column as SQL that yields exactly what the JavaScript writers
 * would — csvRow's quoted, formula-neutralised cells (app/utils/csv.ts),
 * formatDate's dates (app/utils/i18n.ts) — so the file reads the same
 * whichever side wrote it. csv-sql.server.test.ts holds the two side by side.
 *
 * A column is one of:
 * - `text`: free text (a name, a code), without invisible controls and
 *   neutralised like neutralizeFormula; null stays empty.
 * - `label`: a coded value shown by its label (labels: value to label, in the
 *   reader's language); null is an empty cell.
 * - `moment`: a timestamptz written as formatDate(d, locale, true) in Seoul;
 *   null is an empty cell. `usual`, a value most rows hold (SQL that does not
 *   depend on the row, such as a cycle's deadline), is formatted once.
 * - `count`: an integer.
 */
export type SqlColumn =
  | { text: Prisma.Sql }
  | { label: Prisma.Sql; labels: Record<string, string> }
  | { moment: Prisma.Sql; locale: AppLocale; usual?: Prisma.Sql }
  | { count: Prisma.Sql };

/** neutralizeFormula in SQL: invisible controls removed, an apostrophe before a leading formula sign. Null stays null. */
export function neutralizedSql(value: Prisma.Sql): Prisma.Sql {
  const neutral = (text: Prisma.Sql) => Prisma.sql`CASE WHEN left(${text}, 1) = ANY(${FORMULA_LEADS}::text[]) THEN '''' || ${text} ELSE ${text} END`;
  // Removing characters costs several times more than looking for them, and text rarely holds any;
  // text of one byte a character (codes, numbers) holds none, which is cheaper still to tell.
  return Prisma.sql`(CASE WHEN octet_length(${value}) > length(${value}) AND ${value} ~ ${`[${INVISIBLE_CHARACTERS}]`}::text
    THEN ${neutral(Prisma.sql`translate(${value}, ${INVISIBLE_CHARACTERS}::text, '')`)}
    ELSE ${neutral(value)} END)`;
}

/**
 * formatDate(d, locale, true) in SQL, for a timestamptz: "2026년 12월 7일 14:05",
 * "7 December 2026 at 14:05" (the minute cut, not rounded, as Intl does).
 */
export function formattedMomentSql(value: Prisma.Sql, locale: AppLocale, usual?: Prisma.Sql): Prisma.Sql {
  const pattern = locale === "ko" ? 'FMYYYY"년" FMMM"월" FMDD"일" HH24:MI' : 'FMDD FMMonth FMYYYY "at" HH24:MI';
  const formatted = (v: Prisma.Sql) => Prisma.sql`to_char(${v} AT TIME ZONE ${TIME_ZONE}::text, ${pattern}::text)`;
  if (!usual) return formatted(value);
  // The usual value and its text are each one sub-select evaluated once for the whole statement.
  return Prisma.sql`(CASE WHEN ${value} = (SELECT ${usual}) THEN (SELECT ${formatted(usual)}) ELSE ${formatted(value)} END)`;
}

function labelSql(value: Prisma.Sql, labels: Record<string, string>, shown: (label: string) => string, otherwise: Prisma.Sql, empty: Prisma.Sql): Prisma.Sql {
  const cases = Object.entries(labels).map(([code, label]) => Prisma.sql`WHEN ${code}::text THEN ${shown(label)}::text`);
  // A code without a label (none today) shows as itself.
  return Prisma.sql`(CASE ${value} ${Prisma.join(cases, " ")} ELSE (CASE WHEN ${value} IS NULL THEN ${empty} ELSE ${otherwise} END) END)`;
}

/**
 * The column as a spreadsheet cell (what the XLSX writer puts in it): text
 * neutralised or null, labels neutralised ('' when there is no value),
 * moments formatted ('' when none), counts as numbers.
 */
export function cellValueSql(column: SqlColumn): Prisma.Sql {
  if ("text" in column) return neutralizedSql(column.text);
  if ("label" in column) {
    const v = Prisma.sql`${column.label}::text`;
    return labelSql(v, column.labels, neutralizeFormula, neutralizedSql(v), Prisma.sql`''`);
  }
  if ("moment" in column) return Prisma.sql`COALESCE(${formattedMomentSql(column.moment, column.locale, column.usual)}, '')`;
  return column.count;
}

/** A cell as csvCell writes it: quoted, quotes doubled, '""' for nothing. */
export function csvCellSql(column: SqlColumn): Prisma.Sql {
  const quoted = (text: Prisma.Sql) => Prisma.sql`COALESCE('"' || replace(${text}, '"', '""') || '"', '""')`;
  if ("text" in column) return quoted(neutralizedSql(column.text));
  if ("label" in column) {
    const v = Prisma.sql`${column.label}::text`;
    return labelSql(v, column.labels, csvCell, quoted(neutralizedSql(v)), Prisma.sql`'""'`);
  }
  // A formatted moment starts with a digit and holds no quote.
  if ("moment" in column) return Prisma.sql`('"' || COALESCE(${formattedMomentSql(column.moment, column.locale, column.usual)}, '') || '"')`;
  // A negative number reads as a formula: neutralised like text.
  return Prisma.sql`(CASE WHEN ${column.count} IS NULL THEN '""' WHEN ${column.count} >= 0 THEN '"' || ${column.count} || '"' ELSE '"''' || ${column.count} || '"' END)`;
}

/** One CSV row as csvRow writes it, as one text value: the cells (csvCellSql) joined by commas, CRLF at the end. */
export function csvLineSql(cells: Prisma.Sql[]): Prisma.Sql {
  return Prisma.sql`(${Prisma.join(cells, " || ',' || ")} || ${"\r\n"}::text)`;
}
