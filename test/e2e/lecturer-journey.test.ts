import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now, setClock } from "~/utils/clock.server";
import { seoulDateKey, seoulYear } from "~/utils/i18n";
import { currentRubric } from "~/modules/lecturers/practicum.server";
import { openCycle, planCycle } from "~/modules/obligations/cycles.server";
import { inSendWindow } from "~/modules/notifications/send-window.server";
import { createPerson, createUnit, createUser, TEST_PASSWORD, uid } from "../factories";
import { seoul } from "../clock";
import { openRound } from "../lecturers";
import { createAssessor, createDemonstration } from "../practicum";
import { startSmtp } from "../smtp";
import { launchChromium, ownOrigin, phonePage, signIn, startApp } from "./app-server";
import { expectReflowAndAccessible } from "./axe";
import { takeCourse } from "./player";
import { qrOnScreen } from "./qr";

const SHOTS = join(process.cwd(), "test-results", "screens-lecturer-journey");
const DAY = 86_400_000;
const PASSWORD = "a lamp by the window at night";

/**
 * A citizen lecturer from end to end, as one story told in the browser by one person: they register
 * and apply to a round; two administrators screen them in; they take the track's stages online, one
 * opening after the other; they book the demonstration class, give it, and two assessors pass them;
 * the academy appoints them and they publish themselves in the directory; a welfare facility asks
 * for a lecture on disability rights, the academy offers it to them and they accept; on the day the
 * facility's staff check in with their phones, and their half-yearly disability duty shows as
 * completed in person.
 *
 * Its dates are built from the product's clock: the story starts at ten on the first day from today
 * that makes its three days working days, the demonstration is eight days later, the facility's
 * lecture sixteen days later; the app restarts on each day's clock.
 */
describe("end to end: a citizen becomes a lecturer and teaches a facility's staff, who are credited in person", { timeout: 600_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let port: number;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let restoreOrigin: (() => void) | undefined;

  const tag = uid();
  const citizenName = `윤시민${tag.slice(0, 3)}`;
  const citizenEmail = `citizen-${tag}@test.example`;
  const publicName = `윤시민 강사 ${tag}`;
  const facilityName = `햇살장애인복지관 ${tag}`;
  const reviewers: string[] = [];
  const assessors: string[] = [];
  let academyEmail = "";
  let roundTitle = "";
  let demoTitle = "";
  let demoId = "";
  const participants: Array<{ email: string; name: string; personId: string }> = [];

  let today = "";
  let demoDay = "";
  let lectureDay = "";
  let cycleId = "";

  async function startTheApp() {
    app = await startApp({}, port);
  }

  /** The product's clock moves to a Seoul wall-clock time; the app starts again on it. */
  async function moveTo(day: string, time: string) {
    await app.stop();
    setClock(seoul(`${day}T${time}`), { running: true });
    await startTheApp();
  }

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    // The first day from today on which the story's three days are all working days, so that the
    // mail each day writes goes out then (mail that can wait keeps to office hours).
    const dayAfter = (day: string, n: number) => seoulDateKey(new Date(seoul(`${day}T12:00:00`).getTime() + n * DAY));
    for (let n = 0; ; n++) {
      today = dayAfter(seoulDateKey(now()), n);
      demoDay = dayAfter(today, 8);
      lectureDay = dayAfter(today, 16);
      if ([`${today}T10:00:00`, `${demoDay}T11:30:00`, `${lectureDay}T16:10:00`].every((t) => inSendWindow(seoul(t)))) break;
      if (n > 60) throw new Error("no working days for the story in the next two months");
    }
    setClock(seoul(`${today}T10:00:00`), { running: true });

    smtp = await startSmtp();
    for (let i = 0; i < 2; i++) reviewers.push((await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).email);
    academyEmail = reviewers[0]!;
    for (let i = 0; i < 2; i++) assessors.push((await createAssessor()).email);
    const round = await openRound((await prisma.user.findUniqueOrThrow({ where: { email: reviewers[0]! } })).id, ["GENERAL", "DISABILITY"], 24);
    roundTitle = round.titleKo;
    // The academy's demonstration class, eight days ahead at ten.
    const demo = await createDemonstration({ daysAhead: 8 });
    demoTitle = demo.titleKo;
    demoId = demo.id;

    // The facility under Seoul's own tree, two of its staff, and the half of Seoul's disability
    // duty that holds the lecture's day, open: the shipped obligation, which names Seoul's tree.
    const seoulUnit = await prisma.orgUnit.upsert({ where: { code: "SEOUL" }, create: { code: "SEOUL", kind: "CITY", nameKo: "서울특별시", nameEn: "Seoul" }, update: {} });
    const facility = await createUnit("WELFARE_FACILITY", seoulUnit.id, facilityName);
    for (const name of ["강참여", "문참여"]) {
      const person = await createPerson(facility.id, "WELFARE_FACILITY_STAFF", name);
      participants.push({ email: (await createUser({ personId: person.id })).email, name, personId: person.id });
    }
    const lectureMonth = Number(lectureDay.slice(5, 7));
    const cycle = await planCycle("disability-rights", seoulYear(seoul(`${lectureDay}T12:00:00`)), lectureMonth <= 6 ? "H1" : "H2");
    await openCycle(cycle.id, null);
    cycleId = cycle.id;

    const origin = await ownOrigin();
    restoreOrigin = origin.restore;
    port = origin.port;
    await startTheApp();
    browser = await launchChromium();
    ({ context, page } = await phonePage(browser, app.origin));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
    await smtp?.stop();
    restoreOrigin?.();
  });

  /** Nothing scrolls sideways at a phone's width or at 200% zoom; axe at 375 px. */
  const look = (p: Page, name: string) => expectReflowAndAccessible(p, SHOTS, name);

  async function signInAs(email: string, password = TEST_PASSWORD) {
    await context.clearCookies();
    await signIn(page, email, password);
  }

  /** The person the citizen's registration made. */
  async function citizenPersonId(): Promise<string> {
    const user = await prisma.user.findUniqueOrThrow({ where: { email: citizenEmail }, select: { personId: true } });
    expect(user.personId).toBeTruthy();
    return user.personId!;
  }

  /** Deliver the newest mail of this kind to this address, as the worker would, and return what arrived. */
  const delivered = (address: string, dedupePrefix: string) => smtp.delivered(address, dedupePrefix);

  it("1. a citizen registers, proves the address, and applies to the open round", async () => {
    await context.clearCookies();
    await page.goto("/lecturers");
    await look(page, "01-programme");
    await page.goto("/register");
    await page.getByLabel("이름", { exact: true }).fill(citizenName);
    await page.getByLabel("이메일", { exact: true }).fill(citizenEmail);
    await page.getByLabel(/개인정보 수집·이용에 동의합니다/).check();
    await page.getByRole("button", { name: "확인 메일 받기" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("확인 메일을 보냈습니다");
    const mail = await delivered(citizenEmail, "");
    const link = /(http:\/\/\S+\/account\/verify\?code=[a-z2-7]{32})/.exec(mail.text ?? "")?.[1];
    expect(link, mail.text ?? "").toBeTruthy();
    await page.goto(link!);
    await page.getByLabel("새 비밀번호", { exact: true }).fill(PASSWORD);
    await page.getByLabel("새 비밀번호 확인").fill(PASSWORD);
    await page.getByRole("button", { name: "가입 마치기" }).click();
    await page.waitForURL((u) => u.pathname === "/catalog");

    await page.goto("/lecturers");
    await page.locator("li.card").filter({ hasText: roundTitle }).getByRole("link", { name: /^지원하기/ }).click();
    await page.waitForURL(/\/apply$/);
    await page.getByLabel("인권 활동 경험").fill("2015년부터 장애인 자립생활센터에서 동료 상담가로 일했고, 구청 주민 인권 교육의 보조 강사를 맡았습니다.");
    await page.getByLabel("지원 동기").fill("시설 종사자와 이용자가 함께 듣는 장애인 인권 강의를 현장의 말로 전하고 싶습니다.");
    await page.getByLabel("장애인 인권").check();
    await page.getByLabel("위 내용을 읽었으며").check();
    await look(page, "02-apply");
    await page.getByRole("button", { name: "지원서 제출" }).click();
    await page.waitForURL(/\/lecturer\?applied=1$/);
    expect(await page.locator("section", { hasText: "내 지원" }).first().textContent()).toContain("심사 중");
    await look(page, "03-applied");
  });

  it("2. two administrators score the application alone, and the second accepts it", async () => {
    for (const [i, email] of reviewers.entries()) {
      await signInAs(email);
      await page.goto("/academy/lecturers");
      await page.getByRole("link", { name: new RegExp(`^${roundTitle}`) }).click();
      await page.waitForURL(/\/academy\/lecturers\/rounds\//);
      await page.locator("table", { hasText: citizenName }).waitFor();
      if (i === 0) await look(page, "04-round");
      await page.getByRole("link", { name: new RegExp(citizenName) }).click();
      await page.locator("h1", { hasText: "지원서 심사" }).waitFor();
      const inputs = page.locator('input[type="number"]');
      const n = await inputs.count();
      for (let k = 0; k < n; k++) await inputs.nth(k).fill((await inputs.nth(k).getAttribute("max")) ?? "0");
      if (i === 0) await look(page, "05-review");
      await page.getByRole("button", { name: "점수 제출" }).click();
      await expect.poll(() => page.getByRole("status").textContent()).toContain("점수를 제출했습니다");
    }
    await page.getByLabel("선발", { exact: true }).check();
    await page.getByLabel("이유").fill("두 심사위원 모두 장애인 인권 현장 경험과 교육 경력을 높게 평가함");
    await page.getByRole("button", { name: "결정 저장" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("선발");
    await look(page, "06-accepted");
    const decision = await delivered(citizenEmail, "lecturer-decision:");
    expect(decision.text).toContain("선발");
  });

  it("3. the trainee takes the track's stages online, each opening when the one before is completed", async () => {
    await signInAs(citizenEmail, PASSWORD);
    const stages = await prisma.$queryRaw<Array<{ titleKo: string }>>`
      SELECT DISTINCT ON (c.id) v.title_ko AS "titleKo", v.track_stage FROM course c JOIN course_version v ON v.course_id = c.id
      WHERE v.track = 'LECTURER' AND v.published_at IS NOT NULL ORDER BY c.id, v.version DESC`;
    let taken = 0;
    for (;;) {
      await page.goto("/lecturer");
      const rows = page.locator("table tbody tr");
      await rows.first().waitFor();
      if (taken === 0) {
        // Only the first stage is open at the start.
        expect(await rows.first().textContent()).toContain("수강 가능");
        expect(await rows.nth(1).textContent()).toContain("잠김");
        await look(page, "07-stages");
      }
      const enrol = page.getByRole("button", { name: /^수강 신청/ });
      if ((await enrol.count()) === 0) break;
      await enrol.first().click();
      await page.waitForURL(/\/learn\/[^/]+$/);
      const first = taken === 0;
      await takeCourse(page, { pretest: "pretest", pretestResult: "pretest-result", lesson: (n) => `lesson-${n}`, quiz: "quiz" }, async (name) => {
        if (first && (name === "lesson-1" || name === "quiz")) await look(page, `08-stage1-${name}`);
      });
      await expect.poll(() => page.getByRole("status").first().textContent()).toContain("이수했습니다");
      if (first) await look(page, "08-stage1-result");
      taken++;
      expect(taken, "more stages taken than the track has").toBeLessThanOrEqual(stages.length);
    }
    expect(taken).toBe(stages.length);
    expect(taken).toBeGreaterThanOrEqual(3);
    // Every stage completed: the hub says so, and leads to the practicum.
    const rows = await page.locator("table tbody tr").allTextContents();
    expect(rows.every((r) => r.includes("이수"))).toBe(true);
    const trainee = await prisma.lecturerTrainee.findFirstOrThrow({ where: { personId: await citizenPersonId() } });
    expect(trainee.status).toBe("PRACTICUM");
    await look(page, "09-stages-done");
  });

  it("4. the trainee books the demonstration class", async () => {
    await page.getByRole("link", { name: "강의 시연 예약과 결과" }).click();
    await page.locator("h1", { hasText: "강의 시연(실습)" }).waitFor();
    await page.getByRole("button", { name: new RegExp(`^${demoTitle}.* 예약$`) }).click();
    await page.getByRole("status").filter({ hasText: "예약했습니다." }).waitFor();
    await page.getByRole("heading", { name: /1차 시연: 시연 예정·채점 중/ }).waitFor();
    await look(page, "10-booked");
    // The trainee gives the class: they are its lecturer.
    const demo = await prisma.offering.findUniqueOrThrow({ where: { id: demoId }, select: { lecturerUserIds: true } });
    const user = await prisma.user.findUniqueOrThrow({ where: { email: citizenEmail }, select: { id: true } });
    expect(demo.lecturerUserIds).toContain(user.id);
  });

  it("5. on the demonstration's day two assessors score it alone, and the combined result passes", async () => {
    // The class began at ten and ended at eleven.
    await moveTo(demoDay, "11:30:00");
    const count = (await currentRubric())!.criteria.length;
    for (const [i, email] of assessors.entries()) {
      await signInAs(email);
      await page.goto("/assess");
      await page.getByRole("link", { name: `${citizenName}의 1차 시연 열기` }).click();
      await page.locator("h1", { hasText: `${citizenName}의 1차 시연` }).waitFor();
      expect(await page.getByRole("heading", { name: /다른 평가자의 채점/ }).count()).toBe(0);
      const groups = page.locator("fieldset");
      expect(await groups.count()).toBe(count);
      for (let c = 0; c < count; c++) await groups.nth(c).getByRole("radio", { name: /^4수준/ }).check();
      const boxes = page.getByRole("textbox");
      for (let c = 0; c < count; c++) await boxes.nth(c).fill("장애 당사자의 말을 인용해 목표와 활동을 이었고, 질문에 정확히 답했습니다.");
      if (i === 0) await look(page, "11-assess");
      await page.getByRole("button", { name: "채점 제출" }).click();
      await page.getByRole("status").filter({ hasText: i === 0 ? "다른 평가자의 채점을 기다립니다." : "종합 결과: 합격." }).waitFor();
    }
    await look(page, "12-assessed");
    const result = await delivered(citizenEmail, "practicum-decided:");
    expect(result.subject).toBe("강의 시연 결과: 합격");

    await signInAs(citizenEmail, PASSWORD);
    await page.goto("/lecturer/practicum");
    await page.getByRole("heading", { name: /1차 시연: 합격/ }).waitFor();
    expect(await page.getByText(/^평가자 2: /).count()).toBeGreaterThan(0);
    await look(page, "13-result");
  });

  it("6. the academy appoints them; they publish a profile and appear in the public directory", async () => {
    await signInAs(academyEmail);
    await page.goto("/academy/practicums");
    await page.getByRole("button", { name: `${citizenName} 위촉` }).click();
    await page.getByRole("status").filter({ hasText: "위촉했습니다." }).waitFor();
    await look(page, "14-appointed");
    const appointed = await delivered(citizenEmail, "lecturer-appointed:");
    const appointment = await prisma.lecturerAppointment.findFirstOrThrow({ where: { trainee: { personId: await citizenPersonId() } } });
    expect(appointed.text).toContain(appointment.verificationCode);
    expect(appointment.startsOn.toISOString().slice(0, 10)).toBe(demoDay);

    await signInAs(citizenEmail, PASSWORD);
    await page.goto("/lecturer");
    await page.getByRole("link", { name: "강사 명단에 공개할 정보" }).click();
    await page.locator("h1", { hasText: "강사 소개 공개 설정" }).waitFor();
    await page.getByLabel("명단에 보일 이름").fill(publicName);
    await page.getByRole("group", { name: "강의 분야" }).getByRole("checkbox", { name: "장애" }).check();
    await page.getByRole("group", { name: "강의할 수 있는 지역" }).getByRole("checkbox", { name: "마포구" }).check();
    await page.getByLabel("소개 (한국어)").fill("장애인 자립생활 현장의 이야기로 차별 없는 일터를 함께 생각합니다.");
    await page.getByRole("checkbox", { name: "강사 명단에 공개합니다" }).check();
    await page.getByRole("button", { name: "저장" }).click();
    await page.getByRole("status").filter({ hasText: "저장했습니다." }).waitFor();
    await look(page, "15-profile");

    await context.clearCookies();
    await page.goto("/lecturers/directory?field=DISABILITY&district=MAPO");
    await page.getByRole("heading", { name: publicName }).waitFor();
    expect(await page.content()).not.toContain(citizenEmail);
    await look(page, "16-directory");
  });

  it("7. a welfare facility asks for a lecture; the academy offers it to them; they accept", async () => {
    await context.clearCookies();
    await page.goto("/lecturers/request");
    await page.getByLabel("기관·단체 이름").fill(facilityName);
    await page.getByLabel("기관 유형").selectOption("FACILITY");
    await page.getByLabel("담당자 이름").fill("김담당");
    await page.getByLabel("담당자 메일").fill(`contact-${tag}@facility.example`);
    await page.getByLabel("주제").selectOption("DISABILITY");
    await page.getByLabel("필요한 강사 전문 분야").selectOption("DISABILITY");
    await page.getByLabel("대상 (누가 듣나요?)").fill("복지관 종사자");
    await page.getByLabel("예상 인원").fill("20");
    await page.getByLabel("가장 이른 시작").fill(`${lectureDay}T09:00`);
    await page.getByLabel("가장 늦은 종료").fill(`${lectureDay}T18:00`);
    await page.getByLabel("강의 시간 (분)").fill("120");
    await page.getByLabel("장소 (주소)").fill("서울 마포구 성미산로 20, 3층 강당");
    await page.getByLabel("자치구").selectOption("MAPO");
    await look(page, "17-request");
    await page.getByRole("button", { name: "강의 신청" }).click();
    await page.getByRole("status").filter({ hasText: "강의 신청을 접수했습니다." }).waitFor();

    await signInAs(academyEmail);
    await page.goto("/academy/lecture-requests?status=RECEIVED");
    await page.getByRole("link", { name: `${facilityName} 신청 열기` }).click();
    await page.locator("h1", { hasText: facilityName }).waitFor();
    await page.getByLabel("시작 시각").fill(`${lectureDay}T14:00`);
    await page.getByRole("button", { name: "이 시각에 맞는 강사 보기" }).click();
    await page.waitForURL(/start=/);
    await look(page, "18-ranked");
    await page.getByRole("button", { name: `${publicName}에게 강의 요청` }).click();
    await page.getByRole("status").filter({ hasText: "강사에게 강의를 요청하고 메일로 알렸습니다." }).waitFor();

    await signInAs(citizenEmail, PASSWORD);
    await page.goto("/lecturer/requests");
    await page.getByRole("heading", { name: facilityName }).waitFor();
    await look(page, "19-offer");
    await page.getByRole("button", { name: `${facilityName} 강의 수락` }).click();
    await page.getByRole("status").filter({ hasText: "강의를 수락했습니다." }).waitFor();
    const request = await prisma.lectureRequest.findFirstOrThrow({ where: { organizationName: facilityName }, include: { offering: { include: { obligation: true } } } });
    expect(request.status).toBe("SCHEDULED");
    expect(request.offering?.obligation?.code).toBe("disability-rights");
  });

  let lectureTitle = "";

  it("8. the facility's two staff take a seat in the lecture", async () => {
    lectureTitle = `찾아가는 인권교육: ${facilityName}`;
    for (const [i, who] of participants.entries()) {
      await signInAs(who.email);
      await page.goto("/catalog");
      await page.getByRole("link", { name: lectureTitle }).click();
      await page.locator("h1", { hasText: lectureTitle }).waitFor();
      if (i === 0) await look(page, "20-lecture-page");
      await page.getByRole("button", { name: "수강 신청" }).click();
      await page.getByRole("status").filter({ hasText: "수강 신청이 확정되었습니다." }).waitFor();
    }
  });

  it("9. on the day the staff check in with their phones, the lecturer closes the roll, and their disability duty shows completed in person", async () => {
    // A quarter of an hour before the lecture: check-in is open.
    await moveTo(lectureDay, "13:45:00");
    await signInAs(citizenEmail, PASSWORD);
    await page.goto("/lecturer/activity");
    await page.getByRole("link", { name: lectureTitle }).click();
    await page.locator("h1", { hasText: lectureTitle }).waitFor();
    await page.getByRole("link", { name: "체크인 화면 열기" }).click();
    await page.locator("h1", { hasText: "체크인 QR 코드" }).waitFor();
    await look(page, "21-qr-screen");
    for (const [i, who] of participants.entries()) {
      const phoneContext = await browser.newContext({ locale: "ko-KR", baseURL: app.origin, viewport: { width: 375, height: 740 }, isMobile: true, hasTouch: true });
      const phone = await phoneContext.newPage();
      await signIn(phone, who.email, TEST_PASSWORD);
      await phone.goto(await qrOnScreen(page));
      await phone.locator("h1", { hasText: `체크인: ${lectureTitle}` }).waitFor();
      await phone.getByRole("button", { name: "체크인" }).click();
      await phone.getByRole("status").filter({ hasText: "체크인했습니다. 수업에 오신 것을 환영합니다." }).waitFor();
      if (i === 0) await look(phone, "22-checked-in");
      await phoneContext.close();
    }
    await page.getByRole("status").filter({ hasText: "체크인 2명 / 확정 2명" }).waitFor({ timeout: 30_000 });

    // The lecture ran from two to four.
    await moveTo(lectureDay, "16:10:00");
    await signInAs(citizenEmail, PASSWORD);
    const offering = await prisma.lectureRequest.findFirstOrThrow({ where: { organizationName: facilityName }, select: { offeringId: true } });
    await page.goto(`/academy/offerings/${offering.offeringId}`);
    await page.locator("h1", { hasText: lectureTitle }).waitFor();
    await page.getByRole("checkbox", { name: "출석부를 확인했고, 지금 마감합니다." }).check();
    await page.getByRole("button", { name: "출석 마감" }).click();
    await page.getByRole("status").filter({ hasText: "출석을 마감하고 이수를 기록했습니다." }).waitFor();
    await page.getByText("출석 2명, 불참 0명, 대면 이수 2건").waitFor();
    await look(page, "23-roll-closed");

    for (const [i, who] of participants.entries()) {
      await signInAs(who.email);
      await page.goto("/");
      await page.getByText("집합교육으로 이수").first().waitFor();
      if (i === 0) await look(page, "24-participant-home");
      const a = await prisma.assignment.findFirstOrThrow({ where: { cycleId, personId: who.personId } });
      expect(a.completedAt).not.toBeNull();
      expect(a.attendanceId).not.toBeNull();
    }
    // The lecture counts in the lecturer's hours.
    await signInAs(citizenEmail, PASSWORD);
    await page.goto("/lecturer/activity");
    await page.getByText("2시간 (강의 1회)").waitFor();
    await look(page, "25-activity");
  });
});
