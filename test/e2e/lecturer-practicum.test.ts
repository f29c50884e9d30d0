import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { deliverOutbox } from "~/modules/notifications/outbox.server";
import { currentRubric } from "~/modules/lecturers/practicum.server";
import { createUser, TEST_PASSWORD, uid } from "../factories";
import { storyClock } from "../clock";
import { createAssessor, createDemonstration, createTrainee, startDemonstration } from "../practicum";
import { addressOf, startSmtp } from "../smtp";
import { launchChromium, ownOrigin, phonePage, signIn, startApp } from "./app-server";
import { expectReflowAndAccessible } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-lecturer-practicum");

describe("end to end: a trainee's demonstration, scored by two assessors, passed, appointed, listed and verifiable", { timeout: 300_000 }, () => {
  // A working Tuesday morning.
  storyClock("2026-09-01T10:00:00");
  let app: Awaited<ReturnType<typeof startApp>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let restoreOrigin: (() => void) | undefined;
  let trainee: Awaited<ReturnType<typeof createTrainee>>;
  let demoTitle = "";
  let demoId = "";
  const assessors: string[] = [];
  let academyEmail = "";
  const publicName = `시민강사 ${uid()}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    smtp = await startSmtp();
    trainee = await createTrainee({ name: "한실습" });
    const demo = await createDemonstration({ daysAhead: 8 });
    demoTitle = demo.titleKo;
    demoId = demo.id;
    for (let i = 0; i < 2; i++) assessors.push((await createAssessor()).email);
    academyEmail = (await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).email;
    const origin = await ownOrigin();
    restoreOrigin = origin.restore;
    const port = origin.port;
    app = await startApp({}, port);
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
  const look = (name: string) => expectReflowAndAccessible(page, SHOTS, name);

  async function signInAs(email: string) {
    await context.clearCookies();
    await signIn(page, email, TEST_PASSWORD);
  }

  it("the trainee books a demonstration class", async () => {
    await signInAs(trainee.user.email);
    await page.goto("/lecturer/practicum");
    await page.locator("h1", { hasText: "강의 시연(실습)" }).waitFor();
    await look("01-trainee-book");
    await page.getByRole("button", { name: new RegExp(`^${demoTitle}.* 예약$`) }).click();
    await page.getByRole("status").filter({ hasText: "예약했습니다." }).waitFor();
    await page.getByRole("heading", { name: /1차 시연: 시연 예정·채점 중/ }).waitFor();
    await look("02-trainee-booked");
    // A change of plan: the booking is cancelled before the deadline, and the class booked again.
    await page.getByRole("button", { name: `${demoTitle} 예약 취소` }).click();
    await page.getByRole("status").filter({ hasText: "예약을 취소했습니다." }).waitFor();
    await page.getByText("아직 예약한 시연이 없습니다.").waitFor();
    await look("02b-trainee-cancelled");
    await page.getByRole("button", { name: new RegExp(`^${demoTitle}.* 예약$`) }).click();
    await page.getByRole("status").filter({ hasText: "예약했습니다." }).waitFor();
    await page.getByRole("heading", { name: /1차 시연: 시연 예정·채점 중/ }).waitFor();
    const offering = await prisma.offering.findUniqueOrThrow({ where: { id: demoId } });
    expect(offering.lecturerUserIds).toContain(trainee.user.id);
  });

  it("two assessors score it alone once it has started, and the combined result passes", async () => {
    await startDemonstration(demoId);
    const count = (await currentRubric())!.criteria.length;
    for (const [i, email] of assessors.entries()) {
      await signInAs(email);
      await page.goto("/assess");
      await page.locator("h1", { hasText: "강의 시연 채점" }).waitFor();
      if (i === 0) await look("03-assess-list");
      await page.getByRole("link", { name: "한실습의 1차 시연 열기" }).click();
      await page.locator("h1", { hasText: "한실습의 1차 시연" }).waitFor();
      // Blind: the first assessor's scores are not shown to the second before theirs are in.
      expect(await page.getByRole("heading", { name: /다른 평가자의 채점/ }).count()).toBe(0);
      if (i === 0) {
        // A submission without levels is refused, naming what is missing.
        await page.getByRole("button", { name: "채점 제출" }).click();
        await page.getByRole("alert").filter({ hasText: "모든 기준에서" }).waitFor();
        await look("04-assess-refused");
      }
      const groups = page.locator("fieldset");
      expect(await groups.count()).toBe(count);
      for (let c = 0; c < count; c++) {
        await groups.nth(c).getByRole("radio", { name: new RegExp(`^${i === 0 ? 3 : 4}수준`) }).check();
      }
      const boxes = page.getByRole("textbox");
      for (let c = 0; c < count; c++) await boxes.nth(c).fill("목표와 활동이 이어졌고 참여자 질문에 정확히 답했습니다.");
      await page.getByRole("button", { name: "채점 제출" }).click();
      await page.getByRole("status").filter({ hasText: i === 0 ? "다른 평가자의 채점을 기다립니다." : "종합 결과: 합격." }).waitFor();
      if (i === 1) {
        await page.getByRole("heading", { name: /다른 평가자의 채점 \(총점 75점\)/ }).waitFor();
        await look("05-assess-passed");
      }
    }
    const attempt = await prisma.practicumAttempt.findFirstOrThrow({ where: { traineeId: trainee.trainee.id } });
    expect(attempt).toMatchObject({ status: "PASSED", combinedScore: 87 });
    // The trainee is told by mail, written with the decision.
    const mail = await prisma.outboxEmail.findUniqueOrThrow({ where: { dedupeKey: `practicum-decided:${attempt.id}` } });
    expect(await deliverOutbox(mail.id)).toBe("sent");
    const sent = smtp.received.at(-1)!;
    expect(addressOf(sent)).toBe(trainee.user.email);
    expect(sent.subject).toBe("강의 시연 결과: 합격");
  });

  it("the trainee sees the combined result and both assessors' feedback per criterion", async () => {
    await signInAs(trainee.user.email);
    await page.goto("/lecturer/practicum");
    await page.getByRole("heading", { name: /1차 시연: 합격/ }).waitFor();
    await page.getByText(`종합 점수 87점 (합격 기준 ${(await currentRubric())!.passScore}점)`).waitFor();
    expect(await page.getByText(/^평가자 2: /).count()).toBeGreaterThan(0);
    await look("06-trainee-result");
  });

  it("the academy appoints the trainee, who is told", async () => {
    await signInAs(academyEmail);
    await page.goto("/academy/practicums");
    await page.locator("h1", { hasText: "강의 시연과 위촉" }).waitFor();
    await look("07-academy");
    await page.getByRole("button", { name: "한실습 위촉" }).click();
    await page.getByRole("status").filter({ hasText: "위촉했습니다." }).waitFor();
    await look("08-academy-appointed");
    const appointment = await prisma.lecturerAppointment.findFirstOrThrow({ where: { traineeId: trainee.trainee.id } });
    expect(appointment.startsOn.toISOString().slice(0, 10)).toBe("2026-09-01");
    expect(appointment.endsOn.toISOString().slice(0, 10)).toBe("2028-08-31");
    expect(await prisma.roleGrant.count({ where: { userId: trainee.user.id, role: "LECTURER" } })).toBe(1);
    const mail = await prisma.outboxEmail.findUniqueOrThrow({ where: { dedupeKey: `lecturer-appointed:${appointment.id}` } });
    expect(await deliverOutbox(mail.id)).toBe("sent");
    expect(smtp.received.at(-1)!.text).toContain(appointment.verificationCode);
  });

  it("the lecturer publishes a profile, and the public directory shows it, filtered", async () => {
    await signInAs(trainee.user.email);
    await page.goto("/lecturer/profile");
    await page.locator("h1", { hasText: "강사 소개 공개 설정" }).waitFor();
    await page.getByLabel("명단에 보일 이름").fill(publicName);
    await page.getByRole("group", { name: "강의 분야" }).getByRole("checkbox", { name: "장애" }).check();
    await page.getByRole("group", { name: "강의 언어" }).getByRole("checkbox", { name: "한국수어" }).check();
    await page.getByRole("group", { name: "강의할 수 있는 지역" }).getByRole("checkbox", { name: "마포구" }).check();
    await page.getByLabel("소개 (한국어)").fill("장애인 인권과 쉬운 말 자료를 함께 만듭니다.");
    await page.getByRole("checkbox", { name: "강사 명단에 공개합니다" }).check();
    await page.getByRole("button", { name: "저장" }).click();
    await page.getByRole("status").filter({ hasText: "저장했습니다." }).waitFor();
    await look("09-profile");

    await context.clearCookies();
    await page.goto("/lecturers/directory");
    await page.getByLabel("분야").selectOption("DISABILITY");
    await page.getByLabel("지역").selectOption("MAPO");
    await page.getByRole("button", { name: "찾기" }).click();
    await page.waitForURL(/field=DISABILITY/);
    await page.getByRole("heading", { name: publicName }).waitFor();
    expect(await page.content()).not.toContain(trainee.user.email);
    expect(await page.content()).not.toContain(trainee.person.email);
    await look("10-directory");
    await page.goto("/lecturers/directory?language=JA");
    expect(await page.getByRole("heading", { name: publicName }).count()).toBe(0);
  });

  it("the verification page shows the credential", async () => {
    const appointment = await prisma.lecturerAppointment.findFirstOrThrow({ where: { traineeId: trainee.trainee.id } });
    await page.goto("/verify");
    await page.getByLabel("진위 확인 코드").fill(appointment.verificationCode);
    await page.getByRole("button", { name: "확인", exact: true }).click();
    await page.locator("h1", { hasText: "시민인권강사 위촉" }).waitFor();
    await page.getByText("유효한 위촉입니다.").waitFor();
    await page.getByText(appointment.number).waitFor();
    await look("11-verified");
  });
});
