import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { seoulDateKey } from "~/utils/i18n";
import { action as applyAction } from "~/routes/lecturers.rounds.$roundId.apply";
import { loader as roundsLoader } from "~/routes/academy.lecturers._index";
import { loader as roundLoader } from "~/routes/academy.lecturers.rounds.$roundId";
import { createUser, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { openRound } from "../../../test/lecturers";
import { LECTURER_CONSENT_VERSION, SCREENING_DIVERGENCE_POINTS } from "./codes";
import { applyApplicationRetention, applyToRound, createRound, listOpenRounds, listRoundsForAcademy, roundApplications } from "./recruitment.server";
import { applicationForReviewer, checkScores, decideApplication, isDivergent, screeningCriteria, submitReview } from "./screening.server";

const BACKGROUND = "2015년부터 지역 장애인 인권 단체에서 상담과 권익 옹호 활동을 하고, 주민 인권 교육을 열두 차례 진행했습니다.";
const MOTIVATION = "현장에서 만난 차별 사례를 바탕으로 공무원과 시민이 인권을 자기 일로 느끼도록 돕는 강의를 하고 싶습니다.";

async function citizen(name = "최시민") {
  const person = await prisma.person.create({ data: { name, email: `c-${uid()}@test.example`, staffCategory: "CITIZEN" } });
  const user = await createUser({ personId: person.id });
  return { person, user };
}

async function admins(n: number) {
  return Promise.all(Array.from({ length: n }, () => createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })));
}

const apply = (personId: string, userId: string, roundId: string, over: Record<string, unknown> = {}) =>
  applyToRound(personId, userId, roundId, { background: BACKGROUND, motivation: MOTIVATION, fields: ["GENERAL"], consent: "yes", ...over });

/** Scores adding up to the total given, within each criterion's scale. */
function scoresFor(total: number): Record<string, string> {
  let left = total;
  return Object.fromEntries(screeningCriteria().criteria.map((c) => {
    const s = Math.min(c.maxScore, left);
    left -= s;
    return [c.key, String(s)];
  }));
}

describe("lecturer recruitment rounds", () => {
  it("opens a round from the form, refusing dates in the wrong order and a round with no field", async () => {
    const [admin] = await admins(1);
    const today = seoulDateKey(now());
    const base = { titleKo: "2027년 시민 인권강사 모집", titleEn: "Citizen lecturers 2027", descriptionKo: "", descriptionEn: "", opensOn: today, closesOn: today, places: "12", fields: ["LABOUR", "GENERAL"], retentionMonths: "36" };
    expect(await createRound(admin!.id, { ...base, closesOn: "2000-01-01" })).toEqual({ ok: false, errors: { closesOn: "beforeOpens" } });
    expect(await createRound(admin!.id, { ...base, fields: [] })).toMatchObject({ ok: false, errors: { fields: "required" } });
    expect(await createRound(admin!.id, { ...base, fields: ["ASTROLOGY"] })).toMatchObject({ ok: false });
    expect(await createRound(admin!.id, { ...base, retentionMonths: "0" })).toMatchObject({ ok: false, errors: { retentionMonths: "invalid" } });
    const made = await createRound(admin!.id, base);
    expect(made.ok).toBe(true);
    const id = (made as { id: string }).id;
    const round = await prisma.lecturerRound.findUniqueOrThrow({ where: { id } });
    expect(round.fields).toEqual(["GENERAL", "LABOUR"]);
    expect(round.closesAt.getTime() - round.opensAt.getTime()).toBe(86_400_000 - 1);
    expect(await prisma.auditEvent.count({ where: { action: "lecturer.round.create", entityId: id } })).toBe(1);
    expect((await listOpenRounds(null)).map((r) => r.id)).toContain(id);
  });

  it("lets only academy administrators see the rounds and a round's applications", async () => {
    const { user } = await citizen();
    const [admin] = await admins(1);
    const round = await openRound(admin!.id);
    const [citizenCookie, adminCookie] = [await sessionCookieFor(user.id), await sessionCookieFor(admin!.id)];
    for (const [path, loader] of [["/academy/lecturers", roundsLoader], [`/academy/lecturers/rounds/${round.id}`, roundLoader]] as const) {
      const refused = await respond(() => loader({ request: getRequest(path, citizenCookie), params: { roundId: round.id }, context: {} }));
      expect(refused.status).toBe(403);
      const shown = await respond(() => loader({ request: getRequest(path, adminCookie), params: { roundId: round.id }, context: {} }));
      expect(shown.status).toBe(200);
    }
  });
});

describe("applying to a round", () => {
  it("records one application with the consent's version and the round's retention", async () => {
    const [admin] = await admins(1);
    const round = await openRound(admin!.id, ["GENERAL", "DISABILITY"], 18);
    const { person, user } = await citizen();
    const result = await apply(person.id, user.id, round.id, { fields: ["DISABILITY", "GENERAL"] });
    expect(result.ok).toBe(true);
    const a = await prisma.lecturerApplication.findFirstOrThrow({ where: { roundId: round.id, personId: person.id } });
    expect(a).toMatchObject({ status: "SUBMITTED", fields: ["GENERAL", "DISABILITY"], consentVersion: `${LECTURER_CONSENT_VERSION}+18m` });
    expect((await listOpenRounds(person.id)).find((r) => r.id === round.id)).toMatchObject({ myApplicationId: a.id, myStatus: "SUBMITTED" });
  });

  it("refuses a second application, even two at once, and leaves nothing half-saved", async () => {
    const [admin] = await admins(1);
    const round = await openRound(admin!.id);
    const { person, user } = await citizen();
    const both = await Promise.all([apply(person.id, user.id, round.id), apply(person.id, user.id, round.id)]);
    expect(both.filter((r) => r.ok)).toHaveLength(1);
    expect(both.find((r) => !r.ok)).toEqual({ ok: false, problem: "alreadyApplied" });
    expect(await apply(person.id, user.id, round.id)).toEqual({ ok: false, problem: "alreadyApplied" });
    expect(await prisma.lecturerApplication.count({ where: { roundId: round.id } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { action: "lecturer.application.submit", actorUserId: user.id } })).toBe(1);
  });

  it("refuses outside the round's dates, without consent, without a field or with one the round does not recruit", async () => {
    const [admin] = await admins(1);
    const round = await openRound(admin!.id, ["GENERAL"]);
    const { person, user } = await citizen();
    expect(await apply(person.id, user.id, round.id, { consent: undefined })).toEqual({ ok: false, problem: "noConsent" });
    expect(await apply(person.id, user.id, round.id, { consent: "no" })).toEqual({ ok: false, problem: "noConsent" });
    expect(await apply(person.id, user.id, round.id, { fields: [] })).toEqual({ ok: false, problem: "noFields" });
    expect(await apply(person.id, user.id, round.id, { fields: ["GENERAL", "LABOUR"] })).toEqual({ ok: false, problem: "fieldsNotInRound" });
    expect(await apply(person.id, user.id, round.id, { background: "짧음" })).toEqual({ ok: false, problem: "background" });
    const at = now().getTime();
    const later = await prisma.lecturerRound.update({ where: { id: (await openRound(admin!.id)).id }, data: { opensAt: new Date(at + 86_400_000) } });
    const past = await prisma.lecturerRound.update({ where: { id: (await openRound(admin!.id)).id }, data: { opensAt: new Date(at - 9 * 86_400_000), closesAt: new Date(at - 86_400_000) } });
    expect(await apply(person.id, user.id, later.id)).toEqual({ ok: false, problem: "notOpenYet" });
    expect(await apply(person.id, user.id, past.id)).toEqual({ ok: false, problem: "closed" });
    expect(await apply(person.id, user.id, "not-a-round")).toEqual({ ok: false, problem: "unknownRound" });
    expect(await prisma.lecturerApplication.count({ where: { personId: person.id } })).toBe(0);

    // Signed out: sent to sign in, nothing written.
    const anonymous = await respond(() =>
      applyAction({ request: postForm(`/lecturers/rounds/${round.id}/apply`, [["background", BACKGROUND], ["motivation", MOTIVATION], ["fields", "GENERAL"], ["consent", "yes"]]), params: { roundId: round.id }, context: {} }),
    );
    expect(anonymous.status).toBe(302);
    expect(await prisma.lecturerApplication.count({ where: { roundId: round.id } })).toBe(0);
  });

  it("says why in the applicant's language", async () => {
    const [admin] = await admins(1);
    const round = await openRound(admin!.id, ["GENERAL"]);
    const { user } = await citizen();
    await prisma.user.update({ where: { id: user.id }, data: { locale: "en" } });
    const cookie = await sessionCookieFor(user.id);
    const res = await respond(() =>
      applyAction({ request: postForm(`/lecturers/rounds/${round.id}/apply`, [["background", BACKGROUND], ["motivation", MOTIVATION], ["fields", "GENERAL"]], cookie), params: { roundId: round.id }, context: {} }),
    );
    expect(res.status).toBe(400);
    expect((await res.json()).formError).toBe("You need to consent to the use of your personal data to apply.");
  });
});

describe("screening", () => {
  it("keeps each score within its criterion's scale", () => {
    const criteria = screeningCriteria();
    const first = criteria.criteria[0]!;
    expect(checkScores(scoresFor(100))).toMatchObject({ ok: true, total: 100 });
    expect(checkScores({ ...scoresFor(50), [first.key]: String(first.maxScore + 1) })).toEqual({ ok: false, problem: "outOfScale", keys: [first.key] });
    expect(checkScores({ ...scoresFor(50), [first.key]: "-1" })).toMatchObject({ ok: false, problem: "outOfScale" });
    expect(checkScores({ ...scoresFor(50), [first.key]: "2.5" })).toMatchObject({ ok: false, problem: "outOfScale" });
    expect(checkScores({ ...scoresFor(50), [first.key]: "" })).toEqual({ ok: false, problem: "missing", keys: [first.key] });
    expect(checkScores({ ...scoresFor(50), charm: "5" })).toEqual({ ok: false, problem: "unknownCriterion", keys: ["charm"] });
  });

  it("hides the other reviews until one's own is in, and flags totals more than the limit apart", async () => {
    const [a1, a2, a3] = await admins(3);
    const round = await openRound(a1!.id);
    const { person, user } = await citizen();
    const applied = await apply(person.id, user.id, round.id);
    const id = (applied as { id: string }).id;

    expect(await submitReview(id, a1!.id, { ...scoresFor(90), [screeningCriteria().criteria[0]!.key]: "999" }, "")).toMatchObject({ ok: false, problem: "outOfScale" });
    expect(await submitReview(id, a1!.id, scoresFor(90), "활동 경험이 풍부함")).toEqual({ ok: true });
    expect(await submitReview(id, a1!.id, scoresFor(80), "")).toEqual({ ok: false, problem: "alreadyReviewed" });

    const before = (await applicationForReviewer(id, a2!.id))!;
    expect(before.reviewCount).toBe(1);
    expect(before.otherReviews).toEqual([]);
    expect(before.myReview).toBeNull();
    expect((await roundApplications(round.id, a2!.id))[0]).toMatchObject({ reviews: 1, minTotal: null, maxTotal: null, reviewedByMe: false });

    const low = 90 - SCREENING_DIVERGENCE_POINTS - 1;
    expect(await submitReview(id, a2!.id, scoresFor(low), "")).toEqual({ ok: true });
    const after = (await applicationForReviewer(id, a2!.id))!;
    expect(after.otherReviews.map((r) => r.total)).toEqual([90]);
    expect(after.divergent).toBe(true);
    expect((await roundApplications(round.id, a2!.id))[0]).toMatchObject({ reviews: 2, minTotal: low, maxTotal: 90, divergent: true });
    // Someone who has not scored sees the flag, not the scores.
    expect((await roundApplications(round.id, a3!.id))[0]).toMatchObject({ divergent: true, minTotal: null });
    expect((await listRoundsForAcademy()).find((r) => r.id === round.id)).toMatchObject({ applications: 1, submitted: 1, divergent: 1 });

    expect(isDivergent([90, 90 - SCREENING_DIVERGENCE_POINTS])).toBe(false);
    expect(isDivergent([90])).toBe(false);
  });

  it("decides with a reason, accepting only after two reviews, audited, mailed and once", async () => {
    const [a1, a2] = await admins(2);
    const round = await openRound(a1!.id);
    const { person, user } = await citizen();
    const id = ((await apply(person.id, user.id, round.id)) as { id: string }).id;

    expect(await decideApplication(id, a1!.id, "accept", "")).toEqual({ ok: false, problem: "reason" });
    expect(await decideApplication(id, a1!.id, "maybe", "충분한 이유")).toEqual({ ok: false, problem: "decision" });
    await submitReview(id, a1!.id, scoresFor(80), "");
    expect(await decideApplication(id, a1!.id, "accept", "기준을 충족함")).toEqual({ ok: false, problem: "twoReviews" });
    await submitReview(id, a2!.id, scoresFor(75), "");
    const accepted = await decideApplication(id, a1!.id, "accept", "두 심사 모두 기준을 충족함");
    expect(accepted.ok).toBe(true);

    const a = await prisma.lecturerApplication.findUniqueOrThrow({ where: { id }, include: { trainee: true } });
    expect(a).toMatchObject({ status: "ACCEPTED", decidedById: a1!.id, decisionReason: "두 심사 모두 기준을 충족함" });
    expect(a.trainee).toMatchObject({ personId: person.id, status: "TRAINING" });
    expect(await prisma.auditEvent.count({ where: { action: "lecturer.application.accept", entityId: id, reason: "두 심사 모두 기준을 충족함" } })).toBe(1);
    const mail = await prisma.outboxEmail.findUniqueOrThrow({ where: { dedupeKey: `lecturer-decision:${id}` } });
    expect(mail).toMatchObject({ toAddress: person.email, template: "lecturer-decision" });

    expect(await decideApplication(id, a2!.id, "reject", "다시 결정함")).toEqual({ ok: false, problem: "decided" });
    expect(await submitReview(id, (await admins(1))[0]!.id, scoresFor(10), "")).toEqual({ ok: false, problem: "decided" });

    // A rejection needs no review, only a reason.
    const other = await citizen("박지원");
    const id2 = ((await apply(other.person.id, other.user.id, round.id)) as { id: string }).id;
    expect((await decideApplication(id2, a2!.id, "reject", "모집 분야의 활동 경험이 부족함")).ok).toBe(true);
    expect(await prisma.lecturerTrainee.count({ where: { applicationId: id2 } })).toBe(0);
  });

  it("renders the decision mail in the applicant's language with the reason", async () => {
    const { renderTemplate } = await import("~/modules/notifications/templates.server");
    const [a1, a2] = await admins(2);
    const round = await openRound(a1!.id);
    const { person, user } = await citizen();
    const id = ((await apply(person.id, user.id, round.id)) as { id: string }).id;
    await decideApplication(id, a2!.id, "reject", "활동 기간이 짧음");
    const mail = await renderTemplate("lecturer-decision", "en", { applicationId: id });
    expect(mail?.subject).toContain(round.titleEn);
    expect(mail?.text).toContain("Reason: 활동 기간이 짧음");
    expect(mail?.text).toContain("/lecturer");
  });
});

describe("retention", () => {
  it("erases an application's answers once its round has been closed for its retention months, and only then", async () => {
    const [admin] = await admins(1);
    const round = await openRound(admin!.id, ["GENERAL"], 6);
    const { person, user } = await citizen();
    const id = ((await apply(person.id, user.id, round.id)) as { id: string }).id;
    // The round is moved to long ago, so that the runs below reach no other test's applications.
    const closes = new Date("2001-03-31T14:59:59.999Z").getTime();
    await prisma.lecturerRound.update({ where: { id: round.id }, data: { opensAt: new Date("2001-03-01T00:00:00Z"), closesAt: new Date(closes) } });
    await applyApplicationRetention(new Date(closes + 5 * 30 * 86_400_000));
    expect(await prisma.lecturerApplication.findUniqueOrThrow({ where: { id } })).toMatchObject({ background: BACKGROUND, erasedAt: null });
    const later = new Date(closes + 7 * 31 * 86_400_000);
    expect(await applyApplicationRetention(later)).toBeGreaterThanOrEqual(1);
    expect(await prisma.lecturerApplication.findUniqueOrThrow({ where: { id } })).toMatchObject({ background: "", motivation: "", erasedAt: later, status: "SUBMITTED" });
  });
});
