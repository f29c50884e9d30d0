import { beforeAll, describe, expect, it } from "vitest";
import type { Readable } from "node:stream";
import ExcelJS from "exceljs";
import { countQueries, prisma } from "~/utils/db.server";
import { csvRow, neutralizeFormula, UTF8_BOM } from "~/utils/csv";
import { formatDate, pick, translator, type AppLocale } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { createPerson, createUnit, createWorld, openTestCycle } from "../../../test/factories";
import { storyClock } from "../../../test/clock";
import { finishCourse } from "../../../prisma/seed";
import { complianceCsvStream, complianceXlsxStream } from "./compliance.server";

/** An HR officer over the given units (the export reads only the scope). */
const officer = (...unitIds: string[]) => ({ hrScopeUnitIds: unitIds }) as unknown as Actor;

/** Names a spreadsheet would read as formulas, or that hide characters, quotes and line breaks. */
const NAMES = ["=HYPERLINK(\"http://x\",\"클릭\")", "+82 10", "-음수", "@SUM(A1)", "\t탭", "＝전각", "\u200B=숨은 등호", 'quote "q"', "줄\n바꿈", "평범한 이름"];

/**
 * The file as the JavaScript writer produced it before the database wrote it:
 * one csvRow per person of the scope, from the records as they stand.
 */
async function expectedLines(unitIds: string[], cycleId: string, locale: AppLocale): Promise<string[]> {
  const t = translator(locale);
  const at = now();
  const categories = new Map((await prisma.staffCategory.findMany()).map((c) => [c.code, pick(locale, c.nameKo, c.nameEn)]));
  const rows = await prisma.assignment.findMany({
    where: { cycleId, person: { orgUnitId: { in: unitIds }, status: "ACTIVE" }, assignedAt: { lte: at } },
    include: { person: { include: { orgUnit: true } }, certificate: true },
  });
  return rows.map((a) => {
    const done = a.completedAt !== null && a.completedAt <= at;
    const status = done ? "COMPLETED" : a.status === "EXEMPTED" ? "EXEMPTED" : a.startedAt && a.startedAt <= at ? "IN_PROGRESS" : "ASSIGNED";
    const unit = a.person.orgUnit!;
    return csvRow([
      a.person.employeeNo,
      a.person.name,
      unit.code,
      pick(locale, unit.nameKo, unit.nameEn),
      categories.get(a.person.staffCategory),
      a.person.grade,
      t(`status.${status}`),
      a.dueAt ? formatDate(a.dueAt, locale, true) : "",
      done ? formatDate(a.completedAt!, locale, true) : "",
      done && a.completionMode ? t(`completionMode.${a.completionMode}`) : "",
      done && a.certificate?.status === "VALID" ? a.certificate.number : null,
    ]);
  });
}

/** The file's text, its byte order mark kept. */
async function csvText(actor: Actor, cycleId: string, locale: AppLocale): Promise<string> {
  const bytes = await new Response(complianceCsvStream(actor, cycleId, locale, translator(locale))).arrayBuffer();
  return new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
}

describe("the compliance export written by the database", () => {
  storyClock("2026-11-25T10:00:00");
  let world: Awaited<ReturnType<typeof createWorld>>;
  let team: { id: string; code: string };
  let cycleId: string;

  beforeAll(async () => {
    world = await createWorld();
    team = await createUnit("TEAM", world.division.id, "=팀");
    for (const name of NAMES) await createPerson(world.division.id, "CIVIL_SERVANT", name);
    const noNumber = await createPerson(team.id, "CIVIL_SERVANT", "번호없음", { grade: null });
    await prisma.person.update({ where: { id: noNumber.id }, data: { employeeNo: null } });
    const finisher = await createPerson(team.id, "CIVIL_SERVANT", "=이수자");
    await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "=다른국사람");
    cycleId = (await openTestCycle(world.obligation.id, undefined, 2026)).cycle.id;
    await finishCourse(finisher.id, (await prisma.assignment.findFirstOrThrow({ where: { cycleId, personId: finisher.id } })).id);
  });

  it("writes every cell as the JavaScript writer did, in Korean and English", async () => {
    for (const locale of ["ko", "en"] as const) {
      const text = await csvText(officer(world.bureau.id), cycleId, locale);
      const t = translator(locale);
      const header = csvRow(["employeeNo", "name", "unitCode", "unit", "staffCategory", "grade", "status", "dueAt", "completedAt", "completionMode", "certificate"].map((c) => t(`csv.${c}`)));
      expect(text.startsWith(UTF8_BOM + header)).toBe(true);
      // Lines end in CRLF; a line break inside a quoted cell stays a bare LF.
      const lines = text.slice(UTF8_BOM.length + header.length).split(/(?<=\r\n)/);
      const expected = await expectedLines([world.division.id, team.id], cycleId, locale);
      expect(lines.length).toBe(NAMES.length + 2);
      expect([...lines].sort()).toEqual([...expected].sort());
    }
  });

  it("neutralises a name beginning with = in the file the database writes", async () => {
    const text = await csvText(officer(world.bureau.id), cycleId, "ko");
    expect(text).toContain(`"'=HYPERLINK(""http://x"",""클릭"")"`);
    expect(text).toContain(`"'=숨은 등호"`); // the hidden character is gone and the sign neutralised
    expect(text).toContain(`"'＝전각"`);
    // The one who finished: completed, with their certificate's number in the last cell.
    expect(text).toMatch(/"'=이수자",[^\r]*,"[^"]+"\r\n/);
    expect(text).not.toMatch(/(^|,)"[=+\-@\t]/m);
    // The unit's name too.
    expect(text).toContain(`"'=팀 `);
  });

  it("gives an officer only their scope", async () => {
    const bureau = await csvText(officer(world.bureau.id), cycleId, "ko");
    expect(bureau).not.toContain("다른국사람");
    const teamOnly = await csvText(officer(team.id), cycleId, "ko");
    expect(teamOnly).toContain("번호없음");
    expect(teamOnly).toContain("이수자");
    expect(teamOnly).not.toContain("평범한 이름");
    expect(teamOnly.split("\r\n").filter((l) => l !== "")).toHaveLength(1 + 2);
    const other = await csvText(officer(world.otherBureau.id), cycleId, "ko");
    expect(other).toContain("다른국사람");
    expect(other).not.toContain("평범한 이름");
    // No scope, no rows: the header alone.
    expect((await csvText(officer(), cycleId, "ko")).split("\r\n").filter((l) => l !== "")).toHaveLength(1);
  });

  it("orders rows by unit code, then employee number", async () => {
    const text = await csvText(officer(world.bureau.id), cycleId, "ko");
    const rows = text.slice(UTF8_BOM.length).split("\r\n").slice(1, -1);
    const keys = rows.map((l) => l.match(/^"([^"]*)","(?:[^"]|"")*","([^"]*)"/s)).map((m) => [m![2], m![1]]);
    const division = keys.filter(([code]) => code === world.division.code).map(([, no]) => no!);
    expect(division).toEqual([...division].sort());
    expect(keys.map(([code]) => code)).toEqual([...keys.map(([code]) => code!)].sort());
  });

  it("puts the same cells in the XLSX, neutralised", async () => {
    const t = translator("ko");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.read(complianceXlsxStream(officer(world.bureau.id), cycleId, "ko", t, "2026") as unknown as Readable);
    const rows = (workbook.worksheets[0]!.getSheetValues().slice(2) as unknown[][]).map((r) => r.slice(1));
    expect(rows).toHaveLength(NAMES.length + 2);
    const names = rows.map((r) => r[1]);
    expect(names).toEqual(expect.arrayContaining(NAMES.map(neutralizeFormula)));
    expect(names).not.toContain("=다른국사람");
    const finisher = rows.find((r) => r[1] === "'=이수자")!;
    expect(finisher[6]).toBe(t("status.COMPLETED"));
    expect(finisher[8]).toMatch(/^2026년 11월 25일 \d\d:\d\d$/);
    const noNumber = rows.find((r) => r[1] === "번호없음")!;
    expect([noNumber[0], noNumber[5]]).toEqual([undefined, undefined]);
  });

  it("stops when the reader does, and the next export still runs", async () => {
    const reader = complianceCsvStream(officer(world.bureau.id), cycleId, "ko", translator("ko")).getReader();
    await reader.read(); // the header
    await reader.read(); // the first rows
    await reader.cancel();
    expect(await csvText(officer(team.id), cycleId, "ko")).toContain("번호없음");
  });

  it("sends one statement whatever the number of people", async () => {
    const read = (unitId: string) => countQueries(() => csvText(officer(unitId), cycleId, "ko"));
    expect(await read(team.id)).toBe(1);
    expect(await read(world.bureau.id)).toBe(1);
  });
});
