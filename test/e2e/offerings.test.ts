import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { deliverOutbox } from "~/modules/notifications/outbox.server";
import { createPerson, createUser, createWorld, TEST_PASSWORD, uid } from "../factories";
import { storyClock } from "../clock";
import { addressOf, startSmtp } from "../smtp";
import { launchChromium, ownOrigin, phonePage, signIn, startApp } from "./app-server";
import { expectReflowAndAccessible } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens-offerings");

describe("end to end: a class with three seats, four people, a waiting list that moves", { timeout: 240_000 }, () => {
  // A working Tuesday morning; the class is two weeks later.
  storyClock("2026-09-01T10:00:00");
  let app: Awaited<ReturnType<typeof startApp>>;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let academyEmail: string;
  let obligationTitle: string;
  const learners: Array<{ email: string; personEmail: string; name: string }> = [];
  const title = `장애인 인권 함께 배우기 ${uid()}`;
  let restoreOrigin: (() => void) | undefined;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    smtp = await startSmtp();
    const world = await createWorld();
    obligationTitle = world.obligation.titleKo;
    for (const name of ["김첫째", "이둘째", "박셋째", "최넷째"]) {
      const person = await createPerson(world.division.id, "CIVIL_SERVANT", name);
      learners.push({ email: (await createUser({ personId: person.id })).email, personEmail: person.email, name });
    }
    academyEmail = (await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).email;
    // The app and the mail this process delivers in the worker's place name the same site.
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

  let classPath = "";

  it("the academy schedules a class with three seats, after a refused first try", async () => {
    await signInAs(academyEmail);
    await page.goto("/academy/offerings/new");
    await page.locator("h1", { hasText: "수업 열기" }).waitFor();
    await look("01-new");
    await page.getByRole("button", { name: "수업 열기" }).click();
    await page.getByRole("alert").filter({ hasText: "입력을 확인하세요." }).waitFor();
    expect(await page.getByLabel("수업명 (한국어)").getAttribute("aria-invalid")).toBe("true");

    await page.getByLabel("인정 대상").selectOption({ label: `의무교육: ${obligationTitle}` });
    await page.getByLabel("수업명 (한국어)").fill(title);
    await page.getByLabel("수업명 (영어)").fill("Learning disability rights together");
    await page.getByLabel("주제").selectOption("DISABILITY");
    await page.getByLabel("날짜").fill("2026-09-15");
    await page.getByLabel("장소").fill("서울시 인권교육원 2층 강의실");
    await page.getByLabel("자치구").selectOption("JUNG");
    await page.getByLabel("오시는 길 (한국어)").fill("시청역 4번 출구에서 도보 3분");
    await page.getByLabel("외부 강사 이름").fill("김인권 강사");
    await page.getByLabel("정원").fill("3");
    await page.getByLabel("신청 마감").fill("2026-09-14T18:00");
    await page.getByLabel("취소 마감").fill("2026-09-14T18:00");
    await page.getByRole("checkbox", { name: "수어 통역" }).check();
    await page.getByRole("button", { name: "수업 열기" }).click();
    await page.getByRole("status").filter({ hasText: "수업 1개를 열었습니다." }).waitFor();
    await look("02-list");
    await page.getByRole("link", { name: `관리: ${title}` }).click();
    await page.locator("h1", { hasText: title }).waitFor();
    await look("03-manage");
    const offering = await prisma.offering.findFirstOrThrow({ where: { titleKo: title } });
    expect(offering.capacity).toBe(3);
    expect(offering.startsAt.toISOString()).toBe("2026-09-15T05:00:00.000Z");
    classPath = `/catalog/offerings/${offering.id}`;
  });

  it("four people register: three get seats, the fourth joins the waiting list", async () => {
    for (const [i, learner] of learners.entries()) {
      await signInAs(learner.email);
      await page.goto("/catalog");
      await page.getByRole("link", { name: title }).click();
      await page.locator("h1", { hasText: title }).waitFor();
      if (i === 0) await look("04-class-page");
      if (i < 3) {
        await page.getByRole("button", { name: "수강 신청" }).click();
        await page.getByRole("status").filter({ hasText: "수강 신청이 확정되었습니다." }).waitFor();
      } else {
        await page.getByRole("button", { name: "대기자로 신청" }).click();
        await page.getByRole("status").filter({ hasText: "대기자로 등록했습니다." }).waitFor();
        await page.getByText("대기 1번입니다.").waitFor();
        await look("05-waitlisted");
      }
    }
    // The first one's confirmation carries the calendar entry.
    const confirmation = await prisma.outboxEmail.findFirstOrThrow({ where: { toAddress: learners[0]!.personEmail, dedupeKey: { startsWith: "offering-confirmed:" } } });
    expect(await deliverOutbox(confirmation.id)).toBe("sent");
    const mail = smtp.received.at(-1)!;
    expect(addressOf(mail)).toBe(learners[0]!.personEmail);
    const ics = mail.attachments.find((a) => a.filename === "class.ics")!;
    expect(ics.content.toString("utf8")).toContain("DTSTART:20260915T050000Z");
  });

  it("one cancels, and the fourth is promoted and told", async () => {
    await signInAs(learners[1]!.email);
    await page.goto(classPath);
    await page.getByRole("button", { name: "수강 취소" }).click();
    await page.getByRole("status").filter({ hasText: "신청을 취소했습니다." }).waitFor();

    const promoted = await prisma.outboxEmail.findFirstOrThrow({ where: { toAddress: learners[3]!.personEmail, dedupeKey: { startsWith: "offering-promoted:" } } });
    expect(await deliverOutbox(promoted.id)).toBe("sent");
    const notice = smtp.received.at(-1)!;
    expect(addressOf(notice)).toBe(learners[3]!.personEmail);
    expect(notice.subject).toContain("[자리 확정]");
    expect(notice.text).toContain(title);
    expect(notice.attachments.map((a) => a.filename)).toContain("class.ics");

    await signInAs(learners[3]!.email);
    await page.goto(classPath);
    await page.getByText("수강이 확정되었습니다.").waitFor();
    await look("06-promoted");
  });
});
