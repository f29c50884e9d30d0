import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { translator } from "~/utils/i18n";
import { issueCertificate } from "~/modules/certificates/certificates.server";
import { loader as recordLoader } from "~/routes/record";
import { loader as transcriptLoader } from "~/routes/record[.pdf]";
import { createAnnualObligation, createPerson, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, respond, sessionCookieFor } from "../../../test/http";
import { pdfText } from "../../../test/pdf";
import { clockYear } from "../../../test/clock";
import { learnerRecord, recordHolder } from "./record.server";
import { renderTranscriptPdf } from "./transcript-pdf.server";

const SHOTS = join(process.cwd(), "test-results", "pdf");

async function bytesOf(stream: NodeJS.ReadableStream): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return new Uint8Array(Buffer.concat(chunks));
}

describe("a learner's record", () => {
  let fx: { personId: string; userId: string; otherUserId: string; certificateNumber: string; dutyTitle: string };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "이기록");
    const other = await createPerson(world.division.id, "CIVIL_SERVANT", "남의기록");
    const version = await prisma.courseVersion.findFirstOrThrow({ where: { courseId: world.course.id }, orderBy: { version: "desc" } });
    // This year's duty done online, with its certificate; a second duty still open; last year's done in person.
    const { cycle } = await openTestCycle(world.obligation.id);
    const done = await prisma.assignment.update({
      where: { cycleId_personId: { cycleId: cycle.id, personId: person.id } },
      data: { status: "COMPLETED", completedAt: now(), completionMode: "ONLINE", courseVersionId: version.id },
    });
    const certId = await prisma.$transaction((tx) => issueCertificate(tx, done.id));
    const second = await createAnnualObligation(world, "두 번째 의무교육", "A second duty");
    await openTestCycle(second.id);
    const lastYear = await openTestCycle(world.obligation.id, String(clockYear() - 1), clockYear() - 1);
    await prisma.assignment.update({
      where: { cycleId_personId: { cycleId: lastYear.cycle.id, personId: person.id } },
      data: { status: "COMPLETED", completedAt: new Date(`${clockYear() - 1}-06-01T03:00:00Z`), completionMode: "IN_PERSON" },
    });
    // An elective from the catalog, started.
    const elective = await prisma.course.findUniqueOrThrow({ where: { slug: "elective-children-youth-rights" } });
    await prisma.assignment.create({ data: { personId: person.id, courseId: elective.id, status: "IN_PROGRESS", assignedAt: now() } });
    // Someone else's completed duty, which must never show.
    const theirs = await prisma.assignment.update({
      where: { cycleId_personId: { cycleId: cycle.id, personId: other.id } },
      data: { status: "COMPLETED", completedAt: now(), completionMode: "ONLINE", courseVersionId: version.id },
    });
    await prisma.$transaction((tx) => issueCertificate(tx, theirs.id));
    const user = await createUser({ personId: person.id });
    const otherUser = await createUser({ personId: other.id });
    const cert = await prisma.certificate.findUniqueOrThrow({ where: { id: certId } });
    fx = { personId: person.id, userId: user.id, otherUserId: otherUser.id, certificateNumber: cert.number, dutyTitle: world.obligation.titleKo };
  });

  it("lists every year's duties and electives, with hours only where a certificate states them", async () => {
    const years = await learnerRecord(fx.personId);
    expect(years.map((y) => y.year)).toEqual([clockYear(), clockYear() - 1]);
    const [thisYear, last] = years;
    expect(thisYear!.hours).toBe(2);
    expect(thisYear!.duties.map((d) => d.status).sort()).toEqual(["ASSIGNED", "COMPLETED"]);
    const done = thisYear!.duties.find((d) => d.status === "COMPLETED")!;
    expect(done).toMatchObject({ hours: 2, certificateNumber: fx.certificateNumber, courseTitleKo: "일상 업무 속 인권", obligationTitleKo: fx.dutyTitle });
    expect(thisYear!.electives).toHaveLength(1);
    expect(thisYear!.electives[0]).toMatchObject({ status: "IN_PROGRESS", hours: null, certificateId: null });
    expect(last!.duties).toHaveLength(1);
    expect(last!.duties[0]).toMatchObject({ status: "COMPLETED", completionMode: "IN_PERSON", hours: null });
    expect(last!.hours).toBe(0);
  });

  it("shows only the signed-in person's own record, on the page and in the transcript", async () => {
    const anonymous = await respond(() => recordLoader({ request: getRequest("/record"), params: {}, context: {} }));
    expect(anonymous.status).toBe(302);
    const theirs = (await (
      await respond(async () => recordLoader({ request: getRequest("/record", await sessionCookieFor(fx.otherUserId)), params: {}, context: {} }))
    ).json()) as { years: Array<{ duties: Array<{ certificateNumber: string | null }> }> };
    const numbers = theirs.years.flatMap((y) => y.duties.map((d) => d.certificateNumber));
    expect(numbers).not.toContain(fx.certificateNumber);
    expect(numbers.filter(Boolean)).toHaveLength(1);

    const res = await respond(async () => transcriptLoader({ request: getRequest("/record.pdf", await sessionCookieFor(fx.userId)), params: {}, context: {} }));
    expect(res.headers.get("Content-Type")).toBe("application/pdf");
    const text = pdfText(new Uint8Array(await res.arrayBuffer()));
    expect(text).toContain("이기록");
    expect(text).toContain(fx.certificateNumber);
    expect(text).not.toContain("남의기록");
  });

  it("prints the transcript in Korean and in English", async () => {
    const holder = await recordHolder(fx.personId);
    const years = await learnerRecord(fx.personId);
    for (const locale of ["ko", "en"] as const) {
      const pdf = await bytesOf(renderTranscriptPdf(holder, years, locale, translator(locale), now()));
      writeFileSync(join(SHOTS, `transcript-${locale}.pdf`), pdf);
      const text = pdfText(pdf);
      expect(text).toContain(locale === "ko" ? "나의 교육 이수 기록" : "My training record");
      expect(text).toContain(locale === "ko" ? `${clockYear()}년 인정시간 합계: 2시간` : `Recognised hours in ${clockYear()}: 2`);
      expect(text).toContain(fx.certificateNumber);
    }
  });
});
