import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import QRCode from "qrcode";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { getEnv } from "~/utils/env.server";
import { action as sealAction, loader as sealLoader } from "~/routes/admin.seal";
import { createPerson, createUnit, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, postFile, respond, sessionCookieFor } from "../../../test/http";
import { pdfQrCode, pdfText, sealPng } from "../../../test/pdf";
import { issueCertificate } from "./certificates.server";
import { renderCertificatePdf } from "./pdf.server";
import { checkSeal, MAX_SEAL_BYTES, sealInForce, SealInputError, sniffImage } from "./seal.server";

const SHOTS = join(process.cwd(), "test-results", "pdf");


async function bytesOf(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

/** A JPEG's first bytes up to its frame header: enough to say what it is and how big. */
function jpegHeader(width: number, height: number): Uint8Array {
  const app0 = [0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00];
  const sof0 = [0xff, 0xc0, 0x00, 0x11, 0x08, height >> 8, height & 255, width >> 8, width & 255, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1];
  return new Uint8Array([0xff, 0xd8, ...app0, ...sof0, 0xff, 0xd9]);
}

async function completedCertificate() {
  const world = await createWorld();
  const person = await createPerson(world.division.id, "CIVIL_SERVANT", "김수료");
  const user = await createUser({ personId: person.id });
  const { cycle } = await openTestCycle(world.obligation.id);
  const version = await prisma.courseVersion.findFirstOrThrow({ where: { courseId: world.course.id }, orderBy: { version: "desc" } });
  const assignment = await prisma.assignment.update({
    where: { cycleId_personId: { cycleId: cycle.id, personId: person.id } },
    data: { status: "COMPLETED", completedAt: now(), completionMode: "ONLINE", courseVersionId: version.id },
  });
  const id = await prisma.$transaction((tx) => issueCertificate(tx, assignment.id));
  return { world, person, user, version, id };
}

describe("certificates state hours and unit, and carry a QR code of their verification page", () => {
  let issued: Awaited<ReturnType<typeof completedCertificate>>;
  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    issued = await completedCertificate();
  });

  it("keep the hours and the unit they certified when either changes later", async () => {
    const cert = await prisma.certificate.findUniqueOrThrow({ where: { id: issued.id } });
    expect(issued.version.recognisedHours).toBe(2);
    expect(cert).toMatchObject({ recognisedHours: 2, unitCode: issued.world.division.code, unitNameKo: issued.world.division.nameKo, unitNameEn: issued.world.division.nameEn });
    const elsewhere = await createUnit("DIVISION", issued.world.bureau.id, "옮긴과");
    await prisma.person.update({ where: { id: issued.person.id }, data: { orgUnitId: elsewhere.id } });
    await prisma.orgUnit.update({ where: { id: issued.world.division.id }, data: { nameKo: "이름을 바꾼 과" } });
    const again = await prisma.certificate.findUniqueOrThrow({ where: { id: issued.id } });
    expect(again).toMatchObject({ recognisedHours: 2, unitCode: issued.world.division.code, unitNameKo: issued.world.division.nameKo });
  });

  it("print the hours, the unit and a QR code that opens the verification page", async () => {
    const cert = await prisma.certificate.findUniqueOrThrow({ where: { id: issued.id } });
    const pdf = await bytesOf(renderCertificatePdf(cert, null));
    writeFileSync(join(SHOTS, "certificate-no-seal.pdf"), pdf);
    const text = pdfText(pdf);
    expect(text).toContain("인정시간 Recognised hours");
    expect(text).toContain("2시간 / 2 hours");
    expect(text).toContain(`${cert.unitNameKo} / ${cert.unitNameEn}`);
    const url = `${getEnv().APP_ORIGIN}/verify/${cert.verificationCode}`;
    expect(text).toContain(url);
    expect(pdfQrCode(pdf, join(SHOTS, "certificate-no-seal"))).toBe(url);
  });

  it("carry the seal in force when they were issued, not one uploaded later", async () => {
    const cert = await prisma.certificate.findUniqueOrThrow({ where: { id: issued.id } });
    const admin = await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] });
    const cookie = await sessionCookieFor(admin.id);
    const png = await sealPng();
    const res = await respond(async () => sealAction({ request: await postFile("/admin/seal", "seal", "직인.png", png, cookie), params: {}, context: {} }));
    expect(res.status).toBe(303);
    const seal = await prisma.certificateSeal.findFirstOrThrow({ orderBy: { uploadedAt: "desc" } });
    expect(seal).toMatchObject({ mediaType: "image/png", width: 200, height: 200, uploadedByUserId: admin.id });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "certificate.seal.upload", entityId: seal.id } });
    expect(audit.actorUserId).toBe(admin.id);
    // The seal in force at issue is an earlier one, or none (other tests may upload the same picture: compared by row).
    const atIssue = await prisma.certificateSeal.findFirst({ where: { uploadedAt: { lte: cert.issuedAt } }, orderBy: [{ uploadedAt: "desc" }, { id: "desc" }], select: { id: true } });
    expect(atIssue?.id).not.toBe(seal.id);
    if (!atIssue) expect(await sealInForce(cert.issuedAt)).toBeNull();
    const later = await sealInForce(now());
    expect(later && new Uint8Array(later)).toEqual(png);
    const pdf = await bytesOf(renderCertificatePdf(cert, later));
    writeFileSync(join(SHOTS, "certificate-with-seal.pdf"), pdf);
    expect(pdfQrCode(pdf, join(SHOTS, "certificate-with-seal"))).toBe(`${getEnv().APP_ORIGIN}/verify/${cert.verificationCode}`);
    const page = await respond(() => sealLoader({ request: getRequest("/admin/seal", cookie), params: {}, context: {} }));
    expect(((await page.json()) as { currentDataUrl: string }).currentDataUrl).toMatch(/^data:image\/png;base64,/);
  });
});

describe("the seal upload refuses what it cannot print", () => {
  it("reads the type and size from the bytes, not the name", async () => {
    expect(sniffImage(jpegHeader(640, 480))).toEqual({ mediaType: "image/jpeg", width: 640, height: 480 });
    const png = new Uint8Array(await QRCode.toBuffer("x", { width: 300 }));
    expect(sniffImage(png)).toEqual({ mediaType: "image/png", width: 300, height: 300 });
    expect(sniffImage(new TextEncoder().encode("GIF89a........"))).toBeNull();
    expect(sniffImage(new TextEncoder().encode("<svg xmlns='http://www.w3.org/2000/svg'/>"))).toBeNull();
    expect(() => checkSeal(jpegHeader(1001, 400))).toThrow(SealInputError);
  });

  it("answers each bad file with its reason, records nothing, and lets only system administrators upload", async () => {
    const admin = await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] });
    const cookie = await sessionCookieFor(admin.id);
    const before = await prisma.certificateSeal.count();
    const post = async (name: string, bytes: Uint8Array | string, who = cookie) =>
      respond(async () => sealAction({ request: await postFile("/admin/seal", "seal", name, bytes, who), params: {}, context: {} }));
    const problem = async (res: Response) => ((await res.json()) as { problem: string; message: string });

    const text = await post("seal.png", "this is not an image");
    expect(text.status).toBe(400);
    expect(await problem(text)).toMatchObject({ problem: "type" });

    const big = new Uint8Array(MAX_SEAL_BYTES + 1);
    big.set(await QRCode.toBuffer("x", { width: 100 }));
    const tooBig = await post("seal.png", big);
    expect(tooBig.status).toBe(413);
    expect((await problem(tooBig)).message).toContain("512");

    const wide = await post("seal.png", new Uint8Array(await QRCode.toBuffer("x", { width: 1200 })));
    expect(wide.status).toBe(400);
    expect(await problem(wide)).toMatchObject({ problem: "dimensions" });

    const broken = await post("seal.jpg", jpegHeader(1000, 1001));
    expect(await problem(broken)).toMatchObject({ problem: "dimensions" });

    const empty = await post("seal.png", new Uint8Array(0));
    expect(await problem(empty)).toMatchObject({ problem: "missing" });

    const learner = await createUser({ personId: (await createPerson((await createUnit("DIVISION")).id)).id });
    const refused = await post("seal.png", new Uint8Array(await QRCode.toBuffer("x", { width: 100 })), await sessionCookieFor(learner.id));
    expect(refused.status).toBe(403);
    expect(await prisma.certificateSeal.count()).toBe(before);
  });
});
