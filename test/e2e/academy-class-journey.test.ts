import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now, setClock } from "~/utils/clock.server";
import { resetEnvCache } from "~/utils/env.server";
import { seoulDateKey, seoulYear } from "~/utils/i18n";
import { deliverOutbox } from "~/modules/notifications/outbox.server";
import { createPerson, createUser, createWorld, openTestCycle, TEST_PASSWORD, uid } from "../factories";
import { seoul } from "../clock";
import { addressOf, startSmtp } from "../smtp";
import { freePort, launchChromium, signIn, startApp } from "./app-server";
import { expectReflowAndAccessible } from "./axe";
import { qrOnScreen } from "./qr";

const SHOTS = join(process.cwd(), "test-results", "screens-academy-class-journey");
const DAY = 86_400_000;

/**
 * The academy's scheduled classes from end to end, as one story told in the browser: a class is
 * scheduled, fills up and moves its waiting list; on the day its lecturer shows the rotating QR
 * code and people check in with their phones; the roll is closed into in-person completions that
 * the HR officer's dashboard and the oversight return count; the survey is answered and shows on
 * the academy's year of classes; and a citizen signs up and takes a seat in a public class.
 *
 * Its dates are built from the product's clock (TEST_CLOCK or the machine's): the class is two
 * weeks after the moment the suite runs at, and the app is restarted with its clock on the day.
 */
describe("end to end: a class of the academy, from scheduling to the oversight return", { timeout: 300_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let port: number;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let savedOrigin: string | undefined;

  const tag = uid();
  const title = `인권 감수성 함께 배우기 ${tag}`;
  const publicTitle = `시민과 함께하는 인권 산책 ${tag}`;
  const lecturerName = `강사 ${tag}`;
  let lecturerEmail: string;
  let academyEmail: string;
  let hrEmail: string;
  let bureauName: string;
  let divisionName: string;
  let cycleId: string;
  let electiveCourseId: string;
  const staff: Array<{ email: string; personEmail: string; name: string }> = [];

  /** The class's day in Seoul (two weeks from now on the product's clock) and the one before. */
  let classDay: string;
  let dayBefore: string;
  let publicDay: string;
  let classYear: number;
  let offeringId = "";

  async function startTheApp() {
    app = await startApp({}, port);
  }

  /** The product's clock moves to a Seoul time of the class's day; the app starts again on it. */
  async function moveTo(localTime: string) {
    await app.stop();
    setClock(seoul(`${classDay}T${localTime}`), { running: true });
    await startTheApp();
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const start = now();
    classDay = seoulDateKey(new Date(start.getTime() + 14 * DAY));
    dayBefore = seoulDateKey(new Date(start.getTime() + 13 * DAY));
    publicDay = seoulDateKey(new Date(start.getTime() + 21 * DAY));
    classYear = seoulYear(seoul(`${classDay}T14:00:00`));

    smtp = await startSmtp();
    const world = await createWorld();
    bureauName = world.bureau.nameKo;
    divisionName = world.division.nameKo;
    for (const name of ["김하나", "이둘", "박셋", "최넷"]) {
      const person = await createPerson(world.division.id, "CIVIL_SERVANT", name);
      staff.push({ email: (await createUser({ personId: person.id })).email, personEmail: person.email, name });
    }
    // The year of the class: its annual duty, open, which a class in a room may complete.
    const { cycle } = await openTestCycle(world.obligation.id, undefined, classYear);
    cycleId = cycle.id;
    const lecturer = await createUser({ roles: [{ role: "LECTURER" }] });
    await prisma.user.update({ where: { id: lecturer.id }, data: { displayName: lecturerName } });
    lecturerEmail = lecturer.email;
    academyEmail = (await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).email;
    hrEmail = (await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] })).email;
    electiveCourseId = (await prisma.courseVersion.findFirstOrThrow({ where: { track: "ELECTIVE" }, orderBy: { titleKo: "asc" } })).courseId;

    // The app and the mail this process delivers in the worker's place name the same site.
    port = await freePort();
    savedOrigin = process.env.APP_ORIGIN;
    process.env.APP_ORIGIN = `http://127.0.0.1:${port}`;
    resetEnvCache();
    await startTheApp();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await smtp?.stop();
    if (savedOrigin === undefined) delete process.env.APP_ORIGIN;
    else process.env.APP_ORIGIN = savedOrigin;
    resetEnvCache();
  });

  /** A browser of its own (a phone: 375 px wide, touch), signed in as this account. */
  async function browserOf(email: string | null): Promise<Page> {
    const context = await browser.newContext({ locale: "ko-KR", baseURL: app.origin, viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
    contexts.push(context);
    const page = await context.newPage();
    if (email) await signIn(page, email, TEST_PASSWORD);
    return page;
  }

  /** Nothing scrolls sideways at a phone's width or at 200% zoom; axe at 375 px. */
  const look = (page: Page, name: string) => expectReflowAndAccessible(page, SHOTS, name);

  /** Deliver the newest mail of this kind to this address, as the worker would, and return what arrived. */
  const delivered = (address: string, dedupePrefix: string) => smtp.delivered(address, dedupePrefix);

  let academy: Page;

  it("1. the academy schedules a class of three seats that counts toward the annual duty", async () => {
    academy = await browserOf(academyEmail);
    await academy.goto("/academy/offerings/new");
    await academy.locator("h1", { hasText: "수업 열기" }).waitFor();
    await look(academy, "01-new");
    const obligation = await prisma.cycle.findUniqueOrThrow({ where: { id: cycleId }, select: { obligation: { select: { titleKo: true } } } });
    await academy.getByLabel("인정 대상").selectOption({ label: `의무교육: ${obligation.obligation.titleKo}` });
    await academy.getByLabel("수업명 (한국어)").fill(title);
    await academy.getByLabel("수업명 (영어)").fill(`Human rights awareness together ${tag}`);
    await academy.getByLabel("주제").selectOption("GENERAL");
    await academy.getByLabel("날짜").fill(classDay);
    await academy.getByLabel("장소").fill("서울시 인권교육원 2층 강의실");
    await academy.getByLabel("자치구").selectOption("JUNG");
    await academy.getByRole("checkbox", { name: `${lecturerName} (${lecturerEmail})` }).check();
    await academy.getByLabel("정원").fill("3");
    await academy.getByLabel("신청 마감").fill(`${dayBefore}T18:00`);
    await academy.getByLabel("취소 마감").fill(`${dayBefore}T18:00`);
    await academy.getByRole("button", { name: "수업 열기" }).click();
    await academy.getByRole("status").filter({ hasText: "수업 1개를 열었습니다." }).waitFor();
    await look(academy, "02-scheduled");
    const offering = await prisma.offering.findFirstOrThrow({ where: { titleKo: title } });
    expect(offering.capacity).toBe(3);
    expect(offering.audience).toBe("ALL_STAFF");
    expect(offering.lecturerUserIds).toHaveLength(1);
    expect(offering.startsAt.toISOString()).toBe(seoul(`${classDay}T14:00:00`).toISOString());
    offeringId = offering.id;

    // And a class for anyone, a week later, which a citizen will take.
    await academy.goto("/academy/offerings/new");
    await academy.getByLabel("인정 대상").selectOption(`course:${electiveCourseId}`);
    await academy.getByLabel("수업명 (한국어)").fill(publicTitle);
    await academy.getByLabel("수업명 (영어)").fill(`A human rights walk with citizens ${tag}`);
    await academy.getByLabel("주제").selectOption("HISTORY_TOUR");
    await academy.getByLabel("날짜").fill(publicDay);
    await academy.getByLabel("장소").fill("서대문형무소역사관 정문");
    await academy.getByLabel("자치구").selectOption("SEODAEMUN");
    await academy.getByLabel("외부 강사 이름").fill("김해설 해설사");
    await academy.getByLabel("정원").fill("20");
    await academy.getByRole("radio", { name: "시민 누구나" }).check();
    await academy.getByLabel("신청 마감").fill(`${classDay}T18:00`);
    await academy.getByLabel("취소 마감").fill(`${classDay}T18:00`);
    await academy.getByRole("button", { name: "수업 열기" }).click();
    await academy.getByRole("status").filter({ hasText: "수업 1개를 열었습니다." }).waitFor();
    expect((await prisma.offering.findFirstOrThrow({ where: { titleKo: publicTitle } })).audience).toBe("PUBLIC");
  });

  it("2. four staff register through the catalog: three seats, and the fourth waits", async () => {
    for (const [i, person] of staff.entries()) {
      const page = await browserOf(person.email);
      await page.goto("/catalog");
      await page.getByRole("link", { name: title }).click();
      await page.locator("h1", { hasText: title }).waitFor();
      if (i === 0) await look(page, "03-class-page");
      if (i < 3) {
        await page.getByRole("button", { name: "수강 신청" }).click();
        await page.getByRole("status").filter({ hasText: "수강 신청이 확정되었습니다." }).waitFor();
      } else {
        await page.getByRole("button", { name: "대기자로 신청" }).click();
        await page.getByRole("status").filter({ hasText: "대기자로 등록했습니다." }).waitFor();
        await page.getByText("대기 1번입니다.").waitFor();
        await look(page, "04-waitlisted");
      }
      await page.context().close();
    }
    const counts = await prisma.offeringRegistration.groupBy({ by: ["status"], where: { offeringId }, _count: true });
    expect(Object.fromEntries(counts.map((c) => [c.status, c._count]))).toEqual({ CONFIRMED: 3, WAITLISTED: 1 });
  });

  it("3. one cancels; the fourth is promoted and the mail telling them arrives", async () => {
    const second = await browserOf(staff[1]!.email);
    await second.goto(`/catalog/offerings/${offeringId}`);
    await second.getByRole("button", { name: "수강 취소" }).click();
    await second.getByRole("status").filter({ hasText: "신청을 취소했습니다." }).waitFor();
    await look(second, "05-cancelled");
    await second.context().close();

    const notice = await delivered(staff[3]!.personEmail, "offering-promoted:");
    expect(notice.subject).toBe(`[자리 확정] ${title}`);
    expect(notice.text).toContain(title);
    expect(notice.attachments.map((a) => a.filename)).toContain("class.ics");

    const fourth = await browserOf(staff[3]!.email);
    await fourth.goto(`/catalog/offerings/${offeringId}`);
    await fourth.getByText("수강이 확정되었습니다.").waitFor();
    await look(fourth, "06-promoted");
    await fourth.context().close();
  });

  let lecturer: Page;
  let firstPhone: Page;
  let firstLink = "";

  it("4a. on the day the lecturer shows the rotating code, and two check in with their phones", async () => {
    // A quarter of an hour before the class: check-in is open.
    await moveTo("13:45:00");
    lecturer = await browserOf(lecturerEmail);
    await lecturer.goto("/catalog");
    await lecturer.getByRole("link", { name: title }).click();
    await lecturer.locator("h1", { hasText: title }).waitFor();
    await lecturer.getByRole("link", { name: "체크인 화면 열기" }).click();
    await lecturer.locator("h1", { hasText: "체크인 QR 코드" }).waitFor();
    await lecturer.getByRole("status").filter({ hasText: "체크인 0명 / 확정 3명" }).waitFor();
    await look(lecturer, "07-qr-screen");

    for (const [i, who] of [staff[0]!, staff[2]!].entries()) {
      // Signed in on their phone already, they scan the code the screen shows now.
      const phone = await browserOf(who.email);
      const link = await qrOnScreen(lecturer);
      expect(link).toMatch(new RegExp(`^${app.origin}/check-in/${offeringId}\\?code=\\d+\\.[A-Za-z0-9_-]{22}$`));
      await phone.goto(link);
      await phone.locator("h1", { hasText: `체크인: ${title}` }).waitFor();
      if (i === 0) await look(phone, "08-check-in");
      await phone.getByRole("button", { name: "체크인" }).click();
      await phone.getByRole("status").filter({ hasText: "체크인했습니다. 수업에 오신 것을 환영합니다." }).waitFor();
      if (i === 0) {
        // Scanning the same code again, while it is fresh, records nothing new and says so.
        await phone.goto(link);
        await phone.getByRole("button", { name: "체크인" }).click();
        await phone.getByRole("status").filter({ hasText: "이미 체크인했습니다." }).waitFor();
        await look(phone, "09-scanned-again");
        firstPhone = phone;
        firstLink = link;
      } else {
        await phone.context().close();
      }
    }
    // The screen counts them (it reloads itself a few times per step).
    await lecturer.getByRole("status").filter({ hasText: "체크인 2명 / 확정 3명" }).waitFor({ timeout: 30_000 });
    const checkedIn = await prisma.offeringRegistration.count({ where: { offeringId, checkInMethod: "qr", checkedInAt: { not: null } } });
    expect(checkedIn).toBe(2);
  });

  it("4b. near the end, an old code is refused; the lecturer marks the third present and closes the roll", async () => {
    await moveTo("15:50:00");
    await firstPhone.goto(firstLink);
    await firstPhone.locator("h1", { hasText: "체크인할 수 없습니다" }).waitFor();
    await firstPhone.getByRole("alert").filter({ hasText: "코드의 유효 시간이 지났습니다. 강사 화면의 새 코드를 다시 찍어 주세요." }).waitFor();
    expect(await firstPhone.getByRole("button", { name: "체크인" }).count()).toBe(0);
    await look(firstPhone, "10-expired-code");
    // A code altered by hand is not this class's.
    await firstPhone.goto(firstLink.replace(/code=(\d+)\./, (_m, step: string) => `code=${Number(step) + 200}.`));
    await firstPhone.getByRole("alert").filter({ hasText: "이 수업의 체크인 코드가 아닙니다." }).waitFor();

    await lecturer.reload();
    await lecturer.getByRole("link", { name: `관리: ${title}` }).click();
    await lecturer.locator("h1", { hasText: title }).waitFor();
    await look(lecturer, "11-roll");
    const mark = (name: string) => lecturer.getByRole("group", { name: `${name} 님의 출석 여부` }).getByLabel("출석", { exact: true });
    expect(await mark(staff[0]!.name).isChecked()).toBe(true);
    expect(await mark(staff[2]!.name).isChecked()).toBe(true);
    expect(await mark(staff[3]!.name).isChecked()).toBe(false);
    await mark(staff[3]!.name).check();
    await lecturer.getByRole("button", { name: "출석 저장" }).click();
    await lecturer.getByRole("status").filter({ hasText: "출석을 저장했습니다 (1명 변경)." }).waitFor();
    await lecturer.getByRole("checkbox", { name: "출석부를 확인했고, 지금 마감합니다." }).check();
    await lecturer.getByRole("button", { name: "출석 마감" }).click();
    await lecturer.getByRole("status").filter({ hasText: "출석을 마감하고 이수를 기록했습니다." }).waitFor();
    await lecturer.getByText("출석 3명, 불참 0명, 대면 이수 3건").waitFor();
    await look(lecturer, "12-roll-closed");
  });

  it("5. the duty shows as completed in person: on the learner's home, the HR officer's dashboard and the oversight return", async () => {
    await firstPhone.goto("/");
    await firstPhone.getByText("집합교육으로 이수").first().waitFor();
    await look(firstPhone, "13-learner-home");

    const hr = await browserOf(hrEmail);
    await hr.goto(`/hr?cycle=${cycleId}`);
    await hr.locator("h1", { hasText: "이수 현황" }).waitFor();
    const division = hr.getByRole("row").filter({ has: hr.locator("th", { hasText: divisionName }) });
    // Four on the roll, three completed, all three in person: 75%.
    await expect.poll(() => division.locator("td").allTextContents()).toEqual(["4", "3", "3 (100%)", "0", "1", "0", "0", "75%"]);
    await look(hr, "14-hr-dashboard");

    // On a phone the main menu folds behind its button.
    await hr.getByRole("button", { name: "메뉴" }).click();
    await hr.getByRole("navigation", { name: "주 메뉴" }).getByRole("link", { name: "제출용 보고" }).click();
    await hr.waitForURL(/\/hr\/oversight$/);
    await hr.locator("h1", { hasText: "감독기관 제출용 이수 현황" }).waitFor();
    const bureau = hr.getByRole("region", { name: new RegExp(bureauName) });
    // Assigned 4, none exempted, 3 completed (75%), 3 of them in person (100%).
    await expect.poll(() => bureau.getByRole("row", { name: /공무원 7급/ }).textContent()).toMatch(/4\s*0\s*3\s*75\.0%\s*3\s*100\.0%/);
    await look(hr, "15-oversight");
    await hr.context().close();
  });

  it("6. the survey's mail arrives, a participant answers it, and the academy sees it in the year of classes", async () => {
    const invitation = await delivered(staff[0]!.personEmail, "offering-feedback:");
    expect(invitation.subject).toContain(title);
    const link = /(http:\/\/\S+\/catalog\/offerings\/[0-9a-f-]{36}\/feedback)/.exec(invitation.text ?? "")?.[1];
    expect(link, invitation.text).toBe(`${app.origin}/catalog/offerings/${offeringId}/feedback`);
    // Everyone who attended is invited: three invitations.
    expect(await prisma.outboxEmail.count({ where: { dedupeKey: { startsWith: "offering-feedback:" }, toAddress: { in: staff.map((s) => s.personEmail) } } })).toBe(3);

    await firstPhone.goto(link!);
    await firstPhone.locator("h1", { hasText: "수업 설문" }).waitFor();
    await look(firstPhone, "16-survey");
    await firstPhone.getByRole("group", { name: "수업에 전반적으로 만족했습니까?" }).getByLabel("5 매우 그렇다").check();
    await firstPhone.getByRole("group", { name: "업무나 생활에 도움이 되는 내용이었습니까?" }).getByLabel("4 그렇다").check();
    await firstPhone.getByRole("group", { name: /이용하기 쉬웠습니까/ }).getByLabel("5 매우 그렇다").check();
    await firstPhone.getByRole("button", { name: "설문 보내기" }).click();
    await firstPhone.getByRole("status").filter({ hasText: "답해 주셔서 감사합니다." }).waitFor();
    await look(firstPhone, "17-survey-sent");

    await academy.goto(`/academy?year=${classYear}`);
    await academy.locator("h1", { hasText: "과정 운영 현황" }).waitFor();
    const row = academy.getByRole("row").filter({ hasText: title });
    // Three seats of three, three attended, none missing, one answer (5, 4, 5).
    await row.filter({ hasText: "3/3 (100%)" }).filter({ hasText: "만족 5.0 · 유용 4.0 · 접근 5.0 (1명)" }).waitFor();
    expect(await row.locator("td").nth(4).textContent()).toBe("3");
    expect(await row.locator("td").nth(5).textContent()).toBe("0");
    await look(academy, "18-academy-year");
  });

  it("7. a citizen signs up and takes a seat in the public class; the staff class is not theirs", async () => {
    const email = `citizen-${tag}@test.example`;
    const password = `${TEST_PASSWORD} citizen`;
    const citizen = await browserOf(null);
    await citizen.goto("/login");
    await citizen.getByRole("link", { name: /회원 가입/ }).click();
    await citizen.waitForURL((u) => u.pathname === "/register");
    await look(citizen, "19-register");
    await citizen.getByLabel("이름", { exact: true }).fill("박시민");
    await citizen.getByLabel("이메일", { exact: true }).fill(email);
    await citizen.getByLabel(/개인정보 수집·이용에 동의합니다/).check();
    await citizen.getByRole("button", { name: "확인 메일 받기" }).click();
    await citizen.getByRole("status").filter({ hasText: "확인 메일을 보냈습니다" }).waitFor();
    const row = await prisma.outboxEmail.findFirstOrThrow({ where: { toAddress: email }, orderBy: { createdAt: "desc" } });
    expect(await deliverOutbox(row.id)).toBe("sent");
    const mail = smtp.received.filter((m) => addressOf(m) === email).at(-1);
    const verify = /(http:\/\/\S+\/account\/verify\?code=[a-z2-7]{32})/.exec(mail?.text ?? "")?.[1];
    expect(verify, mail?.text).toBeTruthy();
    await citizen.goto(verify!);
    await citizen.locator("h1", { hasText: "가입 마치기" }).waitFor();
    await citizen.getByLabel("새 비밀번호", { exact: true }).fill(password);
    await citizen.getByLabel("새 비밀번호 확인").fill(password);
    await citizen.getByRole("button", { name: "가입 마치기" }).click();
    await citizen.waitForURL((u) => u.pathname === "/catalog");

    await citizen.getByRole("link", { name: publicTitle }).click();
    await citizen.locator("h1", { hasText: publicTitle }).waitFor();
    await look(citizen, "20-public-class");
    await citizen.getByRole("button", { name: "수강 신청" }).click();
    await citizen.getByRole("status").filter({ hasText: "수강 신청이 확정되었습니다." }).waitFor();
    await look(citizen, "21-citizen-registered");
    const seat = await prisma.offeringRegistration.findFirstOrThrow({ where: { offering: { titleKo: publicTitle } }, include: { person: true } });
    expect(seat.status).toBe("CONFIRMED");
    expect(seat.person.staffCategory).toBe("CITIZEN");
    expect(seat.person.orgUnitId).toBeNull();

    // The staff class is not listed for them, and its page is not there.
    await citizen.goto("/catalog");
    await citizen.getByRole("link", { name: publicTitle }).waitFor();
    expect(await citizen.getByRole("link", { name: title }).count()).toBe(0);
    expect((await citizen.goto(`/catalog/offerings/${offeringId}`))?.status()).toBe(404);
  });
});
