import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { sendInvitation } from "~/modules/auth/accounts.server";
import { createAssignmentNotices, deliverOutbox } from "~/modules/notifications/outbox.server";
import { resetEnvCache } from "~/utils/env.server";
import {
  createDisabilityObligation,
  createPerson,
  createUnit,
  createUser,
  createWorld,
  openHalfYearCycle,
  openTestCycle,
  TEST_PASSWORD,
  uid,
} from "../factories";
import { storyClock } from "../clock";
import { startSmtp } from "../smtp";
import { startIdentityProvider } from "../../scripts/identity-provider";
import { freePort, launchChromium, signIn, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";
import { takeCourse } from "./player";

const SHOTS = join(process.cwd(), "test-results", "screens", "accounts");
const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);
const NEW_PASSWORD = "the river at dawn is quiet";

describe("end to end: every population gets in", { timeout: 180_000 }, () => {
  // A working Tuesday morning in the second half of 2026, on the test's clock and the app's: the
  // assignment notice goes out in office hours, and the half-yearly duty is in its second half.
  storyClock("2026-09-01T10:00:00");
  let app: Awaited<ReturnType<typeof startApp>>;
  let idp: Awaited<ReturnType<typeof startIdentityProvider>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let civilServant: { id: string; sub: string; email: string };
  let welfareWorker: { id: string; email: string };
  let secondHalf: { title: string; label: string };
  let leaver: { email: string; employeeNo: string };
  let rollOfficer: { email: string };
  let roll: string;
  let admin: { email: string };
  let resetUser: { email: string };
  const stranger = `stranger-${uid()}`;
  const savedEnv: Record<string, string | undefined> = {};

  /** Deliver the newest queued mail of this kind to this address (the worker's job) and return what arrived. */
  async function delivered(address: string, template?: string) {
    const row = await prisma.outboxEmail.findFirstOrThrow({
      where: { toAddress: address.toLowerCase(), ...(template ? { template } : {}) },
      orderBy: { createdAt: "desc" },
    });
    expect(await deliverOutbox(row.id)).toBe("sent");
    return smtp.received.at(-1)!;
  }

  /** Deliver the newest queued mail to this address and return its one-time link, which names the app. */
  async function mailedLink(address: string): Promise<string> {
    const text = (await delivered(address)).text ?? "";
    const link = /(http:\/\/\S+\/account\/verify\?code=[a-z2-7]{32})/.exec(text)?.[1];
    expect(link, text).toBeTruthy();
    expect(new URL(link!).origin).toBe(app.origin);
    return link!;
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    smtp = await startSmtp();
    world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "최공무");
    const { cycle: annual } = await openTestCycle(world.obligation.id);
    // What the cycle-opened job does first: write the assignment notices (delivered in the test).
    await createAssignmentNotices(annual.id);
    civilServant = { id: person.id, sub: `city-${uid()}`, email: person.email };
    const facility = await createUnit("WELFARE_FACILITY", world.city.id, "복지관");
    const worker = await createPerson(facility.id, "WELFARE_FACILITY_STAFF", "한복지");
    welfareWorker = { id: worker.id, email: worker.email };
    // A care home whose HR officer sends its roll each month: one of its two workers has left.
    const careHome = await createUnit("WELFARE_FACILITY", world.city.id, "요양원");
    const leaving = await createPerson(careHome.id, "WELFARE_FACILITY_STAFF", "문떠남");
    const staying = await createPerson(careHome.id, "WELFARE_FACILITY_STAFF", "오남음");
    leaver = { email: (await createUser({ personId: leaving.id })).email, employeeNo: leaving.employeeNo! };
    rollOfficer = { email: (await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: careHome.id }] })).email };
    roll = `employee_no,name,email,unit_code,staff_category,grade,job_family\n${staying.employeeNo},${staying.name},${staying.email},${careHome.code},WELFARE_FACILITY_STAFF,7,\n`;
    const disability = await createDisabilityObligation(world);
    const { cycle: h2 } = await openHalfYearCycle(disability.code, "H2");
    secondHalf = { title: disability.titleKo, label: h2.label };
    admin = { email: (await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).email };
    resetUser = { email: (await createUser({ email: `reset-${uid()}@test.example` })).email };

    const port = await freePort();
    const origin = `http://127.0.0.1:${port}`;
    idp = await startIdentityProvider({
      clients: [{ clientId: "hr-edu", clientSecret: "e2e-secret", redirectUris: [`${origin}/auth/sso/callback`] }],
      accounts: [
        { sub: civilServant.sub, name: "최공무", email: person.email, employeeNo: person.employeeNo },
        { sub: stranger, name: "명부에없음", email: `${stranger}@city.example`, employeeNo: `Z${uid()}` },
      ],
      employeeNoClaim: "employee_no",
    });
    // The app and the mail this process delivers in the worker's place share one configuration.
    const shared = { APP_ORIGIN: origin, OIDC_ISSUER: idp.issuer, OIDC_CLIENT_ID: "hr-edu", OIDC_CLIENT_SECRET: "e2e-secret", OIDC_EMPLOYEE_NO_CLAIM: "employee_no" };
    for (const [k, v] of Object.entries(shared)) {
      savedEnv[k] = process.env[k];
      process.env[k] = v;
    }
    resetEnvCache();
    app = await startApp(shared, port);
    browser = await launchChromium();
    context = await browser.newContext({ locale: "ko-KR", baseURL: app.origin });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await idp?.stop();
    await smtp?.stop();
    for (const [k, v] of Object.entries(savedEnv)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetEnvCache();
  });

  it("a civil servant follows their notice, signs in through the staff portal and completes the annual course", async () => {
    // Without an account yet, the notice sends city staff to the staff portal, not to a password.
    const notice = await delivered(civilServant.email, "assignment-notice");
    expect(notice.text).toContain(world.obligation.titleKo);
    expect(notice.text).toContain("따로 비밀번호를 만들 필요가 없습니다");
    expect(notice.text).not.toContain("/account/verify");
    const link = /직원 포털로 로그인하여 교육 시작: (\S+)/.exec(notice.text ?? "")?.[1];
    expect(link, notice.text).toBeTruthy();
    expect(new URL(link!).origin).toBe(app.origin);

    await page.goto(link!);
    await page.waitForURL((u) => u.pathname === "/login");
    await expectAccessible(page, "01-login-with-sso");
    await page.getByRole("button", { name: "직원 포털로 로그인" }).click();
    await page.waitForURL((u) => u.origin === idp.issuer);
    await expectAccessible(page, "02-staff-portal");
    await page.getByLabel(/직원/).selectOption(civilServant.sub);
    await page.getByRole("button", { name: /로그인/ }).click();
    await page.waitForURL((u) => u.origin === app.origin && u.pathname === "/");
    await expect.poll(() => page.locator("h1").textContent()).toBe("나의 교육");
    const card = page.locator("li.card").filter({ hasText: world.obligation.titleKo });
    await expect.poll(() => card.count()).toBe(1);
    await expectAccessible(page, "03-home-after-sso");

    await card.getByRole("link", { name: /학습 시작/ }).click();
    await page.waitForURL(/\/learn\/[^/]+$/);
    const annualCourse = await prisma.courseVersion.findFirstOrThrow({ where: { courseId: world.course.id }, orderBy: { version: "desc" } });
    await expect.poll(() => page.locator("h1").textContent()).toBe(annualCourse.titleKo);
    await expectAccessible(page, "19-course-annual");
    await takeCourse(
      page,
      { pretest: "20-pretest-annual", pretestResult: "21-pretest-result-annual", lesson: (n) => `22-lesson-annual-${n}`, quiz: "23-quiz-annual" },
      (name) => expectAccessible(page, name),
    );
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("이수했습니다");
    await expectAccessible(page, "24-result-annual");
    await page.goto("/");
    await expect.poll(() => card.locator(".badge").first().textContent()).toBe("이수 완료");
    await context.clearCookies();
  });

  it("someone not on the roll is told so", async () => {
    await page.goto("/login");
    await page.getByRole("button", { name: "직원 포털로 로그인" }).click();
    await page.waitForURL((u) => u.origin === idp.issuer);
    await page.getByLabel(/직원/).selectOption(stranger);
    await page.getByRole("button", { name: /로그인/ }).click();
    await page.waitForURL((u) => u.pathname === "/auth/sso/callback");
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("명부에 없습니다");
    await expectAccessible(page, "04-sso-refused");
    await context.clearCookies();
  });

  it("a welfare facility worker activates from the invitation e-mail and completes the second-half disability rights course", async () => {
    expect(await sendInvitation(welfareWorker.id, null)).toEqual({ ok: true });
    const link = await mailedLink(welfareWorker.email);
    await page.goto(link);
    await expect.poll(() => page.locator("h1").textContent()).toBe("계정 만들기");
    await expectAccessible(page, "05-invitation");
    await page.getByLabel("새 비밀번호", { exact: true }).fill("short");
    await page.getByLabel("새 비밀번호 확인").fill("short");
    await page.getByRole("button", { name: "계정 만들기" }).click();
    await expect.poll(() => page.locator("#password-error").textContent()).toContain("15자");
    await expectAccessible(page, "06-invitation-errors");
    await page.getByLabel("새 비밀번호", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("새 비밀번호 확인").fill(NEW_PASSWORD);
    await page.getByLabel(/개인정보 수집·이용에 동의합니다/).check();
    await page.getByRole("button", { name: "계정 만들기" }).click();
    await page.waitForURL((u) => u.pathname === "/");
    await expect.poll(() => page.locator("h1").textContent()).toBe("나의 교육");

    // What they owe: this half's disability rights course, which they take to the end.
    const card = page.locator("li.card").filter({ hasText: `${secondHalf.title} · ${secondHalf.label}` });
    await expect.poll(() => card.count()).toBe(1);
    const course = await prisma.courseVersion.findFirstOrThrow({ where: { course: { slug: "disability-rights-h2" } }, orderBy: { version: "desc" } });
    expect(await card.textContent()).toContain(course.titleKo);
    await card.getByRole("link", { name: /학습 시작/ }).click();
    await page.waitForURL(/\/learn\/[^/]+$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe(course.titleKo);
    await expectAccessible(page, "25-course-h2");
    await takeCourse(
      page,
      { pretest: "26-pretest-h2", pretestResult: "27-pretest-result-h2", lesson: (n) => `28-lesson-h2-${n}`, quiz: "29-quiz-h2" },
      (name) => expectAccessible(page, name),
    );
    await expect.poll(() => page.getByRole("status").first().textContent()).toContain("이수했습니다");
    await expectAccessible(page, "30-result-h2");
    await page.goto("/");
    await expect.poll(() => card.locator(".badge").first().textContent()).toBe("이수 완료");
    await context.clearCookies();

    // The used link: a clear page and a way to a new one.
    await page.goto(link);
    await expect.poll(() => page.locator("h1").textContent()).toBe("이 링크는 쓸 수 없습니다");
    await expectAccessible(page, "07-link-used");
    await page.getByRole("link", { name: "새 링크 받기" }).click();
    await page.waitForURL((u) => u.pathname === "/forgot-password");
    await expectAccessible(page, "08-forgot");
  });

  it("a password is reset from the e-mail, and the profile page changes it again", async () => {
    await page.goto("/forgot-password");
    await page.getByLabel("이메일").fill(resetUser.email);
    await page.getByRole("button", { name: "링크 받기" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("메일이 도착합니다");
    await expectAccessible(page, "09-forgot-sent");
    await page.goto(await mailedLink(resetUser.email));
    await expect.poll(() => page.locator("h1").textContent()).toBe("새 비밀번호 정하기");
    await page.getByLabel("새 비밀번호", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("새 비밀번호 확인").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "비밀번호 바꾸기" }).click();
    await page.waitForURL((u) => u.pathname === "/");

    await page.goto("/account");
    await expectAccessible(page, "10-account");
    await page.getByLabel("현재 비밀번호").fill(NEW_PASSWORD);
    await page.getByLabel("새 비밀번호", { exact: true }).fill(`${NEW_PASSWORD} again`);
    await page.getByLabel("새 비밀번호 확인").fill(`${NEW_PASSWORD} again`);
    await page.getByRole("button", { name: "비밀번호 바꾸기" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("비밀번호를 바꾸었습니다");
    await expectAccessible(page, "11-account-changed");
    await context.clearCookies();
  });

  it("a citizen registers, proves the address and enrols in a public course", async () => {
    const email = `citizen-${uid()}@test.example`;
    await page.goto("/login");
    await page.getByRole("link", { name: /회원 가입/ }).click();
    await page.waitForURL((u) => u.pathname === "/register");
    await expectAccessible(page, "14-register");
    await page.getByLabel("이름", { exact: true }).fill("박시민");
    await page.getByLabel("이메일", { exact: true }).fill(email);
    await page.getByRole("button", { name: "확인 메일 받기" }).click();
    await expect.poll(() => page.locator("#consent-error").textContent()).toContain("동의");
    await expectAccessible(page, "15-register-errors");
    await page.getByLabel(/개인정보 수집·이용에 동의합니다/).check();
    await page.getByRole("button", { name: "확인 메일 받기" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("확인 메일을 보냈습니다");
    await page.goto(await mailedLink(email));
    await expect.poll(() => page.locator("h1").textContent()).toBe("가입 마치기");
    await expectAccessible(page, "16-register-verify");
    await page.getByLabel("새 비밀번호", { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel("새 비밀번호 확인").fill(NEW_PASSWORD);
    await page.getByRole("button", { name: "가입 마치기" }).click();
    await page.waitForURL((u) => u.pathname === "/catalog");
    const elective = await prisma.courseVersion.findFirstOrThrow({ where: { track: "ELECTIVE" }, orderBy: { titleKo: "asc" } });
    await page.locator("li.card").filter({ hasText: elective.titleKo }).getByRole("button", { name: /^수강 신청/ }).click();
    await page.waitForURL(/\/learn\/[^/]+$/);
    // Their profile offers their data and closing the account.
    await page.goto("/account");
    await expect.poll(() => page.getByRole("button", { name: "계정 닫기" }).count()).toBe(1);
    await expectAccessible(page, "17-account-citizen");
    await context.clearCookies();
  });

  it("an administrator makes someone an HR officer for a unit, and they see that unit", async () => {
    const officer = await createUser({ email: `officer-${uid()}@test.example` });
    await signIn(page, admin.email, TEST_PASSWORD);
    expect(new URL(page.url()).pathname).toBe("/admin/roles");
    await page.getByLabel("계정 찾기").fill(officer.email);
    await page.getByRole("button", { name: "찾기" }).click();
    await page.waitForURL((u) => u.searchParams.get("q") === officer.email);
    await expectAccessible(page, "12-roles");
    await page.getByLabel("줄 권한").selectOption("HR_OFFICER");
    await page.getByLabel(/맡을 조직 코드/).fill(world.bureau.code);
    await page.getByRole("button", { name: "권한 주기" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("권한을 주었습니다");
    await expectAccessible(page, "13-roles-granted");
    await context.clearCookies();

    await signIn(page, officer.email, TEST_PASSWORD);
    expect(new URL(page.url()).pathname).toBe("/hr");
    await expect.poll(() => page.getByText(world.bureau.nameKo).count()).toBeGreaterThan(0);
    // They can name an HR officer for a unit below theirs.
    await page.getByRole("link", { name: "인사 담당 위임" }).click();
    await page.waitForURL((u) => u.pathname === "/hr/delegates");
    await expectAccessible(page, "18-delegates");
    await context.clearCookies();
  });

  it("a leaver's open session ends when the roll leaves them out, and their password no longer opens the account", async () => {
    const leaverContext = await browser.newContext({ locale: "ko-KR", baseURL: app.origin });
    try {
      const theirs = await leaverContext.newPage();
      await signIn(theirs, leaver.email, TEST_PASSWORD);
      await expect.poll(() => theirs.locator("h1").textContent()).toBe("나의 교육");
      await theirs.getByRole("link", { name: /학습 시작/ }).click();
      await theirs.waitForURL(/\/learn\/[^/]+$/);
      const coursePath = new URL(theirs.url()).pathname;

      // Meanwhile their HR officer checks and applies this month's roll, which no longer lists them.
      await signIn(page, rollOfficer.email, TEST_PASSWORD);
      await page.goto("/hr/import");
      await page.getByLabel("CSV 파일").setInputFiles({ name: "roll.csv", mimeType: "text/csv", buffer: Buffer.from(roll) });
      await page.getByRole("radio", { name: /담당 조직의 전체 명부/ }).check();
      await page.getByRole("button", { name: "점검하기" }).click();
      await page.waitForURL(/\/hr\/import\/[^/]+$/);
      await expect.poll(() => page.getByRole("status").textContent()).toContain("재직자 2명 가운데 1명이 퇴직 처리됩니다");
      await expect.poll(() => page.getByRole("row", { name: "퇴직 처리" }).getByRole("cell").textContent()).toBe("1");
      const leavers = page.getByRole("region", { name: "퇴직 처리될 직원 (1명)" });
      expect(await leavers.getByRole("row", { name: new RegExp(leaver.employeeNo) }).textContent()).toContain("문떠남");
      await expectAccessible(page, "31-import-leaver");
      // One of the home's two workers is half of it: the officer types the number before applying.
      await page.getByLabel("퇴직 처리할 인원 수를 입력하세요: 1").fill("1");
      await page.getByRole("button", { name: "적용하기" }).click();
      await expect.poll(() => page.getByRole("status").textContent()).toContain("적용했습니다");
      await expectAccessible(page, "32-import-applied");
      await context.clearCookies();

      // The leaver's next click finds them signed out, and says so.
      await theirs.reload();
      await theirs.waitForURL((u) => u.pathname === "/login");
      const at = new URL(theirs.url());
      expect(at.searchParams.get("redirectTo")).toBe(coursePath);
      expect(at.searchParams.get("expired")).toBe("1");
      await expect.poll(() => theirs.getByRole("status").textContent()).toContain("세션이 만료되었거나 로그아웃되었습니다");
      await expectAccessible(theirs, "33-leaver-signed-out");

      // Their password is refused, with the reason rather than "wrong password".
      await theirs.getByLabel("이메일").fill(leaver.email);
      await theirs.getByLabel("비밀번호").fill(TEST_PASSWORD);
      await theirs.getByRole("button", { name: "로그인", exact: true }).click();
      await expect.poll(() => theirs.getByRole("alert").textContent()).toContain("사용이 중지되었습니다");
      expect(new URL(theirs.url()).pathname).toBe("/login");
      await expectAccessible(theirs, "34-leaver-refused");
      await theirs.goto(coursePath);
      await theirs.waitForURL((u) => u.pathname === "/login");
    } finally {
      await leaverContext.close();
    }
  });
});
