import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { createPerson, createUser, createWorld, openTestCycle, TEST_PASSWORD, uid } from "../factories";
import { storyClock } from "../clock";
import { launchChromium, phonePage, signIn, startApp } from "./app-server";
import { expectReflowAndAccessible } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-roll-call");

describe("end to end: the lecturer calls the roll, closes it, and the duty shows as completed in person", { timeout: 240_000 }, () => {
  // The class runs 14:00–16:00 today; it is 15:00.
  storyClock("2026-11-12T15:00:00");
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let lecturerEmail: string;
  let academyEmail: string;
  const lecturerName = `강사 ${uid()}`;
  let offeringId: string;
  const learners: Array<{ email: string; name: string; personId: string }> = [];
  const title = `인권 감수성 집합교육 ${uid()}`;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await createWorld();
    for (const name of ["정체크", "한출석", "오불참"]) {
      const person = await createPerson(world.division.id, "CIVIL_SERVANT", name);
      learners.push({ email: (await createUser({ personId: person.id })).email, name, personId: person.id });
    }
    await openTestCycle(world.obligation.id, undefined, 2026);
    const lecturer = await createUser({ roles: [{ role: "LECTURER" }] });
    lecturerEmail = lecturer.email;
    await prisma.user.update({ where: { id: lecturer.id }, data: { displayName: lecturerName } });
    academyEmail = (await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).email;
    const day = now();
    const start = new Date(day.getTime() - 60 * 60_000);
    const offering = await prisma.offering.create({
      data: {
        seriesId: lecturer.id,
        obligationId: world.obligation.id,
        titleKo: title,
        titleEn: "Human rights awareness in person",
        topic: "GENERAL",
        format: "IN_PERSON",
        startsAt: start,
        endsAt: new Date(start.getTime() + 2 * 3_600_000),
        place: "서울시 인권교육원 2층 강의실",
        district: "JUNG",
        capacity: 10,
        audience: "ALL_STAFF",
        lecturerUserIds: [lecturer.id],
        registrationClosesAt: new Date(start.getTime() - 86_400_000),
        cancellationClosesAt: new Date(start.getTime() - 86_400_000),
        orgUnitId: world.city.id,
        createdById: lecturer.id,
      },
    });
    offeringId = offering.id;
    // All three have seats; the first checked in by QR code on arrival.
    for (const [i, l] of learners.entries()) {
      await prisma.offeringRegistration.create({
        data: {
          offeringId,
          personId: l.personId,
          status: "CONFIRMED",
          queuedAt: new Date(start.getTime() - 5 * 86_400_000 + i),
          confirmedAt: new Date(start.getTime() - 5 * 86_400_000 + i),
          registeredById: lecturer.id,
          ...(i === 0 ? { checkedInAt: new Date(start.getTime() - 10 * 60_000), checkInMethod: "qr" } : {}),
        },
      });
    }
    app = await startApp();
    browser = await launchChromium();
    ({ context, page } = await phonePage(browser, app.origin));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  /** Nothing scrolls sideways at a phone's width or at 200% zoom; axe at 375 px. */
  const look = (name: string) => expectReflowAndAccessible(page, SHOTS, name);

  async function signInAs(email: string) {
    await context.clearCookies();
    await signIn(page, email, TEST_PASSWORD);
  }

  it("the lecturer marks the second present, closes the roll after confirming, and the third is a no-show", async () => {
    await signInAs(lecturerEmail);
    await page.goto(`/academy/offerings/${offeringId}`);
    await page.locator("h1", { hasText: title }).waitFor();
    await look("01-roll");
    // The one who checked in is already present.
    expect(await page.getByRole("group", { name: `${learners[0]!.name} 님의 출석 여부` }).getByLabel("출석", { exact: true }).isChecked()).toBe(true);
    await page.getByRole("group", { name: `${learners[1]!.name} 님의 출석 여부` }).getByLabel("출석", { exact: true }).check();
    await page.getByRole("group", { name: `${learners[2]!.name} 님의 출석 여부` }).getByLabel("결석", { exact: true }).check();
    await page.getByRole("button", { name: "출석 저장" }).click();
    await page.getByRole("status").filter({ hasText: "출석을 저장했습니다 (2명 변경)." }).waitFor();

    // Closing without ticking the confirmation is stopped by the browser; ticked, it closes.
    await page.getByRole("checkbox", { name: "출석부를 확인했고, 지금 마감합니다." }).check();
    await page.getByRole("button", { name: "출석 마감" }).click();
    await page.getByRole("status").filter({ hasText: "출석을 마감하고 이수를 기록했습니다." }).waitFor();
    await page.getByText("출석 2명, 불참 1명, 대면 이수 2건").waitFor();
    await look("02-closed");
    const offering = await prisma.offering.findUniqueOrThrow({ where: { id: offeringId } });
    expect(offering.trainingSessionId).not.toBeNull();
  });

  it("the second learner's home shows the duty completed in person, and the survey is theirs to answer", async () => {
    await signInAs(learners[1]!.email);
    await page.goto("/");
    await page.getByText("집합교육으로 이수").first().waitFor();
    await look("03-home");
    await page.goto(`/catalog/offerings/${offeringId}/feedback`);
    await page.locator("h1", { hasText: "수업 설문" }).waitFor();
    await look("04-survey");
    await page.getByRole("group", { name: "수업에 전반적으로 만족했습니까?" }).getByLabel("5 매우 그렇다").check();
    await page.getByRole("group", { name: "업무나 생활에 도움이 되는 내용이었습니까?" }).getByLabel("4 그렇다").check();
    await page.getByRole("group", { name: /이용하기 쉬웠습니까/ }).getByLabel("5 매우 그렇다").check();
    await page.getByRole("button", { name: "설문 보내기" }).click();
    await page.getByRole("status").filter({ hasText: "답해 주셔서 감사합니다." }).waitFor();
  });

  it("the academy sees the answered survey in the year of classes and per lecturer, and drills down to the roster", async () => {
    await signInAs(academyEmail);
    await page.goto("/academy?year=2026");
    await page.locator("h1", { hasText: "과정 운영 현황" }).waitFor();
    const row = page.getByRole("row").filter({ hasText: title });
    // Three seats of ten, two attended, one no-show, one answer (5, 4, 5).
    await row.filter({ hasText: "3/10 (30%)" }).filter({ hasText: "만족 5.0 · 유용 4.0 · 접근 5.0 (1명)" }).waitFor();
    expect(await row.locator("td").nth(4).textContent()).toBe("2");
    expect(await row.locator("td").nth(5).textContent()).toBe("1");
    await look("05-academy-year");
    const csv = await page.request.get("/academy/classes.csv?year=2026");
    expect(csv.status()).toBe(200);
    expect(await csv.text()).toContain(title);
    await row.getByRole("link", { name: `${title}: 신청자 명단 보기` }).click();
    await page.getByRole("heading", { name: "신청자 명단" }).waitFor();
    await page.getByRole("table", { name: "신청 순서대로" }).getByRole("row").filter({ hasText: learners[2]!.name }).waitFor();

    await page.goto("/academy/lecturer-feedback?year=2026");
    await page.locator("h1", { hasText: "강사별 설문 결과" }).waitFor();
    // One answer: counted, its scores withheld below the minimum of five.
    const lecturerRow = page.getByRole("row").filter({ hasText: lecturerName });
    await lecturerRow.filter({ hasText: "응답 5명 미만" }).waitFor();
    expect(await lecturerRow.locator("td").nth(2).textContent()).toBe("1");
    await look("06-academy-lecturers");
  });

  it("the lecturer sees their own class's survey count, and not the academy's pages", async () => {
    await signInAs(lecturerEmail);
    await page.goto("/lecturer/feedback?year=2026");
    await page.locator("h1", { hasText: "내 강의의 설문 결과" }).waitFor();
    expect(await page.locator('a[href="/lecturer"]').count()).toBeGreaterThan(0);
    const row = page.getByRole("row").filter({ hasText: title });
    await row.filter({ hasText: "응답 5명 미만" }).waitFor();
    expect(await row.locator("td").nth(2).textContent()).toBe("1");
    await look("07-lecturer-feedback");
    expect((await page.goto("/academy?year=2026"))?.status()).toBe(403);
  });

  it("the third learner, a no-show, still owes the duty", async () => {
    await signInAs(learners[2]!.email);
    await page.goto("/");
    await page.locator("h1").first().waitFor();
    expect(await page.getByText("집합교육으로 이수").count()).toBe(0);
  });
});
