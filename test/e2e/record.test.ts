import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueCertificate } from "~/modules/certificates/certificates.server";
import { now } from "~/utils/clock.server";
import { prisma } from "~/utils/db.server";
import { createPerson, createUser, createWorld, openTestCycle, TEST_PASSWORD } from "../factories";
import { pdfQrCode, pdfText, sealPng } from "../pdf";
import { freePort, launchChromium, signIn, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens", "record");
const expectAccessible = (page: Page, name: string) => checkPage(page, SHOTS, name);

/**
 * A learner who has completed this year's duty opens their record from the home page, downloads
 * the transcript and the certificate; the certificate states the recognised hours and its QR
 * code opens the public verification page. Before that, the system administrator sets the seal.
 */
describe("end to end: the learner's record, the transcript and a certificate with hours, QR code and seal", { timeout: 180_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let learnerEmail: string;
  let adminEmail: string;
  let assignmentId: string;

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await createWorld();
    const learner = await createPerson(world.division.id, "CIVIL_SERVANT", "정기록");
    learnerEmail = (await createUser({ personId: learner.id })).email;
    adminEmail = (await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).email;
    const { cycle } = await openTestCycle(world.obligation.id);
    const version = await prisma.courseVersion.findFirstOrThrow({ where: { courseId: world.course.id }, orderBy: { version: "desc" } });
    assignmentId = (
      await prisma.assignment.update({
        where: { cycleId_personId: { cycleId: cycle.id, personId: learner.id } },
        data: { courseVersionId: version.id },
      })
    ).id;
    app = await startApp({}, process.env.E2E_APP_PORT ? Number(process.env.E2E_APP_PORT) : await freePort());
    browser = await launchChromium();
    context = await browser.newContext({ acceptDownloads: true, locale: "ko-KR", baseURL: app.origin });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("the system administrator is told why a file that is not an image is refused, then sets the seal", async () => {
    await signIn(page, adminEmail, TEST_PASSWORD);
    await page.goto("/admin/seal");
    await expectAccessible(page, "01-seal");
    await page.getByLabel("직인 이미지 파일").setInputFiles({ name: "seal.png", mimeType: "image/png", buffer: Buffer.from("not an image at all") });
    await page.getByRole("button", { name: "직인 올리기" }).click();
    await expect.poll(() => page.getByRole("alert").textContent()).toContain("PNG나 JPEG 이미지가 아닙니다");
    await expectAccessible(page, "02-seal-refused");
    await page.getByLabel("직인 이미지 파일").setInputFiles({ name: "직인.png", mimeType: "image/png", buffer: Buffer.from(await sealPng()) });
    await page.getByRole("button", { name: "직인 올리기" }).click();
    await expect.poll(() => page.getByRole("status").textContent()).toContain("새 직인을 저장했습니다");
    await expectAccessible(page, "03-seal-set");
    await context.clearCookies();
  });

  it("the learner opens the record from home, downloads the transcript and a certificate whose QR code verifies it", async () => {
    // Completed after the seal was set, as the quiz completes it: the assignment and its certificate together.
    await prisma.$transaction(async (tx) => {
      await tx.assignment.update({ where: { id: assignmentId }, data: { status: "COMPLETED", completedAt: now(), completionMode: "ONLINE" } });
      await issueCertificate(tx, assignmentId);
    });
    const cert = await prisma.certificate.findUniqueOrThrow({ where: { assignmentId } });
    await signIn(page, learnerEmail, TEST_PASSWORD);
    await page.getByRole("link", { name: "나의 교육 이수 기록" }).click();
    await page.waitForURL(/\/record$/);
    await expect.poll(() => page.locator("h1").textContent()).toBe("나의 교육 이수 기록");
    await expectAccessible(page, "04-record");
    const row = page.getByRole("row", { name: /일상 업무 속 인권/ });
    await expect.poll(() => row.textContent()).toContain("2시간");
    expect(await row.textContent()).toContain("이수 완료");
    expect(await page.locator("main").textContent()).toContain("인정시간 합계: 2시간");

    const [transcript] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "이수 기록 PDF 내려받기" }).click()]);
    const transcriptPdf = new Uint8Array(readFileSync((await transcript.path())!));
    writeFileSync(join(SHOTS, "transcript.pdf"), transcriptPdf);
    const text = pdfText(transcriptPdf);
    expect(text).toContain("정기록");
    expect(text).toContain(cert.number);
    expect(text).toContain("2시간");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: new RegExp(`수료증 ${cert.number}`) }).click()]);
    const certPdf = new Uint8Array(readFileSync((await download.path())!));
    writeFileSync(join(SHOTS, "certificate.pdf"), certPdf);
    const certText = pdfText(certPdf);
    expect(certText).toContain("2시간 / 2 hours");
    const link = `${app.origin}/verify/${cert.verificationCode}`;
    expect(certText).toContain(link);
    expect(pdfQrCode(certPdf, join(SHOTS, "certificate"))).toBe(link);

    // The QR code's address is the public verification page.
    await context.clearCookies();
    await page.goto(link);
    await expect.poll(() => page.getByRole("status").textContent()).toContain("유효한 수료증");
    expect(await page.locator("dl").textContent()).toContain("2시간");
    await expectAccessible(page, "05-verified-by-qr");
  });
});
