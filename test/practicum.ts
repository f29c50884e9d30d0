import { randomUUID } from "node:crypto";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { createPerson, createUnit, createUser, uid } from "./factories";

const DAY = 86_400_000;

/**
 * The lecturer programme's rows for tests: a citizen with an account, accepted in a round, whose
 * trainee record stands at the status given (PRACTICUM unless said).
 */
export async function createTrainee(opts: { status?: "TRAINING" | "PRACTICUM"; name?: string; reviewerUserIds?: string[]; decidedById?: string } = {}) {
  const unit = await createUnit("CITY", null, "시민");
  const person = await createPerson(unit.id, "CIVIL_SERVANT", opts.name ?? "강사후보");
  const user = await createUser({ personId: person.id });
  const creator = opts.decidedById ?? (await createUser()).id;
  const at = now();
  const round = await prisma.lecturerRound.create({
    data: { titleKo: `모집 ${uid()}`, titleEn: "Round", opensAt: new Date(at.getTime() - 90 * DAY), closesAt: new Date(at.getTime() - 60 * DAY), places: 10, fields: ["GENERAL"], createdById: creator },
  });
  const application = await prisma.lecturerApplication.create({
    data: {
      roundId: round.id,
      personId: person.id,
      background: "지역 인권단체 활동 5년",
      motivation: "시민 인권교육에 참여하고 싶습니다",
      fields: ["GENERAL"],
      consentAt: round.opensAt,
      consentVersion: "2026-1",
      status: "ACCEPTED",
      submittedAt: round.opensAt,
      decidedAt: round.closesAt,
      decidedById: opts.decidedById ?? null,
    },
  });
  for (const reviewer of opts.reviewerUserIds ?? []) {
    await prisma.lecturerApplicationReview.create({ data: { applicationId: application.id, reviewerUserId: reviewer, scores: {}, total: 70, submittedAt: round.closesAt } });
  }
  const trainee = await prisma.lecturerTrainee.create({
    data: { personId: person.id, applicationId: application.id, status: opts.status ?? "PRACTICUM", acceptedAt: round.closesAt },
  });
  return { person, user, trainee, application };
}

/** A demonstration class (topic LECTURER) some days ahead on the product's clock. */
export async function createDemonstration(opts: { daysAhead?: number; lecturerUserIds?: string[] } = {}) {
  const starts = new Date(now().getTime() + (opts.daysAhead ?? 10) * DAY);
  const creator = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
  return prisma.offering.create({
    data: {
      seriesId: randomUUID(),
      titleKo: `강의 시연 ${uid()}`,
      titleEn: "Demonstration lecture",
      topic: "LECTURER",
      format: "IN_PERSON",
      startsAt: starts,
      endsAt: new Date(starts.getTime() + 3_600_000),
      place: "인권교육원 강의실",
      district: "JUNG",
      lecturerUserIds: opts.lecturerUserIds ?? [],
      capacity: 12,
      audience: "PUBLIC",
      registrationClosesAt: new Date(starts.getTime() - DAY),
      cancellationClosesAt: new Date(starts.getTime() - DAY),
      accessibility: [],
      createdById: creator.id,
    },
  });
}

/** The class began an hour ago: scoring opens. */
export async function startDemonstration(offeringId: string) {
  const starts = new Date(now().getTime() - 3_600_000);
  await prisma.offering.update({ where: { id: offeringId }, data: { startsAt: starts, endsAt: new Date(starts.getTime() + 1_800_000) } });
}

export async function createAssessor() {
  return createUser({ roles: [{ role: "ASSESSOR" }] });
}
