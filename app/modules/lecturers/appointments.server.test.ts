import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { seoulDateKey } from "~/utils/i18n";
import { issueCertificate } from "~/modules/certificates/certificates.server";
import { renderTemplate } from "~/modules/notifications/templates.server";
import { APPOINTMENT_ENDING_NOTICE_DAYS, RENEWAL_CONTINUING_HOURS } from "./codes";
import { appointLecturer, continuingHours, renewAppointment, runAppointmentTerms, termEnd, verifyAppointment } from "./appointments.server";
import { directory, saveProfile } from "./directory.server";
import { bookPracticum } from "./practicum.server";
import { createUser } from "../../../test/factories";
import { createDemonstration, createTrainee } from "../../../test/practicum";

const DAY = 86_400_000;
const day = (offset: number) => seoulDateKey(new Date(now().getTime() + offset * DAY));

async function admin() {
  return (await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).id;
}

/** A trainee whose practicum was passed. */
async function passed() {
  const t = await createTrainee();
  const booked = await bookPracticum(t.user.id, (await createDemonstration()).id);
  if (!booked.ok) throw new Error(booked.problem);
  await prisma.practicumAttempt.update({ where: { id: booked.attemptId }, data: { status: "PASSED", combinedScore: 80, decidedAt: now() } });
  return t;
}

async function appointed(startsOn?: string, endsOn?: string) {
  const t = await passed();
  const result = await appointLecturer(await admin(), t.trainee.id, { startsOn, endsOn });
  if (!result.ok) throw new Error(result.problem);
  return { ...t, appointmentId: result.appointmentId };
}

/** Hours of continuing education: an online elective completed on `on` (1 h) and a class of `minutes` held that day. */
async function educate(personId: string, on: string, minutes: number) {
  const version = await prisma.courseVersion.findFirstOrThrow({ where: { course: { slug: "elective-impact-assessment" } }, orderBy: { version: "desc" } });
  const completedAt = new Date(`${on}T12:00:00+09:00`);
  await prisma.$transaction(async (tx) => {
    const a = await tx.assignment.create({ data: { personId, courseId: version.courseId, courseVersionId: version.id, status: "COMPLETED", completedAt, completionMode: "ONLINE" } });
    await issueCertificate(tx, a.id);
  });
  const unit = await prisma.person.findUniqueOrThrow({ where: { id: personId }, select: { orgUnitId: true } });
  const by = await createUser();
  const evidence = await prisma.evidenceFile.create({ data: { fileName: "roll.pdf", mediaType: "application/pdf", size: 1, sha256: "x", content: Buffer.from("x"), uploadedById: by.id } });
  const session = await prisma.trainingSession.create({ data: { title: "인권 강사 보수교육", heldOn: new Date(`${on}T00:00:00Z`), minutes, place: "교육원", orgUnitId: unit.orgUnitId!, evidenceId: evidence.id, recordedById: by.id } });
  await prisma.sessionAttendance.create({ data: { sessionId: session.id, personId } });
}

describe("appointment", () => {
  it("appoints a passed trainee for the default term: credential, lecturer role, status, audit, mail", async () => {
    const t = await passed();
    const by = await admin();
    const result = await appointLecturer(by, t.trainee.id, {});
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const a = await prisma.lecturerAppointment.findUniqueOrThrow({ where: { id: result.appointmentId } });
    expect(a.number).toMatch(/^HRL-\d{4}-\d{4}$/);
    expect(a.startsOn.toISOString().slice(0, 10)).toBe(day(0));
    expect(a.endsOn.toISOString().slice(0, 10)).toBe(termEnd(day(0)));
    expect(await prisma.roleGrant.count({ where: { userId: t.user.id, role: "LECTURER" } })).toBe(1);
    expect((await prisma.lecturerTrainee.findUniqueOrThrow({ where: { id: t.trainee.id } })).status).toBe("APPOINTED");
    expect(await prisma.auditEvent.count({ where: { action: "lecturer.appoint", entityId: a.id, actorUserId: by } })).toBe(1);
    const mail = await prisma.outboxEmail.findUniqueOrThrow({ where: { dedupeKey: `lecturer-appointed:${a.id}` } });
    expect((await renderTemplate(mail.template, mail.locale, mail.payload))!.text).toContain(a.verificationCode);
    const verified = await verifyAppointment(a.verificationCode.toLowerCase());
    expect(verified).toMatchObject({ number: a.number, status: "VALID" });
    expect(verified!.holderName).not.toBe(t.person.name);
    // Once only; and never a trainee who has not passed.
    expect(await appointLecturer(by, t.trainee.id, {})).toEqual({ ok: false, problem: "already" });
    const notYet = await createTrainee();
    expect(await appointLecturer(by, notYet.trainee.id, {})).toEqual({ ok: false, problem: "notPassed" });
    // Not an administrator: nothing found.
    expect(await appointLecturer(t.user.id, (await passed()).trainee.id, {})).toEqual({ ok: false, problem: "notFound" });
  });

  it("takes the dates the administrator sets, and refuses an end before the start", async () => {
    const t = await passed();
    const by = await admin();
    expect(await appointLecturer(by, t.trainee.id, { startsOn: day(10), endsOn: day(5) })).toEqual({ ok: false, problem: "dates" });
    const ok = await appointLecturer(by, t.trainee.id, { startsOn: day(10), endsOn: day(400) });
    if (!ok.ok) throw new Error(ok.problem);
    const a = await prisma.lecturerAppointment.findUniqueOrThrow({ where: { id: ok.appointmentId } });
    expect(a.endsOn.toISOString().slice(0, 10)).toBe(day(400));
    expect((await verifyAppointment(a.verificationCode))!.status).toBe("NOT_YET");
  });
});

describe("renewal", () => {
  it("counts courses completed and classes attended within the term, and renews only at the hours asked", async () => {
    const t = await appointed(day(-700), day(20));
    // Before the term: not counted.
    await educate(t.person.id, day(-710), 600);
    // Within it: 1 h of course and 5 h of class (an in-person completion would count once, as the class).
    await educate(t.person.id, day(-100), 300);
    expect(await continuingHours(prisma, t.person.id, day(-700), day(20))).toEqual({ courses: 1, classes: 5, total: 6 });
    const by = await admin();
    expect(await renewAppointment(by, t.appointmentId, {})).toEqual({ ok: false, problem: "hours", hours: 6 });
    await educate(t.person.id, day(-50), 60);
    expect((await continuingHours(prisma, t.person.id, day(-700), day(20))).total).toBe(RENEWAL_CONTINUING_HOURS);
    expect(await renewAppointment(by, t.appointmentId, { startsOn: day(30) })).toEqual({ ok: false, problem: "gap" });
    const renewed = await renewAppointment(by, t.appointmentId, {});
    if (!renewed.ok) throw new Error(renewed.problem);
    const next = await prisma.lecturerAppointment.findUniqueOrThrow({ where: { id: renewed.appointmentId } });
    expect(next).toMatchObject({ renewsId: t.appointmentId });
    expect(next.startsOn.toISOString().slice(0, 10)).toBe(day(21));
    expect(await renewAppointment(by, t.appointmentId, {})).toEqual({ ok: false, problem: "already" });
  });
});

describe("the end of a term", () => {
  it("writes one notice before the end, then ends the term once: role removed, profile unpublished", async () => {
    const t = await appointed(day(-730), day(APPOINTMENT_ENDING_NOTICE_DAYS - 1));
    expect(await saveProfile(t.user.id, { publicName: "김시민", fields: ["DISABILITY"], districts: ["MAPO"], languages: ["KO", "KSL"], accessibility: ["SIGN_LANGUAGE"], bioKo: "장애인권 강사", bioEn: "", published: true })).toEqual({ ok: true });
    expect((await directory({ field: "DISABILITY", district: "MAPO" })).some((p) => p.publicName === "김시민")).toBe(true);

    const first = await runAppointmentTerms(now(), [t.person.id]);
    const again = await runAppointmentTerms(now(), [t.person.id]);
    const notice = await prisma.outboxEmail.findMany({ where: { dedupeKey: `appointment-ending:${t.appointmentId}` } });
    expect(notice).toHaveLength(1);
    expect(first.notices).toContain(notice[0]!.id);
    expect(again.notices).not.toContain(notice[0]!.id);
    expect((await renderTemplate(notice[0]!.template, notice[0]!.locale, notice[0]!.payload))!.subject).toBe("강사 위촉 기간이 곧 끝납니다");

    // The day after the last day.
    const after = new Date(now().getTime() + APPOINTMENT_ENDING_NOTICE_DAYS * DAY);
    await runAppointmentTerms(after, [t.person.id]);
    await runAppointmentTerms(after, [t.person.id]);
    const a = await prisma.lecturerAppointment.findUniqueOrThrow({ where: { id: t.appointmentId } });
    expect(a).toMatchObject({ endReason: "lapsed" });
    expect(a.endedAt!.getTime()).toBe(after.getTime());
    expect(await prisma.roleGrant.count({ where: { userId: t.user.id, role: "LECTURER" } })).toBe(0);
    expect((await prisma.lecturerProfile.findUniqueOrThrow({ where: { personId: t.person.id } })).published).toBe(false);
    expect(await prisma.auditEvent.count({ where: { action: "lecturer.appointment.end", entityId: t.appointmentId } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { action: "role.revoke", entityId: t.user.id } })).toBe(1);
    expect((await verifyAppointment(a.verificationCode))!.status).toBe("ENDED");
  });

  it("keeps the role and the profile of a lecturer whose term was renewed", async () => {
    const t = await appointed(day(-730), day(-1));
    await educate(t.person.id, day(-100), RENEWAL_CONTINUING_HOURS * 60);
    const renewed = await renewAppointment(await admin(), t.appointmentId, {});
    if (!renewed.ok) throw new Error(renewed.problem);
    await saveProfile(t.user.id, { publicName: "이갱신", fields: ["GENERAL"], districts: [], languages: ["KO"], accessibility: [], bioKo: "", bioEn: "", published: true });
    await runAppointmentTerms(now(), [t.person.id]);
    expect((await prisma.lecturerAppointment.findUniqueOrThrow({ where: { id: t.appointmentId } })).endReason).toBe("renewed");
    expect(await prisma.roleGrant.count({ where: { userId: t.user.id, role: "LECTURER" } })).toBe(1);
    expect((await directory({})).some((p) => p.publicName === "이갱신")).toBe(true);
  });
});

describe("the directory", () => {
  it("lists only published profiles of lecturers in term, with only what they published", async () => {
    const t = await appointed();
    const hidden = await appointed();
    const profile = { publicName: "박공개", fields: ["MIGRANTS"], districts: ["GURO"], languages: ["KO", "VI"], accessibility: [], bioKo: "이주민 인권", bioEn: "Migrants' rights", published: true };
    expect(await saveProfile(t.user.id, { ...profile, fields: [] })).toMatchObject({ ok: false, problem: "invalid", fields: { fields: "required" } });
    expect(await saveProfile(t.user.id, profile)).toEqual({ ok: true });
    expect(await saveProfile(hidden.user.id, { ...profile, publicName: "최비공개", published: false })).toEqual({ ok: true });
    // Someone without an appointment cannot publish anything.
    expect(await saveProfile((await createUser()).id, profile)).toEqual({ ok: false, problem: "notLecturer" });
    const found = await directory({ language: "VI", district: "GURO" });
    const mine = found.find((p) => p.publicName === "박공개");
    expect(mine).toBeDefined();
    expect(Object.keys(mine!).sort()).toEqual(["accessibility", "bioEn", "bioKo", "districts", "fields", "id", "languages", "publicName"]);
    expect(found.some((p) => p.publicName === "최비공개")).toBe(false);
    expect((await directory({ language: "JA" })).some((p) => p.publicName === "박공개")).toBe(false);
  });
});
