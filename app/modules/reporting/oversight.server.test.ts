import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import type { StaffCategoryCode } from "~/modules/org/staff-categories.server";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { openCycle } from "~/modules/obligations/cycles.server";
import { recordPlacements } from "~/modules/org/org.server";
import { action as downloadAction } from "~/routes/hr.download";
import { loader as pageLoader } from "~/routes/hr.oversight";
import { loader as pdfLoader } from "~/routes/hr.oversight[.pdf]";
import { loader as xlsxLoader } from "~/routes/hr.oversight[.xlsx]";
import { countQueries, prisma } from "~/utils/db.server";
import { translator } from "~/utils/i18n";
import { createPerson, createUnit, createUser, createWorld, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { storyClock } from "../../../test/clock";
import { now } from "~/utils/clock.server";
import { cycleFacts, rankLabel } from "./oversight-labels";
import { oversightReturn, type OversightReturn, type ReturnCycle } from "./oversight.server";

const t = translator("ko");

async function actorFor(userId: string): Promise<Actor> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  return loadActor({ userId, sessionId: "test", refreshCookie: null, user });
}

async function openCycleFor(obligationId: string, label: string, period: "" | "H1" | "H2", year = 2026) {
  const [start, end] = period === "H2" ? ["07-01", "12-31"] : period === "H1" ? ["01-01", "06-30"] : ["01-01", "12-31"];
  const cycle = await prisma.cycle.create({
    data: {
      obligationId,
      label,
      period,
      startsOn: new Date(`${year}-${start}T00:00:00Z`),
      endsOn: new Date(`${year}-${end}T00:00:00Z`),
      dueAt: new Date(`${year}-${end}T14:59:59Z`),
    },
  });
  await openCycle(cycle.id, null);
  return cycle;
}

describe("oversight return", () => {
  // Early December 2026: the first half is past its deadline, the annual and second-half cycles still running.
  storyClock("2026-12-03T10:00:00");
  let world: Awaited<ReturnType<typeof createWorld>>;
  let officer: Actor;
  let officerCookie: string;
  let annual: { id: string };
  let h1: { id: string };
  let h2: { id: string };
  let units: Record<"division" | "team" | "agency" | "facility" | "school", { id: string; code: string; nameKo: string }>;
  const people: Record<string, { id: string }> = {};

  async function person(key: string, unitId: string, category: StaffCategoryCode, grade: number | null) {
    people[key] = await createPerson(unitId, category, key, { grade });
  }

  async function mark(key: string, cycleId: string, state: "ONLINE" | "IN_PERSON" | "EXEMPTED") {
    await prisma.assignment.update({
      where: { cycleId_personId: { cycleId, personId: people[key]!.id } },
      data:
        state === "EXEMPTED"
          ? { status: "EXEMPTED", exemptedAt: now(), exemptReason: "휴직" }
          : { status: "COMPLETED", completedAt: now(), completionMode: state },
    });
  }

  beforeAll(async () => {
    world = await createWorld();
    const division = world.division;
    const team = await createUnit("TEAM", division.id, "팀");
    const agency = await createUnit("AFFILIATED_ORG", world.bureau.id, "공단");
    // A welfare facility under the agency: its own institution, not part of the agency's rows.
    const facility = await createUnit("WELFARE_FACILITY", agency.id, "복지관");
    const school = await createUnit("EDUCATIONAL_INSTITUTION", world.bureau.id, "학교");
    units = { division, team, agency, facility, school };

    const tag = uid();
    const obligation = await prisma.obligation.create({
      data: {
        code: `test-oversight-${tag}`,
        titleKo: `연간 인권교육 ${tag}`,
        titleEn: `Annual training ${tag}`,
        legalBasisKo: "서울특별시 인권 기본 조례 제22조",
        legalBasisEn: "Seoul Human Rights Ordinance, art. 22",
        cycleKind: "ANNUAL",
        unitKinds: ["BUREAU", "DIVISION", "TEAM", "AFFILIATED_ORG", "WELFARE_FACILITY", "EDUCATIONAL_INSTITUTION"],
        audienceRootId: world.city.id,
        routes: { create: (["SENIOR_OFFICIAL", "CIVIL_SERVANT", "AFFILIATED_STAFF"] as const).map((staffCategory) => ({ staffCategory, courseId: world.course.id })) },
      },
    });
    const disability = await prisma.obligation.create({
      data: {
        code: `test-oversight-dis-${tag}`,
        titleKo: `장애인 인권교육 ${tag}`,
        titleEn: `Disability rights training ${tag}`,
        legalBasisKo: "서울특별시 장애인 인권증진에 관한 조례",
        legalBasisEn: "Ordinance on the Human Rights of Persons with Disabilities",
        cycleKind: "HALF_YEAR",
        unitKinds: ["DIVISION", "WELFARE_FACILITY"],
        audienceRootId: world.city.id,
        routes: { create: (["CIVIL_SERVANT", "WELFARE_FACILITY_STAFF"] as const).map((staffCategory) => ({ staffCategory, courseId: world.course.id })) },
      },
    });

    await person("bureauChief", world.bureau.id, "SENIOR_OFFICIAL", 4);
    await person("g5", division.id, "CIVIL_SERVANT", 5);
    await person("g7a", division.id, "CIVIL_SERVANT", 7);
    await person("g7b", division.id, "CIVIL_SERVANT", 7);
    await person("g7c", division.id, "CIVIL_SERVANT", 7);
    await person("noGrade", division.id, "CIVIL_SERVANT", null);
    await person("leaver", division.id, "CIVIL_SERVANT", 7);
    await person("mover", division.id, "CIVIL_SERVANT", 6);
    await person("g7team", team.id, "CIVIL_SERVANT", 7);
    await person("agency1", agency.id, "AFFILIATED_STAFF", null);
    await person("agency2", agency.id, "AFFILIATED_STAFF", null);
    await person("carer1", facility.id, "WELFARE_FACILITY_STAFF", null);
    await person("carer2", facility.id, "WELFARE_FACILITY_STAFF", null);
    await person("outsider", world.otherBureau.id, "CIVIL_SERVANT", 7);

    annual = await openCycleFor(obligation.id, "2026", "");
    h1 = await openCycleFor(disability.id, "2026-H1", "H1");
    h2 = await openCycleFor(disability.id, "2026-H2", "H2");
    // Another year, which a 2026 return must leave out.
    await openCycleFor(obligation.id, "2025", "", 2025);

    await mark("bureauChief", annual.id, "IN_PERSON");
    await mark("g5", annual.id, "ONLINE");
    await mark("g7a", annual.id, "IN_PERSON");
    await mark("g7b", annual.id, "EXEMPTED");
    await mark("g7team", annual.id, "ONLINE");
    await mark("leaver", annual.id, "IN_PERSON");
    await mark("outsider", annual.id, "IN_PERSON");
    await mark("agency1", annual.id, "IN_PERSON");
    await mark("g7a", h1.id, "ONLINE");
    await mark("carer1", h1.id, "IN_PERSON");
    await prisma.person.update({ where: { id: people.leaver!.id }, data: { status: "LEFT", leftOn: new Date("2026-11-01T00:00:00Z") } });
    // After the first half's deadline, the mover goes to the welfare facility (another institution).
    await prisma.person.update({ where: { id: people.mover!.id }, data: { orgUnitId: facility.id } });
    await recordPlacements(prisma, new Date("2026-09-01T00:00:00+09:00"), [people.mover!.id]);

    const user = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    await prisma.user.update({ where: { id: user.id }, data: { displayName: "=김담당" } });
    officer = await actorFor(user.id);
    officerCookie = await sessionCookieFor(user.id);
  });

  function cycleOf(ret: OversightReturn, unitId: string, cycleId: string): ReturnCycle | undefined {
    return ret.institutions.find((i) => i.unitId === unitId)?.cycles.find((c) => c.cycleId === cycleId);
  }

  function table(c: ReturnCycle | undefined) {
    return c?.rows.map((r) => [rankLabel(t, "ko", r), r.assigned, r.exempted, r.completed, r.ratePercent, r.inPerson, r.inPersonSharePercent]);
  }

  it("has one row per institution: the scope root, and each affiliated body, facility and school under it", async () => {
    const ret = await oversightReturn(officer, 2026);
    // In tree order: each institution after the ones above it, siblings by code.
    const paths: Array<[string, string[]]> = [
      [world.bureau.id, [world.bureau.code]],
      [units.agency.id, [world.bureau.code, units.agency.code]],
      [units.facility.id, [world.bureau.code, units.agency.code, units.facility.code]],
      [units.school.id, [world.bureau.code, units.school.code]],
    ];
    const byPath = (a: string[], b: string[]) => {
      for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
      return a.length - b.length;
    };
    expect(ret.institutions.map((i) => i.unitId)).toEqual(paths.sort((a, b) => byPath(a[1], b[1])).map(([id]) => id));
    // Nobody owes anything at the school: it is listed, with nothing in it.
    expect(ret.institutions.find((i) => i.unitId === units.school.id)?.cycles).toEqual([]);
    // Only this year's cycles.
    expect(new Set(ret.institutions.flatMap((i) => i.cycles.map((c) => c.label)))).toEqual(new Set(["2026", "2026-H1", "2026-H2"]));
  });

  it("counts by rank with exact numbers: exempted apart, leavers and sub-institutions left out, in-person share", async () => {
    const ret = await oversightReturn(officer, 2026);
    const bureau = cycleOf(ret, world.bureau.id, annual.id)!;
    expect(bureau.legalBasisKo).toBe("서울특별시 인권 기본 조례 제22조");
    expect(bureau.dueAt.toISOString()).toBe("2026-12-31T14:59:59.000Z");
    expect(table(bureau)).toEqual([
      ["4급 이상 관리자 4급", 1, 0, 1, 100, 1, 100],
      ["공무원 5급", 1, 0, 1, 100, 0, 0],
      // g7a in person, g7team online, g7b exempted (out of the denominator), g7c not yet; the leaver is not counted.
      ["공무원 7급", 4, 1, 2, 66.7, 1, 50],
      ["공무원 (직급 미기재)", 1, 0, 0, 0, 0, null],
      ["공무원 소계", 6, 1, 3, 60, 1, 33.3],
    ]);
    expect(bureau.total).toEqual({ assigned: 7, exempted: 1, completed: 4, ratePercent: 66.7, inPerson: 2, inPersonSharePercent: 50 });

    expect(table(cycleOf(ret, units.agency.id, annual.id))).toEqual([["투자·출연기관 직원", 2, 0, 1, 50, 1, 100]]);
    // The facility's own staff have no route in the annual duty, and its people are not in the agency's rows;
    // the civil servant who moved there during the year is counted there, where they are while the cycle runs.
    expect(table(cycleOf(ret, units.facility.id, annual.id))).toEqual([
      ["공무원 6급", 1, 0, 0, 0, 0, null],
    ]);
    expect(table(cycleOf(ret, units.facility.id, h1.id))).toEqual([["복지시설 종사자", 2, 0, 1, 50, 1, 100]]);
    // The second half is still running: the mover counts where they are now.
    expect(cycleOf(ret, units.facility.id, h2.id)?.total).toEqual({ assigned: 3, exempted: 0, completed: 0, ratePercent: 0, inPerson: 0, inPersonSharePercent: null });
    // The half-year duty covers divisions only: the team and the bureau's own people owe nothing there.
    // Its deadline has passed, so it is read as people stood then: the mover is still in the division,
    // and the leaver, who left after the deadline, still counts.
    expect(table(cycleOf(ret, world.bureau.id, h1.id))).toEqual([
      ["공무원 5급", 1, 0, 0, 0, 0, null],
      ["공무원 6급", 1, 0, 0, 0, 0, null],
      ["공무원 7급", 4, 0, 1, 25, 0, 0],
      ["공무원 (직급 미기재)", 1, 0, 0, 0, 0, null],
      ["공무원 소계", 7, 0, 1, 14.3, 0, 0],
    ]);
    expect(cycleOf(ret, units.facility.id, h1.id)?.total.assigned).toBe(2);
  });

  it("never shows people outside the officer's scope; a system administrator's return has the whole city", async () => {
    const ret = await oversightReturn(officer, 2026);
    expect(ret.institutions.map((i) => i.unitId)).not.toContain(world.otherBureau.id);
    expect(ret.institutions.map((i) => i.unitId)).not.toContain(world.city.id);
    const everyone = ret.institutions.flatMap((i) => i.cycles).filter((c) => c.cycleId === annual.id).reduce((n, c) => n + c.total.assigned, 0);
    expect(everyone).toBe(7 + 2 + 1);

    const admin = await actorFor((await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).id);
    const all = await oversightReturn(admin, 2026);
    // The city is the top unit: it counts the bureau, the division, the team and the other bureau, not the agency.
    expect(cycleOf(all, world.city.id, annual.id)?.total).toMatchObject({ assigned: 8, completed: 5, inPerson: 3 });
    expect(cycleOf(all, units.agency.id, annual.id)?.total).toMatchObject({ assigned: 2 });
  });

  it("makes the same number of queries whatever the number of people", async () => {
    const page = () => pageLoader({ request: getRequest("/hr/oversight?year=2026", officerCookie), params: {}, context: {} });
    const small = await countQueries(page);
    const smallReturn = await countQueries(() => oversightReturn(officer, 2026));
    expect(smallReturn).toBe(1);
    for (let i = 0; i < 30; i++) {
      await createPerson(units.team.id, "CIVIL_SERVANT", `직원${i}`, { grade: 5 + (i % 4) });
    }
    for (let i = 0; i < 10; i++) await createPerson(units.facility.id, "WELFARE_FACILITY_STAFF", `종사자${i}`);
    await openCycle(annual.id, null);
    await openCycle(h1.id, null);
    expect(await countQueries(page)).toBe(small);
    expect(await countQueries(() => oversightReturn(officer, 2026))).toBe(1);
  });

  async function download(format: "xlsx" | "pdf"): Promise<Response> {
    const posted = await respond(() =>
      downloadAction({ request: postForm("/hr/download", { report: "oversight", format, year: "2026", purpose: "OVERSIGHT_SUBMISSION" }, officerCookie), params: {}, context: {} }),
    );
    expect(posted.status).toBe(303);
    const location = posted.headers.get("Location")!;
    expect(location).toMatch(new RegExp(`^/hr/oversight\\.${format}\\?access=\\d+$`));
    const loader = format === "xlsx" ? xlsxLoader : pdfLoader;
    const res = await respond(() => loader({ request: getRequest(location, officerCookie), params: {}, context: {} }));
    expect(res.status).toBe(200);
    return res;
  }

  /** The page's numbers, as lines "rank n n n rate n share" in document order. */
  async function pageLines(): Promise<{ data: OversightReturn; lines: string[][] }> {
    const res = await respond(() => pageLoader({ request: getRequest("/hr/oversight?year=2026", officerCookie), params: {}, context: {} }));
    const data = (await res.json()).ret as OversightReturn;
    const pct = (v: number | null) => (v === null ? "—" : `${v.toFixed(1)}%`);
    const lines = data.institutions.flatMap((i) =>
      i.cycles.flatMap((c) => [...c.rows.map((r) => ({ label: rankLabel(t, "ko", r), c: r })), { label: "합계", c: c.total }]).map(({ label, c }) => [
        label,
        String(c.assigned),
        String(c.exempted),
        String(c.completed),
        pct(c.ratePercent),
        String(c.inPerson),
        pct(c.inPersonSharePercent),
      ]),
    );
    return { data, lines };
  }

  it("downloads an XLSX with the header block and the same numbers as the page, formulas neutralised", async () => {
    const { data, lines } = await pageLines();
    const res = await download("xlsx");
    expect(res.headers.get("Content-Disposition")).toContain("oversight-return-2026.xlsx");
    const bytes = Buffer.from(await res.arrayBuffer());
    mkdirSync(join(process.cwd(), "test-results", "oversight"), { recursive: true });
    writeFileSync(join(process.cwd(), "test-results", "oversight", "oversight-return-2026.xlsx"), bytes);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(["요약", ...data.institutions.map((i) => i.nameKo)]);
    const fromSheets: string[][] = [];
    for (const sheet of workbook.worksheets.slice(1)) {
      const pairs = new Map<string, string>();
      sheet.eachRow((row) => {
        const cells = Array.from({ length: 7 }, (_, i) => (row.values as unknown[])[i + 1] ?? null);
        if (typeof cells[1] === "string" && cells[2] === null) pairs.set(String(cells[0]), cells[1]);
        if (typeof cells[1] === "number") {
          const pct = (v: unknown) => (v === null || v === undefined ? "—" : `${(Number(v) * 100).toFixed(1)}%`);
          fromSheets.push([String(cells[0]), String(cells[1]), String(cells[2]), String(cells[3]), pct(cells[4]), String(cells[5]), pct(cells[6])]);
        }
      });
      expect(pairs.get("작성자")).toMatch(/^'=김담당 \(/);
      expect(pairs.get("작성 기준 시각")).toBeTruthy();
      expect(pairs.get("기관")).toContain(sheet.name);
    }
    expect(fromSheets).toEqual(lines);
    const bureauSheet = workbook.getWorksheet(world.bureau.nameKo)!;
    const texts: string[] = [];
    bureauSheet.eachRow((row) => texts.push((row.values as unknown[]).join("|")));
    expect(texts.join("\n")).toContain("법적 근거|서울특별시 인권 기본 조례 제22조");
    expect(texts.join("\n")).toContain("교육 기간|2026년 연간 (2026년 1월 1일 ~ 2026년 12월 31일)");
    expect(texts.join("\n")).toContain("이수 기한|2026년 12월 31일");
    for (const sheet of workbook.worksheets) {
      sheet.eachRow((row) => expect((row.values as unknown[]).join("|")).not.toContain(world.otherBureau.nameKo));
    }
  });

  it("says under each cycle whether the institution meets the duty's in-person share, on the page and in the XLSX (ADR 038)", async () => {
    // As planned from a file with inPersonShare: 60; kept on the cycle so a later file edit leaves this year alone.
    await prisma.cycle.update({ where: { id: annual.id }, data: { inPersonSharePercent: 60 } });
    try {
      const facts = (c: ReturnCycle | undefined) => Object.fromEntries(cycleFacts(t, "ko", c!));
      const ret = await oversightReturn(officer, 2026);
      // The bureau: 2 of its 4 completions in person; the agency: its one completion; the facility: nobody yet.
      expect(facts(cycleOf(ret, world.bureau.id, annual.id))["집합교육 목표"]).toBe("이수자의 60% 이상 — 미달 (50.0%)");
      expect(facts(cycleOf(ret, units.agency.id, annual.id))["집합교육 목표"]).toBe("이수자의 60% 이상 — 달성 (100.0%)");
      expect(facts(cycleOf(ret, units.facility.id, annual.id))["집합교육 목표"]).toBe("이수자의 60% 이상 — 아직 이수자 없음");
      expect(facts(cycleOf(ret, units.facility.id, h1.id))["집합교육 목표"]).toBeUndefined();
      expect(Object.fromEntries(cycleFacts(translator("en"), "en", cycleOf(ret, world.bureau.id, annual.id)!))["In-person target"]).toBe(
        "at least 60% of completions — not met (50.0%)",
      );

      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load((await (await download("xlsx")).arrayBuffer()) as ArrayBuffer);
      const texts: string[] = [];
      workbook.getWorksheet(world.bureau.nameKo)!.eachRow((row) => texts.push((row.values as unknown[]).join("|")));
      expect(texts).toContain("|집합교육 목표|이수자의 60% 이상 — 미달 (50.0%)");
    } finally {
      await prisma.cycle.update({ where: { id: annual.id }, data: { inPersonSharePercent: null } });
    }
  });

  it("downloads a PDF to hand in with the same numbers, page numbers and who prepared it", async () => {
    const { data, lines } = await pageLines();
    const res = await download("pdf");
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    // Kept for people to look at, beside the end-to-end screenshots.
    const dir = join(process.cwd(), "test-results", "oversight");
    mkdirSync(dir, { recursive: true });
    const file = join(dir, "oversight-return-2026.pdf");
    writeFileSync(file, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync("pdftotext", ["-layout", file, "-"]).toString();
    const pages = text.split("\f").filter((p) => p.trim());
    // One institution per page at least, each page numbered "n / N쪽" with the preparer.
    expect(pages.length).toBeGreaterThanOrEqual(data.institutions.length);
    pages.forEach((p, i) => {
      expect(p.replace(/\s+/g, " ")).toContain(`${i + 1} / ${pages.length}쪽`);
      expect(p).toContain("작성: =김담당");
    });
    const rows = text.split("\n").map((l) => l.trim().split(/\s{2,}|\s(?=\d|—)/).map((c) => c.trim()).filter(Boolean));
    let at = 0;
    for (const expected of lines) {
      const found = rows.findIndex((r, i) => i >= at && r.join(" ") === expected.join(" "));
      expect(found, `PDF row ${expected.join(" ")}`).toBeGreaterThanOrEqual(0);
      at = found + 1;
    }
    expect(text).toContain("서울특별시 인권 기본 조례 제22조");
    expect(text).not.toContain(world.otherBureau.nameKo);
  });
});
