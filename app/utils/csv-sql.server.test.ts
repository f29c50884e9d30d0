import { describe, expect, it } from "vitest";
import { Prisma, prisma } from "~/utils/db.server";
import { csvCell, neutralizeFormula } from "./csv";
import { cellValueSql, csvCellSql, csvLineSql, formattedMomentSql, neutralizedSql, type SqlColumn } from "./csv-sql.server";
import { formatDate } from "./i18n";

/** Cells people could type or a file could bring: formulas, full-width signs, hidden characters, quotes, line breaks. */
const TEXTS = [
  "홍길동",
  "=HYPERLINK(\"http://x\")",
  "+82 10",
  "-5",
  "@SUM(A1)",
  "\tindent",
  "\rcarriage",
  "＝전각",
  "＋전각",
  "－전각",
  "＠전각",
  "\u200B=숨은 등호",
  "\u202E\u2066+뒤집힘\u2069",
  "\uFEFF@bom",
  "이름\u200D합자",
  "a,b",
  'quote "q"',
  "line\nbreak",
  "'already",
  " =space first",
  "",
];

const MOMENTS = [
  new Date("2026-12-07T05:05:00Z"),
  new Date("2026-01-01T15:00:00Z"),
  new Date("2026-06-30T14:59:59.999Z"),
  new Date("2027-02-28T23:30:00Z"),
];

async function one(sql: Prisma.Sql): Promise<unknown> {
  const [row] = await prisma.$queryRaw<Array<{ v: unknown }>>`SELECT ${sql} AS v`;
  return row!.v;
}

describe("cells the database writes", () => {
  it("neutralise text exactly as neutralizeFormula does", async () => {
    for (const text of TEXTS) expect([text, await one(neutralizedSql(Prisma.sql`${text}::text`))]).toEqual([text, neutralizeFormula(text)]);
    expect(await one(neutralizedSql(Prisma.sql`NULL::text`))).toBeNull();
  });

  it("quote cells exactly as csvCell does", async () => {
    for (const text of [...TEXTS, null]) {
      expect([text, await one(csvCellSql({ text: Prisma.sql`${text}::text` }))]).toEqual([text, csvCell(text)]);
    }
    for (const n of [0, 7, -3, null]) expect(await one(csvCellSql({ count: Prisma.sql`${n}::int` }))).toBe(csvCell(n));
    const labels = { A: "=라벨", B: 'say "b"' };
    for (const code of ["A", "B", "=C", null]) {
      const expected = code === null ? '""' : csvCell(code in labels ? labels[code as keyof typeof labels] : code);
      expect(await one(csvCellSql({ label: Prisma.sql`${code}::text`, labels }))).toBe(expected);
      expect(await one(cellValueSql({ label: Prisma.sql`${code}::text`, labels }))).toBe(code === null ? "" : neutralizeFormula(code in labels ? labels[code as keyof typeof labels] : code));
    }
  });

  it("write dates and times as formatDate does, in Korean and English", async () => {
    for (const d of MOMENTS) {
      expect(await one(formattedMomentSql(Prisma.sql`${d}::timestamptz`, "ko"))).toBe(formatDate(d, "ko", true));
      expect(await one(formattedMomentSql(Prisma.sql`${d}::timestamptz`, "en"))).toBe(formatDate(d, "en", true));
      // With a usual value, formatted once: the same text whether the row holds it or not.
      const usual = Prisma.sql`${MOMENTS[0]}::timestamptz`;
      expect(await one(formattedMomentSql(Prisma.sql`${d}::timestamptz`, "ko", usual))).toBe(formatDate(d, "ko", true));
    }
  });

  it("join a row as csvRow does", async () => {
    const columns: SqlColumn[] = [{ text: Prisma.sql`${"=x"}::text` }, { count: Prisma.sql`${5}::int` }, { moment: Prisma.sql`${MOMENTS[0]}::timestamptz`, locale: "ko" }, { moment: Prisma.sql`NULL::timestamptz`, locale: "en" }];
    expect(await one(csvLineSql(columns.map(csvCellSql)))).toBe(`"'=x","5","${formatDate(MOMENTS[0]!, "ko", true)}",""\r\n`);
  });
});
