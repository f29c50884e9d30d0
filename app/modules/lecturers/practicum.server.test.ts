import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { renderTemplate } from "~/modules/notifications/templates.server";
import { PRACTICUM_RETAKE_WAIT_DAYS } from "./codes";
import { exactTotal, points } from "./rubric";
import { academyPracticums, assessorDemonstrations, attemptForAssessor, bookPracticum, cancelPracticum, currentRubric, moderatePracticum, practicumForTrainee, scorePracticum } from "./practicum.server";
import { createUser } from "../../../test/factories";
import { createAssessor, createDemonstration, createTrainee, startDemonstration } from "../../../test/practicum";

const DAY = 86_400_000;

async function keys() {
  return (await currentRubric())!.criteria.map((c) => c.key);
}
async function score(level: number | Record<string, number>) {
  const ks = await keys();
  return {
    levels: Object.fromEntries(ks.map((k) => [k, typeof level === "number" ? level : (level[k] ?? 3)])),
    feedback: Object.fromEntries(ks.map((k) => [k, `관찰한 근거: ${k}에서 목표와 활동이 이어졌습니다.`])),
  };
}

/** A trainee booked on a demonstration that has started. */
async function bookedAndStarted(opts: Parameters<typeof createTrainee>[0] = {}, lecturerUserIds: string[] = []) {
  const t = await createTrainee(opts);
  const demo = await createDemonstration({ lecturerUserIds });
  const booked = await bookPracticum(t.user.id, demo.id);
  if (!booked.ok) throw new Error(booked.problem);
  await startDemonstration(demo.id);
  return { ...t, demo, attemptId: booked.attemptId };
}

describe("practicum booking", () => {
  it("books a trainee in PRACTICUM onto a demonstration class as its presenter", async () => {
    const t = await createTrainee();
    const demo = await createDemonstration();
    const result = await bookPracticum(t.user.id, demo.id);
    expect(result.ok).toBe(true);
    const o = await prisma.offering.findUniqueOrThrow({ where: { id: demo.id } });
    expect(o.lecturerUserIds).toContain(t.user.id);
    const attempt = await prisma.practicumAttempt.findFirstOrThrow({ where: { traineeId: t.trainee.id } });
    expect(attempt).toMatchObject({ attempt: 1, status: "BOOKED", offeringId: demo.id });
    expect(await prisma.auditEvent.count({ where: { action: "practicum.book", entityId: attempt.id } })).toBe(1);
  });

  it("refuses someone not at the practicum stage, a second booking, and a class already taken", async () => {
    const training = await createTrainee({ status: "TRAINING" });
    const stranger = await createUser();
    const demo = await createDemonstration();
    expect(await bookPracticum(training.user.id, demo.id)).toEqual({ ok: false, problem: "notTrainee" });
    expect(await bookPracticum(stranger.id, demo.id)).toEqual({ ok: false, problem: "notTrainee" });

    const t = await createTrainee();
    expect((await bookPracticum(t.user.id, demo.id)).ok).toBe(true);
    const other = await createDemonstration();
    expect(await bookPracticum(t.user.id, other.id)).toEqual({ ok: false, problem: "alreadyBooked" });
    const second = await createTrainee();
    expect(await bookPracticum(second.user.id, demo.id)).toEqual({ ok: false, problem: "taken" });
    // A class on another topic, or one that has begun, is no demonstration to book.
    await prisma.offering.update({ where: { id: other.id }, data: { topic: "GENERAL" } });
    expect(await bookPracticum(second.user.id, other.id)).toEqual({ ok: false, problem: "notAvailable" });
  });

  it("cancels a booking before the class's deadline: not an attempt, the class open again, audited; refused after it and for anyone else", async () => {
    const t = await createTrainee();
    const demo = await createDemonstration();
    const booked = await bookPracticum(t.user.id, demo.id);
    if (!booked.ok) throw new Error(booked.problem);
    const panel = await practicumForTrainee(t.user.id);
    expect(panel?.attempts[0]?.cancelUntil).toEqual(demo.cancellationClosesAt);

    const stranger = await createTrainee();
    expect(await cancelPracticum(stranger.user.id, booked.attemptId)).toEqual({ ok: false, problem: "notFound" });
    expect(await cancelPracticum(t.user.id, "not-a-uuid")).toEqual({ ok: false, problem: "notFound" });
    expect(await cancelPracticum(t.user.id, booked.attemptId)).toEqual({ ok: true });
    expect(await prisma.practicumAttempt.count({ where: { traineeId: t.trainee.id } })).toBe(0);
    expect((await prisma.offering.findUniqueOrThrow({ where: { id: demo.id } })).lecturerUserIds).not.toContain(t.user.id);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "practicum.cancel", entityId: booked.attemptId } });
    expect(audit.data).toMatchObject({ offeringId: demo.id, attempt: 1 });
    // Cancelling twice finds nothing.
    expect(await cancelPracticum(t.user.id, booked.attemptId)).toEqual({ ok: false, problem: "notFound" });

    // The class is open again, and the next booking is still the first attempt.
    const again = await bookPracticum(t.user.id, demo.id);
    if (!again.ok) throw new Error(again.problem);
    expect((await prisma.practicumAttempt.findUniqueOrThrow({ where: { id: again.attemptId } })).attempt).toBe(1);
    // Past the class's cancellation deadline (a day before it), it stays.
    await prisma.offering.update({ where: { id: demo.id }, data: { cancellationClosesAt: new Date(now().getTime() - 60_000) } });
    expect(await cancelPracticum(t.user.id, again.attemptId)).toEqual({ ok: false, problem: "closed" });
    expect((await practicumForTrainee(t.user.id))?.attempts[0]?.cancelUntil).toBeNull();
    // Once the class has started and it is being scored, it is no booking to cancel.
    await prisma.offering.update({ where: { id: demo.id }, data: { cancellationClosesAt: demo.cancellationClosesAt } });
    await prisma.practicumAttempt.update({ where: { id: again.attemptId }, data: { status: "MODERATION" } });
    expect(await cancelPracticum(t.user.id, again.attemptId)).toEqual({ ok: false, problem: "state" });
  });

  it("allows one retake, not before the wait after the failed attempt's decision", async () => {
    const t = await createTrainee();
    const first = await createDemonstration();
    const booked = await bookPracticum(t.user.id, first.id);
    if (!booked.ok) throw new Error(booked.problem);
    const decidedAt = new Date(now().getTime() - (PRACTICUM_RETAKE_WAIT_DAYS - 1) * DAY);
    await prisma.practicumAttempt.update({ where: { id: booked.attemptId }, data: { status: "FAILED", combinedScore: 60, decidedAt } });
    const retake = await createDemonstration();
    const tooSoon = await bookPracticum(t.user.id, retake.id);
    expect(tooSoon).toMatchObject({ ok: false, problem: "tooSoon" });
    if (!tooSoon.ok) expect(tooSoon.retakeFrom!.getTime()).toBe(decidedAt.getTime() + PRACTICUM_RETAKE_WAIT_DAYS * DAY);

    await prisma.practicumAttempt.update({ where: { id: booked.attemptId }, data: { decidedAt: new Date(now().getTime() - PRACTICUM_RETAKE_WAIT_DAYS * DAY - 60_000) } });
    const second = await bookPracticum(t.user.id, retake.id);
    expect(second.ok).toBe(true);
    if (second.ok) await prisma.practicumAttempt.update({ where: { id: second.attemptId }, data: { status: "FAILED", combinedScore: 55, decidedAt: new Date(now().getTime() - 60 * DAY) } });
    expect(await bookPracticum(t.user.id, (await createDemonstration()).id)).toEqual({ ok: false, problem: "maxAttempts" });
  });
});

describe("practicum scoring", () => {
  it("opens once the demonstration has started, on the rubric's scale only", async () => {
    const t = await createTrainee();
    const demo = await createDemonstration();
    const booked = await bookPracticum(t.user.id, demo.id);
    if (!booked.ok) throw new Error(booked.problem);
    const assessor = await createAssessor();
    expect(await scorePracticum(assessor.id, booked.attemptId, await score(3))).toEqual({ ok: false, problem: "notStarted" });
    await startDemonstration(demo.id);
    const ks = await keys();
    const outside = await scorePracticum(assessor.id, booked.attemptId, await score({ [ks[0]!]: 5 }));
    expect(outside).toMatchObject({ ok: false, problem: "levels", fields: { [`level.${ks[0]}`]: "outOfScale" } });
    const noFeedback = await scorePracticum(assessor.id, booked.attemptId, { ...(await score(3)), feedback: {} });
    expect(noFeedback).toMatchObject({ ok: false, problem: "feedback" });
    // Someone without the assessor role finds nothing to score.
    const admin = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    expect(await scorePracticum(admin.id, booked.attemptId, await score(3))).toEqual({ ok: false, problem: "notFound" });
  });

  it("never lets an assessor score their own trainee: themself, a co-lecturer of the class, who screened or decided the application", async () => {
    const coLecturer = await createAssessor();
    const screener = await createAssessor();
    const decider = await createUser({ roles: [{ role: "ASSESSOR" }, { role: "ACADEMY_ADMIN" }] });
    const t = await bookedAndStarted({ reviewerUserIds: [screener.id], decidedById: decider.id }, [coLecturer.id]);
    await prisma.roleGrant.create({ data: { userId: t.user.id, role: "ASSESSOR" } });
    for (const who of [t.user.id, coLecturer.id, screener.id, decider.id]) {
      expect(await scorePracticum(who, t.attemptId, await score(3))).toEqual({ ok: false, problem: "notFound" });
      expect(await attemptForAssessor(who, t.attemptId)).toBeNull();
      expect((await assessorDemonstrations(who)).some((d) => d.id === t.attemptId)).toBe(false);
    }
  });

  it("keeps scores blind until one's own is in, then combines two into a result the trainee is told of", async () => {
    const t = await bookedAndStarted();
    const a = await createAssessor();
    const b = await createAssessor();
    const c = await createAssessor();
    expect(await scorePracticum(a.id, t.attemptId, await score(3))).toMatchObject({ ok: true, status: "BOOKED" });
    expect(await scorePracticum(a.id, t.attemptId, await score(3))).toEqual({ ok: false, problem: "already" });
    const beforeB = await attemptForAssessor(b.id, t.attemptId);
    expect(beforeB!.scores).toEqual([]);
    expect(beforeB!.mayScore).toBe(true);
    // The trainee sees nothing of a score before the result.
    expect((await practicumForTrainee(t.user.id))!.attempts[0]!.feedback).toEqual([]);

    const ks = await keys();
    const decided = await scorePracticum(b.id, t.attemptId, await score({ [ks[0]!]: 4 }));
    expect(decided).toMatchObject({ ok: true, status: "PASSED" });
    if (decided.ok) expect(decided.outbox).toHaveLength(1);
    expect(await scorePracticum(c.id, t.attemptId, await score(3))).toEqual({ ok: false, problem: "state" });
    expect((await attemptForAssessor(b.id, t.attemptId))!.scores).toHaveLength(2);

    const attempt = await prisma.practicumAttempt.findUniqueOrThrow({ where: { id: t.attemptId } });
    // 75, and the first criterion a level higher: the mean of the two weighted totals, rounded down.
    const rubric = (await currentRubric())!;
    const expected = points((exactTotal(rubric, (await score(3)).levels) + exactTotal(rubric, (await score({ [ks[0]!]: 4 })).levels)) / 2);
    expect(expected).toBeGreaterThanOrEqual(rubric.passScore);
    expect(attempt).toMatchObject({ status: "PASSED", combinedScore: expected });
    const mine = await practicumForTrainee(t.user.id);
    expect(mine!.attempts[0]).toMatchObject({ status: "PASSED", combinedScore: expected });
    expect(mine!.attempts[0]!.feedback).toHaveLength(2);
    expect(mine!.attempts[0]!.feedback[0]![ks[0]!]).toContain("관찰한 근거");
    const mail = await prisma.outboxEmail.findUniqueOrThrow({ where: { dedupeKey: `practicum-decided:${t.attemptId}` } });
    expect(mail.toAddress).toBe(t.user.email);
    const rendered = await renderTemplate(mail.template, mail.locale, mail.payload);
    expect(rendered!.subject).toBe("강의 시연 결과: 합격");
    expect(await prisma.auditEvent.count({ where: { entityId: t.attemptId, action: { in: ["practicum.score", "practicum.decide"] } } })).toBe(3);
    expect((await academyPracticums()).passed.some((p) => p.traineeId === t.trainee.id)).toBe(true);
  });

  it("sends scores two levels apart to moderation, which a third assessor settles with a note", async () => {
    const t = await bookedAndStarted();
    const [a, b, third] = [await createAssessor(), await createAssessor(), await createAssessor()];
    const ks = await keys();
    await scorePracticum(a.id, t.attemptId, await score(3));
    expect(await scorePracticum(b.id, t.attemptId, await score({ [ks[1]!]: 1 }))).toMatchObject({ ok: true, status: "MODERATION" });
    expect((await assessorDemonstrations(third.id)).find((d) => d.id === t.attemptId)?.state).toBe("toModerate");
    // A scorer does not settle their own disagreement; a note is required.
    expect(await moderatePracticum(a.id, t.attemptId, { ...(await score(2)), note: "합의한 내용입니다 충분히" })).toEqual({ ok: false, problem: "notFound" });
    expect(await moderatePracticum(third.id, t.attemptId, { levels: (await score(2)).levels, note: "" })).toMatchObject({ ok: false, problem: "note" });
    const settled = await moderatePracticum(third.id, t.attemptId, { levels: (await score(2)).levels, note: "녹화 영상을 함께 보고 2수준으로 합의했습니다." });
    expect(settled).toMatchObject({ ok: true, status: "FAILED" });
    const attempt = await prisma.practicumAttempt.findUniqueOrThrow({ where: { id: t.attemptId } });
    expect(attempt).toMatchObject({ status: "FAILED", combinedScore: 50, moderatedById: third.id });
    // The first failure leaves the trainee at the practicum stage, for the retake.
    expect((await prisma.lecturerTrainee.findUniqueOrThrow({ where: { id: t.trainee.id } })).status).toBe("PRACTICUM");
    const mine = await practicumForTrainee(t.user.id);
    expect(mine).toMatchObject({ refused: "tooSoon" });
    expect(mine!.attempts[0]).toMatchObject({ moderated: true, combinedScore: 50 });
  });

  it("lets an academy administrator moderate, and ends the trainee's path after a second failure", async () => {
    const t = await bookedAndStarted();
    await prisma.practicumAttempt.update({ where: { id: t.attemptId }, data: { attempt: 2 } });
    const [a, b] = [await createAssessor(), await createAssessor()];
    const admin = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    await scorePracticum(a.id, t.attemptId, await score(4));
    await scorePracticum(b.id, t.attemptId, await score(2));
    expect((await academyPracticums()).moderation.some((m) => m.id === t.attemptId)).toBe(true);
    expect(await moderatePracticum(admin.id, t.attemptId, { levels: (await score(2)).levels, note: "두 평가자와 함께 영상을 보고 합의했습니다." })).toMatchObject({ ok: true, status: "FAILED" });
    expect((await prisma.lecturerTrainee.findUniqueOrThrow({ where: { id: t.trainee.id } })).status).toBe("FAILED");
  });
});
