import { spawn } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { clockForChild } from "~/utils/clock.server";
import { formatDate } from "~/utils/i18n";
import { createPerson, createUser, createWorld, openTestCycle, TEST_PASSWORD, uid } from "../factories";
import { storyClock } from "../clock";
import { REAL } from "../content-copies";
import { launchChromium, signIn, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-second-city");
const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);

/**
 * Issue 14's "done when", in the browser and with files only: a second city
 * (인천광역시) beside Seoul's tree in the same database. Its chart is loaded
 * from a unit file, its people from a personnel file with hire dates, its
 * three duties from obligation files; the academy previews and opens its
 * year; a new hire owes the joining duty 60 days from their hire date; a
 * second unit file moves a division, and the as-of views before that day
 * still show the old chart. Seoul's tree and cycle are left as they were.
 *
 * The story happens on one working day of the second half of 2026, on the
 * test's clock and the app's; every date below is counted from it.
 */
const TODAY = "2026-09-01";
const YEAR = 2026;
/** The Seoul calendar day `n` days from TODAY (negative: before). */
const day = (n: number) => new Date(Date.parse(`${TODAY}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
/** The end of a Seoul day, as the instant the database keeps. */
const endOfSeoulDay = (d: string) => new Date(`${d}T23:59:59.999+09:00`);

/** `npm run content:load` (or check) against the test database, on the test's clock. */
function contentCli(command: "check" | "load", root: string): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "content/cli.ts", command, root], {
      env: { ...process.env, ...clockForChild() },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    child.on("error", reject);
    child.on("exit", (code) => resolve({ code, out, err }));
  });
}

/** On the chart page, the code of the unit whose list item holds the given unit's. */
function parentOnChart(page: Page, code: string): Promise<string | null> {
  return page.evaluate((c) => {
    const own = [...document.querySelectorAll("ul.org-tree code")].find((e) => e.textContent === c);
    const parent = own?.closest("li")?.parentElement?.closest("li");
    return parent?.querySelector("code")?.textContent ?? null;
  }, code);
}

/** On the chart page, a unit's own line: name, code, kind and headcounts (not its children's). */
function chartLine(page: Page, code: string): Promise<string | null> {
  return page.evaluate((c) => {
    const own = [...document.querySelectorAll("ul.org-tree code")].find((e) => e.textContent === c);
    const line = own?.closest("summary") ?? own?.closest("li");
    return line?.textContent?.replace(/\s+/g, " ").trim() ?? null;
  }, code);
}

/** On the compliance page, the name of the row one level above the given unit's row (the table lists the tree in order, indented). */
async function parentOnCompliance(page: Page, name: string): Promise<string | null> {
  const rows = await page
    .locator("table", { has: page.locator("#compliance-caption") })
    .locator("tbody th[scope=row]")
    .evaluateAll((ths) => ths.map((th) => [th.textContent ?? "", Number(/indent-(\d)/.exec(th.className)?.[1] ?? -1)] as const));
  const at = rows.findIndex(([text]) => text === name);
  if (at < 0) return null;
  const depth = rows[at]![1];
  for (let i = at - 1; i >= 0; i--) if (rows[i]![1] === depth - 1) return rows[i]![0];
  return null;
}

/** What the page says after a file's check: fail with the page's text if the check page never comes. */
async function waitForCheckPage(page: Page) {
  await page.waitForURL(/\/hr\/import\/[^/]+$/, { timeout: 20_000 }).catch(async (e: unknown) => {
    throw new Error(`no check page: ${page.url()} ${(await page.locator("main").textContent())?.slice(0, 800)}`, { cause: e });
  });
}

describe("end to end: a second city runs its year from files and pages, beside Seoul", { timeout: 300_000 }, () => {
  storyClock(`${TODAY}T10:00:00`);

  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let content: string;
  let adminEmail: string;
  let hrEmail: string;
  let academyEmail: string;
  let seoul: Awaited<ReturnType<typeof createWorld>>;
  let seoulCycleId: string;

  const tag = uid().toUpperCase();
  const CITY = `INCHEON-${tag}`;
  const unit = {
    city: CITY,
    adm: `${CITY}-ADM`,
    admHr: `${CITY}-ADM-HR`,
    admHrTeam: `${CITY}-ADM-HR-T1`,
    admIt: `${CITY}-ADM-IT`,
    wel: `${CITY}-WEL`,
    welSen: `${CITY}-WEL-SEN`,
    welSenTeam: `${CITY}-WEL-SEN-T1`,
  };
  const codes = { annual: `incheon-annual-${tag.toLowerCase()}`, senior: `incheon-leaders-${tag.toLowerCase()}`, joining: `incheon-new-hires-${tag.toLowerCase()}` };
  const titles = {
    annual: `인천광역시 공직자 인권교육 ${tag}`,
    senior: `인천광역시 인권행정 교육 ${tag}`,
    joining: `인천광역시 신규 임용자 인권교육 ${tag}`,
  };
  const emp = (n: string) => `IC${tag}-${n}`;
  // Hire dates: long-serving staff, a contract worker hired this spring whose 60 days ran out before
  // the year was opened, a civil servant hired ten days ago, and (in a later file) a contract worker hired three days ago.
  const NEW_HIRE_ON = day(-10);
  const LATE_HIRE_ON = day(-3);
  const MOVED_ON = day(-7);

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // Seoul's side of the database: its own tree, people and an open annual cycle.
    seoul = await createWorld();
    for (const name of ["김서울", "이한강", "박남산"]) await createPerson(seoul.division.id, "CIVIL_SERVANT", name);
    seoulCycleId = (await openTestCycle(seoul.obligation.id, undefined, YEAR)).cycle.id;
    adminEmail = (await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).email;
    hrEmail = (await createUser({ email: `incheon-hr-${tag.toLowerCase()}@test.example` })).email;
    academyEmail = (await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).email;
    content = mkdtempSync(join(tmpdir(), "incheon-content-"));
    app = await startApp();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    rmSync(content ?? "/nonexistent", { recursive: true, force: true });
    await browser?.close();
    await app?.stop();
  });

  async function signedIn(email: string): Promise<Page> {
    const context = await browser.newContext({ locale: "ko-KR", baseURL: app.origin });
    contexts.push(context);
    const page = await context.newPage();
    await signIn(page, email, TEST_PASSWORD);
    return page;
  }

  /** What Seoul's side holds: people in its tree, its cycle's assignments, and what the chart page says of its city. */
  async function seoulState(admin: Page) {
    await admin.goto(`/hr/org-chart?q=${encodeURIComponent(seoul.city.code)}`);
    await admin.getByRole("list", { name: "부서" }).waitFor();
    return {
      summary: await chartLine(admin, seoul.city.code),
      people: await prisma.person.count({ where: { orgUnitId: { in: [seoul.city.id, seoul.bureau.id, seoul.division.id, seoul.otherBureau.id] }, status: "ACTIVE" } }),
      assignments: await prisma.assignment.count({ where: { cycleId: seoulCycleId } }),
      cycle: await prisma.cycle.findUniqueOrThrow({ where: { id: seoulCycleId }, select: { status: true, dueAt: true } }),
    };
  }

  it("loads the chart, the people and the rules, opens the year, dates a new hire's duty, and keeps the old chart for the past", async () => {
    const admin = await signedIn(adminEmail);
    const seoulBefore = await seoulState(admin);
    expect(seoulBefore.summary).toContain("합계 3명");
    expect(seoulBefore.assignments).toBe(3);

    // 1. The system administrator loads the new city's units: a dry run, then all of it at once.
    await admin.goto("/hr/org-chart/import");
    await expectAccessible(admin, "01-chart-upload");
    const from = day(-62);
    const chart = [
      "code,name_ko,name_en,parent_code,kind,valid_from",
      `${unit.city},인천광역시,Incheon Metropolitan City,,CITY,${from}`,
      `${unit.adm},행정국,Administration Bureau,${unit.city},BUREAU,${from}`,
      `${unit.admHr},인사과,Personnel Division,${unit.adm},DIVISION,${from}`,
      `${unit.admHrTeam},인사운영팀,Personnel Operations Team,${unit.admHr},TEAM,${from}`,
      `${unit.admIt},정보화과,Information Division,${unit.adm},DIVISION,${from}`,
      `${unit.wel},복지국,Welfare Bureau,${unit.city},BUREAU,${from}`,
      `${unit.welSen},노인복지과,Senior Welfare Division,${unit.wel},DIVISION,${from}`,
      `${unit.welSenTeam},경로당지원팀,Senior Centre Support Team,${unit.welSen},TEAM,${from}`,
    ].join("\r\n");
    await admin.getByLabel("조직 자료(CSV)").setInputFiles({ name: "incheon-units.csv", mimeType: "text/csv", buffer: Buffer.from(chart) });
    await admin.getByRole("button", { name: "조직 자료 점검" }).click();
    await waitForCheckPage(admin);
    await expect.poll(() => admin.getByRole("status").first().textContent()).toContain("문제가 없습니다");
    const counts = admin.locator("table", { has: admin.locator("#chart-summary-caption") });
    expect(await counts.getByRole("row", { name: /^신설 / }).getByRole("cell").textContent()).toBe("8");
    await expectAccessible(admin, "02-chart-checked");
    await admin.getByRole("button", { name: "적용하기" }).click();
    await expect.poll(() => admin.getByRole("status").first().textContent()).toContain("적용했습니다");
    await expectAccessible(admin, "03-chart-applied");
    const city = await prisma.orgUnit.findUniqueOrThrow({ where: { code: unit.city } });
    expect(city.parentId).toBeNull();

    await admin.goto(`/hr/org-chart?q=${encodeURIComponent(CITY)}`);
    const tree = admin.getByRole("list", { name: "부서" });
    await expect.poll(() => tree.textContent()).toContain("인천광역시");
    expect(await parentOnChart(admin, unit.admIt)).toBe(unit.adm);
    expect(await parentOnChart(admin, unit.welSenTeam)).toBe(unit.welSen);
    expect(await chartLine(admin, unit.city)).toContain("합계 0명");
    await expectAccessible(admin, "04-chart-tree-empty");

    // 2. The administrator makes an HR officer of the new city, on the roles page.
    await admin.goto("/admin/roles");
    await admin.getByLabel("계정 찾기").fill(hrEmail);
    await admin.getByRole("button", { name: "찾기" }).click();
    await admin.waitForURL((u) => u.searchParams.get("q") === hrEmail);
    await admin.getByLabel("줄 권한").selectOption("HR_OFFICER");
    await admin.getByLabel(/맡을 조직 코드/).fill(unit.city);
    await admin.getByRole("button", { name: "권한 주기" }).click();
    await expect.poll(() => admin.getByRole("status").textContent()).toContain("권한을 주었습니다");
    await expectAccessible(admin, "05-roles-granted");
    const grant = await prisma.roleGrant.findFirstOrThrow({ where: { user: { email: hrEmail }, role: "HR_OFFICER" }, include: { orgUnit: true } });
    expect(grant.orgUnit?.code).toBe(unit.city);

    // The officer imports the city's roll with hire dates: senior officials, civil servants, contract staff.
    const hr = await signedIn(hrEmail);
    const roll = [
      "employee_no,name,email,unit_code,staff_category,grade,hired_on",
      `${emp("01")},최국장,${emp("01").toLowerCase()}@incheon.example,${unit.adm},SENIOR_OFFICIAL,3,2009-03-02`,
      `${emp("02")},강국장,${emp("02").toLowerCase()}@incheon.example,${unit.wel},SENIOR_OFFICIAL,4,2011-03-02`,
      `${emp("03")},윤주무관,${emp("03").toLowerCase()}@incheon.example,${unit.admHr},CIVIL_SERVANT,7,2015-03-02`,
      `${emp("04")},장주무관,${emp("04").toLowerCase()}@incheon.example,${unit.admIt},CIVIL_SERVANT,6,2018-07-01`,
      `${emp("05")},임주무관,${emp("05").toLowerCase()}@incheon.example,${unit.welSenTeam},CIVIL_SERVANT,8,2020-01-02`,
      `${emp("06")},한계약,${emp("06").toLowerCase()}@incheon.example,${unit.admHrTeam},CONTRACT_STAFF,,2024-01-02`,
      `${emp("07")},오계약,${emp("07").toLowerCase()}@incheon.example,${unit.welSen},계약직,,${YEAR}-03-02`,
      `${emp("08")},신입사,${emp("08").toLowerCase()}@incheon.example,${unit.admIt},CIVIL_SERVANT,9,${NEW_HIRE_ON}`,
    ].join("\r\n");
    await hr.goto("/hr/import");
    await hr.getByLabel("CSV 파일").setInputFiles({ name: "incheon-roll.csv", mimeType: "text/csv", buffer: Buffer.from(roll) });
    await hr.getByRole("radio", { name: /담당 조직의 전체 명부/ }).check();
    await expectAccessible(hr, "06-roll-upload");
    await hr.getByRole("button", { name: "점검하기" }).click();
    await waitForCheckPage(hr);
    await expect.poll(() => hr.getByRole("status").first().textContent()).toContain("문제가 없습니다");
    expect(await hr.getByRole("row", { name: "새로 등록" }).getByRole("cell").textContent()).toBe("8");
    expect(await hr.getByRole("row", { name: "퇴직 처리" }).getByRole("cell").textContent()).toBe("0");
    await expectAccessible(hr, "07-roll-checked");
    await hr.getByRole("button", { name: "적용하기" }).click();
    await expect.poll(() => hr.getByRole("status").first().textContent()).toContain("적용했습니다");
    await expectAccessible(hr, "08-roll-applied");
    const newHire = await prisma.person.findUniqueOrThrow({ where: { employeeNo: emp("08") } });
    expect(newHire.hiredOn?.toISOString().slice(0, 10)).toBe(NEW_HIRE_ON);
    expect((await prisma.person.findUniqueOrThrow({ where: { employeeNo: emp("07") } })).staffCategory).toBe("CONTRACT_STAFF");

    // The chart, as the officer sees it: their city with its headcounts.
    await hr.goto("/hr/org-chart");
    const hrTree = hr.getByRole("list", { name: "부서" });
    await hrTree.waitFor();
    expect(await chartLine(hr, unit.city)).toContain("합계 8명");
    expect(await chartLine(hr, unit.adm)).toContain("부서 1명 · 합계 5명");
    expect(await chartLine(hr, unit.admIt)).toContain("부서 2명 · 합계 2명");
    expect(await chartLine(hr, unit.wel)).toContain("합계 3명");
    expect(await hrTree.textContent()).not.toContain(seoul.city.nameKo);
    await expectAccessible(hr, "09-chart-with-people");

    // 3. The city's three duties, as files in a copy of the content tree, loaded by the content command.
    // The copy holds the shipped courses, Seoul's duties (which name Seoul's top unit, SEOUL) and the
    // new city's beside them. The staff categories file stays out: the database already holds the
    // shipped categories (계약직 among them), and the tree is then loaded against them (ADR 025).
    cpSync(REAL, content, { recursive: true });
    rmSync(join(content, "staff-categories.yaml"));
    const seoulFiles = readdirSync(join(content, "obligations"));
    expect(seoulFiles.length).toBeGreaterThan(0);
    const audience = (kinds: string) => `audience:\n  unitKinds: [${kinds}]\n  units: [${unit.city}]\n`;
    const write = (file: string, body: string) => writeFileSync(join(content, "obligations", file), body);
    write(
      "incheon-annual.yaml",
      `code: ${codes.annual}
title:
  ko: "${titles.annual}"
  en: "Incheon public officials' human rights education ${tag}"
legalBasis:
  ko: "인천광역시 인권 기본 조례 — 시장은 소속 공무원과 직원에게 매년 인권교육을 실시"
  en: "Incheon Human Rights Ordinance — the Mayor provides human rights education to city staff every year"
cycle: annual
${audience("CITY, BUREAU, DIVISION, TEAM")}routes:
  - staffCategories: [SENIOR_OFFICIAL, CIVIL_SERVANT, CONTRACT_STAFF]
    course: annual-civil-servants
    minMinutes: 60
deadline: "11-30"
inPersonShare: 30
`,
    );
    write(
      "incheon-leaders.yaml",
      `code: ${codes.senior}
title:
  ko: "${titles.senior}"
  en: "Incheon human rights in administration ${tag}"
legalBasis:
  ko: "인천광역시 인권 기본 조례 — 관리자는 관리자 과정으로"
  en: "Incheon Human Rights Ordinance — managers through the managers' course"
cycle: annual
${audience("CITY, BUREAU, DIVISION, TEAM")}routes:
  - staffCategories: [SENIOR_OFFICIAL]
    course: annual-senior-officials
  - staffCategories: [CIVIL_SERVANT, CONTRACT_STAFF]
    course: elective-impact-assessment
deadline: "12-31"
`,
    );
    write(
      "incheon-new-hires.yaml",
      `code: ${codes.joining}
title:
  ko: "${titles.joining}"
  en: "Incheon human rights education for new hires ${tag}"
legalBasis:
  ko: "인천광역시 인권 기본 조례 — 신규 임용자는 임용 후 60일 이내"
  en: "Incheon Human Rights Ordinance — new hires within 60 days of appointment"
cycle: on_joining
withinDays: 60
${audience("CITY, BUREAU, DIVISION, TEAM")}routes:
  - staffCategories: [SENIOR_OFFICIAL, CIVIL_SERVANT, CONTRACT_STAFF]
    course: annual-civil-servants
`,
    );
    // A draft that names no units: with Seoul's tree and Incheon's in the database, refused before anything is written.
    write(
      "incheon-draft.yaml",
      `code: incheon-draft-${tag.toLowerCase()}
title:
  ko: "이름 없는 대상 ${tag}"
  en: "No audience ${tag}"
legalBasis:
  ko: "조례"
  en: "Ordinance"
cycle: annual
audience:
  unitKinds: [CITY, BUREAU, DIVISION, TEAM]
routes:
  - staffCategories: [CIVIL_SERVANT]
    course: annual-civil-servants
deadline: "12-31"
`,
    );
    const refused = await contentCli("load", content);
    expect(refused.code, refused.out + refused.err).toBe(1);
    expect(refused.err).toContain("Content load refused, nothing published");
    expect(refused.err).toMatch(/content\/obligations\/incheon-draft\.yaml: the audience names no units, and the database holds \d+ top-level organizations/);
    expect(refused.err).not.toContain("incheon-annual.yaml");
    expect(await prisma.obligation.count({ where: { code: { in: [...Object.values(codes), `incheon-draft-${tag.toLowerCase()}`] } } })).toBe(0);

    rmSync(join(content, "obligations", "incheon-draft.yaml"));
    const loaded = await contentCli("load", content);
    expect(loaded.code, loaded.out + loaded.err).toBe(0);
    // content:check reads each rule back in plain words before it is published, naming the units the
    // database holds by name and code, and the others by code (Seoul's top unit, SEOUL, is in the
    // test database only once a test that needs Seoul's own duties has made it).
    // The categories its routes leave out are those the database holds (affiliated organization staff among them).
    expect(loaded.out).toMatch(new RegExp(`인천광역시\\(${unit.city}\\) 및 그 하위 조직 소속 전원\\([^)\n]*투자·출연기관 직원[^)\n]* 제외\\), 매년 1회, 11월 30일까지`));
    expect(loaded.out).toMatch(new RegExp(`everyone in Incheon Metropolitan City \\(${unit.city}\\) and the units under it except [^\n]*affiliated organization staff[^\n]*, once a year, by 30 November`));
    expect(loaded.out).toMatch(new RegExp(`인천광역시\\(${unit.city}\\) 및 그 하위 조직 소속 전원\\([^)\n]* 제외\\), 들어온 날부터 60일 이내 1회`));
    expect(loaded.out).toContain("in each institution, at least 30% of a cycle's completions in person (checked in the oversight return)");
    expect(loaded.out).toMatch(/(^|[^(])SEOUL 및 그 하위 조직 소속 전원\(|서울특별시\(SEOUL\) 및 그 하위 조직 소속 전원\(/m);
    for (const f of seoulFiles) expect(loaded.out).toContain(`(obligations/${f})`);
    const duties = await prisma.obligation.findMany({ where: { code: { in: Object.values(codes) } }, include: { routes: { include: { course: { select: { slug: true } } } } } });
    expect(duties).toHaveLength(3);
    const leaders = duties.find((o) => o.code === codes.senior)!;
    expect(leaders.routes.map((r) => [r.staffCategory, r.course.slug]).sort()).toEqual([
      ["CIVIL_SERVANT", "elective-impact-assessment"],
      ["CONTRACT_STAFF", "elective-impact-assessment"],
      ["SENIOR_OFFICIAL", "annual-senior-officials"],
    ]);
    expect(duties.find((o) => o.code === codes.joining)).toMatchObject({ joiningWithinDays: 60, audienceUnitCodes: [unit.city] });

    // 4. The academy plans the year of each duty, reads who opening would assign, and opens it.
    const academy = await signedIn(academyEmail);
    await academy.goto(`/academy/cycles?year=${YEAR}`);
    await expectAccessible(academy, "10-cycles-year");
    const opened: Record<keyof typeof codes, string> = { annual: "", senior: "", joining: "" };
    // Who opening would assign, by the units right under the city: everyone for the two annual duties,
    // only the hire of ten days ago for the duty owed on joining.
    const expected: Record<keyof typeof codes, { people: number; units: Array<[string, string]> }> = {
      annual: { people: 8, units: [["행정국", "5"], ["복지국", "3"]] },
      senior: { people: 8, units: [["행정국", "5"], ["복지국", "3"]] },
      joining: { people: 1, units: [["행정국", "1"]] },
    };
    for (const key of ["annual", "senior", "joining"] as const) {
      const section = academy.getByRole("region", { name: titles[key], exact: true });
      await section.getByRole("button", { name: `${YEAR}년 주기 계획하기` }).click();
      await academy.getByRole("status").filter({ hasText: "주기를 계획했습니다" }).waitFor();
      const cycle = await prisma.cycle.findFirstOrThrow({ where: { obligation: { code: codes[key] }, label: String(YEAR) } });
      opened[key] = cycle.id;
      await academy.getByRole("region", { name: titles[key], exact: true }).getByRole("link", { name: `${YEAR} 열기` }).click();
      await academy.getByRole("heading", { name: "주기 열기 확인" }).waitFor();
      await academy.getByText(`모두 ${expected[key].people}명 (지난 주기 없음), 이미 배정된 사람 0명`).waitFor();
      const byUnit = academy.locator("table", { has: academy.locator("#preview-unit") });
      for (const [name, people] of expected[key].units) {
        expect(await byUnit.getByRole("row", { name: new RegExp(`^${name}`) }).getByRole("cell").first().textContent()).toBe(people);
      }
      if (key === "senior") {
        // Senior officials take their own course; everyone else the other one.
        const byCourse = academy.locator("table", { has: academy.locator("#preview-course") });
        expect(await byCourse.locator("tbody tr").count()).toBe(2);
        const byCategory = academy.locator("table", { has: academy.locator("#preview-category") });
        expect(await byCategory.getByRole("row", { name: /^4급 이상 관리자/ }).getByRole("cell").first().textContent()).toBe("2");
        expect(await byCategory.getByRole("row", { name: /^계약직/ }).getByRole("cell").first().textContent()).toBe("2");
      }
      await expectAccessible(academy, `11-preview-${key}`);
      await academy.getByRole("button", { name: "열기", exact: true }).click();
      await academy.getByRole("status").filter({ hasText: `주기를 열었습니다: ${expected[key].people}명 배정.` }).waitFor();
      expect(await prisma.assignment.count({ where: { cycleId: cycle.id } })).toBe(expected[key].people);
    }
    await expectAccessible(academy, "12-cycles-opened");
    // Senior officials owe the managers' course in the second duty, the annual course in the first.
    const seniorOwes = await prisma.assignment.findMany({ where: { person: { employeeNo: emp("01") } }, include: { cycle: { select: { obligation: { select: { code: true } } } } } });
    const slugs = new Map((await prisma.course.findMany({ where: { id: { in: seniorOwes.map((a) => a.courseId) } } })).map((c) => [c.id, c.slug]));
    expect(seniorOwes.map((a) => [a.cycle!.obligation.code, slugs.get(a.courseId)]).sort()).toEqual([
      [codes.annual, "annual-civil-servants"],
      [codes.senior, "annual-senior-officials"],
    ].sort());
    // Contract staff owe the annual duty, due at the end of 30 November in Seoul.
    const contract = await prisma.assignment.findFirstOrThrow({ where: { cycleId: opened.annual, person: { employeeNo: emp("06") } } });
    expect(contract.dueAt?.toISOString()).toBe(endOfSeoulDay(`${YEAR}-11-30`).toISOString());

    // 5. The new hire owes the joining duty 60 days from their hire date, to the end of that Seoul day.
    const dueOn = day(-10 + 60);
    const joining = await prisma.assignment.findFirstOrThrow({ where: { cycleId: opened.joining, personId: newHire.id } });
    expect(joining.dueAt?.toISOString()).toBe(endOfSeoulDay(dueOn).toISOString());
    // Hired this spring, their 60 days ran out before the year was opened: they do not owe it.
    expect(await prisma.assignment.count({ where: { cycleId: opened.joining, person: { employeeNo: emp("07") } } })).toBe(0);
    const itDivision = await prisma.orgUnit.findUniqueOrThrow({ where: { code: unit.admIt } });
    await hr.goto(`/hr/units/${itDivision.id}?cycle=${opened.joining}&show=all`);
    await hr.getByRole("link", { name: "신입사" }).click();
    await hr.waitForURL(/\/hr\/assignments\//);
    // The record's page, not the list it was opened from: its list of details has a deadline.
    await hr.locator("dt", { hasText: /^기한$/ }).first().waitFor();
    const due = await hr.evaluate(() => [...document.querySelectorAll("dt")].find((dt) => dt.textContent === "기한")?.nextElementSibling?.textContent ?? null);
    expect(due).toBe(formatDate(endOfSeoulDay(dueOn), "ko"));
    await expectAccessible(hr, "13-new-hire-assignment");

    // A hire reported after the year opened: the officer's next file adds them, and the same rule dates their duty.
    await hr.goto("/hr/import");
    const joiner = `employee_no,name,email,unit_code,staff_category,hired_on\r\n${emp("09")},도계약,${emp("09").toLowerCase()}@incheon.example,${unit.welSen},CONTRACT_STAFF,${LATE_HIRE_ON}\r\n`;
    await hr.getByLabel("CSV 파일").setInputFiles({ name: "incheon-joiner.csv", mimeType: "text/csv", buffer: Buffer.from(joiner) });
    await hr.getByRole("radio", { name: /바뀐 사람만/ }).check();
    await hr.getByRole("button", { name: "점검하기" }).click();
    await waitForCheckPage(hr);
    await expect.poll(() => hr.getByRole("status").first().textContent()).toContain("문제가 없습니다");
    await hr.getByRole("button", { name: "적용하기" }).click();
    await expect.poll(() => hr.getByRole("status").first().textContent()).toContain("적용했습니다");
    // The file's follow-up assigns open cycles' audiences right after the commit.
    await expect.poll(() => prisma.assignment.count({ where: { person: { employeeNo: emp("09") } } })).toBe(3);
    const late = await prisma.assignment.findMany({ where: { person: { employeeNo: emp("09") } }, select: { cycleId: true, dueAt: true } });
    const dueOf = (cycleId: string) => late.find((a) => a.cycleId === cycleId)?.dueAt?.toISOString();
    expect(dueOf(opened.joining)).toBe(endOfSeoulDay(day(-3 + 60)).toISOString());
    expect(dueOf(opened.annual)).toBe(endOfSeoulDay(`${YEAR}-11-30`).toISOString());

    // 6. A reorganisation: the information division moves to the welfare bureau, from a day last week.
    await admin.goto("/hr/org-chart/import");
    const move = `code,name_ko,name_en,parent_code,kind,valid_from\r\n${unit.admIt},정보화과,Information Division,${unit.wel},DIVISION,${MOVED_ON}\r\n`;
    await admin.getByLabel("조직 자료(CSV)").setInputFiles({ name: "incheon-reorganisation.csv", mimeType: "text/csv", buffer: Buffer.from(move) });
    await admin.getByRole("button", { name: "조직 자료 점검" }).click();
    await waitForCheckPage(admin);
    await expect.poll(() => admin.getByRole("status").first().textContent()).toContain("문제가 없습니다");
    expect(await counts.getByRole("row", { name: "상위 부서 변경" }).getByRole("cell").textContent()).toBe("1");
    await expectAccessible(admin, "14-move-checked");
    await admin.getByRole("button", { name: "적용하기" }).click();
    await expect.poll(() => admin.getByRole("status").first().textContent()).toContain("적용했습니다");
    expect((await prisma.orgUnit.findUniqueOrThrow({ where: { id: itDivision.id } })).parentId).toBe(
      (await prisma.orgUnit.findUniqueOrThrow({ where: { code: unit.wel } })).id,
    );

    // Today the division sits under the welfare bureau; the day before the move, under administration.
    const before = day(-8);
    await hr.goto(`/hr?cycle=${opened.annual}`);
    await expect.poll(() => parentOnCompliance(hr, "정보화과")).toBe("복지국");
    await expectAccessible(hr, "15-compliance-today");
    await hr.goto(`/hr?cycle=${opened.annual}&asOf=${before}`);
    await expect.poll(() => parentOnCompliance(hr, "정보화과")).toBe("행정국");
    expect(await hr.locator("#compliance-caption").textContent()).toContain(before);
    await expectAccessible(hr, "16-compliance-before-move");
    await hr.goto(`/hr?cycle=${opened.annual}&asOf=${MOVED_ON}`);
    await expect.poll(() => parentOnCompliance(hr, "정보화과")).toBe("복지국");
    await hr.goto("/hr/org-chart");
    await expect.poll(() => parentOnChart(hr, unit.admIt)).toBe(unit.wel);
    await hr.goto(`/hr/org-chart?asOf=${before}`);
    await expect.poll(() => parentOnChart(hr, unit.admIt)).toBe(unit.adm);
    await expectAccessible(hr, "17-chart-before-move");

    // 7. Seoul's side is as it was: its tree, its people, its cycle; none of its people owe Incheon's
    // duties, and no one in Incheon owes anything but Incheon's.
    const seoulAfter = await seoulState(admin);
    expect(seoulAfter).toEqual(seoulBefore);
    await expectAccessible(admin, "18-seoul-chart");
    const seoulPeople = await prisma.person.findMany({ where: { orgUnitId: seoul.division.id }, select: { id: true } });
    expect(await prisma.assignment.count({ where: { personId: { in: seoulPeople.map((p) => p.id) }, cycleId: { in: Object.values(opened) } } })).toBe(0);
    const incheonOwes = await prisma.assignment.findMany({ where: { person: { employeeNo: { startsWith: `IC${tag}-` } } }, select: { cycle: { select: { obligation: { select: { code: true } } } } } });
    expect(new Set(incheonOwes.map((a) => a.cycle!.obligation.code))).toEqual(new Set(Object.values(codes)));
  });
});
