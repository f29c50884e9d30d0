import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { createPerson, createUnit, createUser, createWorld, openTestCycle, TEST_PASSWORD } from "../factories";
import { launchChromium, signIn as signInAs, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";
import { takeCourse } from "./player";
import { sessionCookieFor } from "../http";

const SHOTS = join(process.cwd(), "test-results", "screens");

/** Every page a person visits is scanned for WCAG 2.2 AA violations. */
const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);

describe("end to end: a civil servant completes the annual course; the HR officer sees it", { timeout: 120_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let learnerEmail: string;
  let hrEmail: string;
  let divisionName: string;
  let certificateCode = "";
  /** This test's own cycle: other files open cycles of their own while this one runs. */
  let hrPage = "/hr";
  let unitPage = "";

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await createWorld();
    divisionName = world.division.nameKo;
    const learner = await createPerson(world.division.id, "CIVIL_SERVANT", "김하늘");
    await createPerson(world.division.id, "CIVIL_SERVANT", "이서윤");
    learnerEmail = (await createUser({ personId: learner.id })).email;
    hrEmail = (await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] })).email;
    const { cycle } = await openTestCycle(world.obligation.id);
    hrPage = `/hr?cycle=${cycle.id}`;
    app = await startApp();
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true, locale: "ko-KR", baseURL: app.origin });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  const signIn = (email: string) => signInAs(page, email, TEST_PASSWORD);

  it("shows a clear message for a wrong password", async () => {
    await page.goto("/");
    await expectAccessible(page, "01-welcome");
    await page.goto("/login");
    await page.getByLabel("이메일").fill(learnerEmail);
    await page.getByLabel("비밀번호").fill("wrong-password");
    await page.getByRole("button", { name: "로그인" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("올바르지 않습니다");
    await expectAccessible(page, "02-login-error");
  });

  it("takes the course with the keyboard, passes the quiz and gets a certificate", async () => {
    await signIn(learnerEmail);
    await expect.poll(() => page.locator("h1").textContent()).toBe("나의 교육");
    await expectAccessible(page, "03-home");
    await page.getByRole("link", { name: /학습 시작/ }).click();
    await page.waitForURL(/\/learn\/[^/]+$/);
    await expectAccessible(page, "04-course");

    const tabs = await takeCourse(
      page,
      { pretest: "04b-pretest", pretestResult: "04c-pretest-result", lesson: (n) => `05-lesson-${n}`, quiz: "06-quiz" },
      (name) => expectAccessible(page, name),
    );
    // From each lesson's title to its "done" button: only the lesson's own links lie between.
    expect(Math.max(...tabs)).toBeLessThanOrEqual(3);
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("이수했습니다");
    await expectAccessible(page, "07-result");

    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("link", { name: /수료증 내려받기/ }).click(),
    ]);
    const pdfPath = join(SHOTS, "certificate.pdf");
    await download.saveAs(pdfPath);
    const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"]).toString();
    expect(text.replace(/\s+/g, "")).toContain("수료증");
    expect(text).toContain("김하늘");
    const cert = await prisma.certificate.findFirstOrThrow({ where: { person: { user: { email: learnerEmail } } } });
    expect(text).toContain(cert.number);
    expect(text).toContain(cert.verificationCode);
    certificateCode = cert.verificationCode;
  });

  it("verifies the certificate publicly, and says so clearly for an unknown code", async () => {
    await context.clearCookies();
    await page.goto("/catalog");
    await expect.poll(() => page.locator("h1").textContent()).toBe("인권교육원 과정 안내");
    await expectAccessible(page, "08a-catalog");
    await page.goto("/verify");
    await expectAccessible(page, "08-verify");
    await page.getByLabel("진위 확인 코드").fill(certificateCode.toLowerCase().replace(/-/g, " "));
    await page.getByRole("button", { name: "확인" }).click();
    await page.waitForURL(/\/verify\/[A-Z0-9-]+$/);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("유효한 수료증");
    expect(await page.locator("dl").textContent()).toContain("김*늘");
    await expectAccessible(page, "09-verified");
    const res = await page.goto("/verify/2222-3333-4444");
    expect(res?.status()).toBe(404);
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("발급된 수료증이 없습니다");
  });

  it("lets the HR officer see the completion, drill down and download the CSV", async () => {
    await signIn(hrEmail);
    await page.goto(hrPage);
    await expectAccessible(page, "10-hr");
    const row = page.getByRole("row", { name: new RegExp(divisionName) });
    await expect.poll(() => row.textContent()).toMatch(/2\s*1\s*0 \(0%\)\s*0\s*1\s*0\s*0\s*50%/);
    await row.getByRole("link").click();
    await page.waitForURL(/\/hr\/units\//);
    await expect.poll(() => page.locator("h1").textContent()).toContain("대상자");
    expect(await page.locator("tbody").textContent()).toContain("이서윤");
    expect(await page.locator("tbody").textContent()).not.toContain("김하늘");
    await expectAccessible(page, "11-hr-unit");
    unitPage = page.url();
    // A reminder now, to the one picked: said on the page, focused, and written to the outbox once.
    await page.getByRole("checkbox", { name: "이서윤 선택" }).check();
    await page.getByRole("button", { name: "선택한 사람에게 알림 보내기" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("status");
    expect(await page.getByRole("status").textContent()).toContain("알림 1건");
    await expectAccessible(page, "11a-hr-unit-reminded");
    await page.getByRole("button", { name: "이 조직의 미이수자 모두에게 알림 보내기" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("최근 7일 안에 알림을 받아");
    await page.getByRole("link", { name: "이서윤" }).click();
    await page.waitForURL(/\/hr\/assignments\//);
    await expectAccessible(page, "11b-hr-record");
    await page.getByLabel("사유", { exact: true }).fill("육아휴직 (인사발령 제2026-118호)");
    await page.getByRole("button", { name: "면제 처리" }).click();
    await expect.poll(() => page.locator("tbody").last().textContent()).toContain("육아휴직");
    await page.getByLabel("사유", { exact: true }).fill("휴직 취소, 복직");
    await page.getByRole("button", { name: "면제 취소" }).click();
    await expect.poll(() => page.locator("tbody").last().textContent()).toContain("휴직 취소");

    await page.goto("/hr/import");
    await expectAccessible(page, "11c-import");
    await page.getByLabel("CSV 파일").setInputFiles({
      name: "roll.csv",
      mimeType: "text/csv",
      // Saved by Excel in Korean: EUC-KR, where 홍길순 is C8 AB B1 E6 BC F8.
      buffer: Buffer.concat([
        Buffer.from("employee_no,name,email,unit_code,staff_category,grade,job_family\nX1,"),
        Buffer.from([0xc8, 0xab, 0xb1, 0xe6, 0xbc, 0xf8]),
        Buffer.from(",x1@test.example,NO-SUCH,CIVIL_SERVANT,7,\n"),
      ]),
    });
    // Which kind of file it is has no default: the form asks, naming the file, and starts from the error.
    await page.getByRole("button", { name: "점검하기" }).click();
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute("role"))).toBe("alert");
    expect(await page.getByRole("alert").textContent()).toContain("roll.csv 파일의 종류를 고르세요");
    expect(await page.getByRole("group", { name: "파일 종류" }).getAttribute("aria-describedby")).toBe("kind-error");
    await expectAccessible(page, "11c-import-kind-missing");
    await page.getByRole("radio", { name: /바뀐 사람만/ }).check();
    await page.getByRole("button", { name: "점검하기" }).click();
    await page.waitForURL(/\/hr\/import\/[^/]+$/);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("적용할 수 없습니다");
    expect(await page.locator("body").textContent()).toContain("부서 코드 NO-SUCH은(는) 없는 부서입니다.");
    await expectAccessible(page, "11d-import-result");
    await page.goto(hrPage);
    const downloads = page.getByRole("region", { name: "파일 내려받기" });
    await downloads.getByLabel("열람·내려받기 목적").selectOption("ROUTINE_MONITORING");
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      downloads.getByRole("button", { name: "CSV 내려받기" }).click(),
    ]);
    const csvPath = join(SHOTS, "compliance.csv");
    await download.saveAs(csvPath);
    const csv = readFileSync(csvPath);
    expect([...csv.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(csv.toString("utf8")).toContain("김하늘");
    expect(csv.toString("utf8")).toContain("이수 완료");

    // One purpose per visit: declared once with the page's form, carried to its links and its files.
    await page.locator("#view-purpose").selectOption("AUDIT_REQUEST");
    await page.locator("#view-note").fill("시 감사위원회 자료 요구");
    await page.getByRole("button", { name: "보기", exact: true }).click();
    await page.waitForURL((u) => u.searchParams.has("access") && !u.searchParams.has("purpose"));
    await expect.poll(() => downloads.textContent()).toContain("이번 열람 목적으로 내려받습니다: 감사·점검 요청 대응");
    await expectAccessible(page, "11e-hr-purpose-declared");
    expect(await page.getByRole("row", { name: new RegExp(divisionName) }).getByRole("link").getAttribute("href")).toContain("access=");
    const [again] = await Promise.all([page.waitForEvent("download"), downloads.getByRole("button", { name: "엑셀(XLSX) 내려받기" }).click()]);
    expect(again.suggestedFilename()).toMatch(/\.xlsx$/);
    const exported = await prisma.auditEvent.findFirstOrThrow({ where: { action: "report.export", data: { path: ["format"], equals: "xlsx" } }, orderBy: { id: "desc" } });
    expect(exported).toMatchObject({ reason: "AUDIT_REQUEST" });
  });

  it("switches to English and remembers it", async () => {
    await page.goto(hrPage);
    await page.getByRole("button", { name: /English/ }).click();
    await expect.poll(() => page.locator("h1").textContent()).toBe("Compliance");
    await expect.poll(() => page.locator("html").getAttribute("lang")).toBe("en");
    await expectAccessible(page, "12-hr-en");
    await page.goto(unitPage);
    await expect.poll(() => page.getByRole("button", { name: "Remind the people selected" }).count()).toBe(1);
    await expectAccessible(page, "12a-hr-unit-en");
    await page.goto("/verify");
    expect(await page.locator("h1").textContent()).toBe("Verify a certificate");
  });

  it("refuses a form posted from another site", async () => {
    const res = await fetch(`${app.origin}/logout`, { method: "POST", headers: { Origin: "http://evil.example" }, redirect: "manual" });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Request refused");
  });

  it("shows the queue board to system administrators only", async () => {
    const anonymous = await fetch(`${app.origin}/admin/queues`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    const hr = await sessionCookieFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: (await createUnit("DIVISION")).id }] })).id);
    expect((await fetch(`${app.origin}/admin/queues`, { headers: { cookie: hr } })).status).toBe(403);
    const admin = await sessionCookieFor((await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).id);
    const board = await fetch(`${app.origin}/admin/queues/api/queues`, { headers: { cookie: admin } });
    expect(board.status).toBe(200);
    const names = ((await board.json()) as { queues: Array<{ name: string }> }).queues.map((q) => q.name).sort();
    expect(names).toEqual(["cycles", "imports", "mail", "reminders"]);
    const html = await (await fetch(`${app.origin}/admin/queues`, { headers: { cookie: admin } })).text();
    const script = /src="([^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeTruthy();
    const asset = await fetch(new URL(script!, `${app.origin}/admin/queues/`), { headers: { cookie: admin } });
    expect(asset.status).toBe(200);
  });

  it("reports its health from PostgreSQL and Redis", async () => {
    const res = await fetch(`${app.origin}/healthz`);
    expect(await res.json()).toEqual({ status: "ok", checks: { postgres: "ok", redis: "ok" } });
  });
});
