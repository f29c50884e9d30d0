import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { renderTemplate } from "~/modules/notifications/templates.server";
import { loader as academyLoader } from "~/routes/academy.lecture-requests.$requestId";
import { action as lecturerAction, loader as lecturerLoader } from "~/routes/lecturer.requests";
import { createPerson, createUnit, createUser, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { storyClock } from "../../../test/clock";
import { createAppointedLecturer, facilityRequest } from "../../../test/lecturers";
import { acceptOffer, declineOffer, lecturerOffersSection } from "./offers.server";
import { closeLectureRequest, createLectureRequest, expireLectureRequests, offerLecture, offerTime, rankLecturers, withdrawOffer } from "./requests.server";
import { action as academyAction } from "~/routes/academy.lecture-requests.$requestId";

async function actorFor(userId: string): Promise<Actor> {
  const session = await getCurrentSession(getRequest("/", await sessionCookieFor(userId)));
  return loadActor(session!);
}

async function newRequest(overrides: Parameters<typeof facilityRequest>[0] = {}, userId: string | null = null) {
  const result = await createLectureRequest(facilityRequest(overrides), { userId, ip: null, locale: "ko" });
  if (!result.ok) throw new Error(JSON.stringify(result));
  return result.id;
}

/** A class a lecturer teaches, scheduled by hand. */
async function classFor(lecturerUserId: string, startsAt: string, endsAt: string, createdById: string) {
  return prisma.offering.create({
    data: {
      seriesId: createdById,
      titleKo: `수업 ${uid()}`,
      titleEn: "A class",
      topic: "GENERAL",
      format: "IN_PERSON",
      startsAt: new Date(`${startsAt}+09:00`),
      endsAt: new Date(`${endsAt}+09:00`),
      place: "인권교육원",
      district: "JUNG",
      capacity: 20,
      audience: "PUBLIC",
      lecturerUserIds: [lecturerUserId],
      registrationClosesAt: new Date(`${startsAt}+09:00`),
      cancellationClosesAt: new Date(`${startsAt}+09:00`),
      createdById,
    },
  });
}

describe("matching a request with a lecturer, offering it and the lecturer's answer", () => {
  storyClock("2026-12-06T10:00:00");
  let academy: Actor;

  beforeAll(async () => {
    academy = await actorFor((await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).id);
  });

  it("ranks appointed lecturers in one statement: free first, then field, district and fewer lectures this year", async () => {
    const best = await createAppointedLecturer({ fields: ["DISABILITY"], districts: ["MAPO"] });
    const busier = await createAppointedLecturer({ fields: ["DISABILITY"], districts: ["MAPO"] });
    const fieldOnly = await createAppointedLecturer({ fields: ["DISABILITY", "LABOUR"], districts: ["JONGNO"] });
    const districtOnly = await createAppointedLecturer({ fields: ["LABOUR"], districts: ["MAPO"] });
    const noProfile = await createAppointedLecturer();
    const teaching = await createAppointedLecturer({ fields: ["DISABILITY"], districts: ["MAPO"] });
    const ended = await createAppointedLecturer({ fields: ["DISABILITY"], districts: ["MAPO"], appointment: "ended" });
    const expired = await createAppointedLecturer({ fields: ["DISABILITY"], districts: ["MAPO"], appointment: "expired" });
    const noRole = await createAppointedLecturer({ fields: ["DISABILITY"], districts: ["MAPO"], role: false });
    // Two classes earlier this year for the busier one; a class at the chosen time for the one teaching then.
    await classFor(busier.user.id, "2026-03-10T10:00:00", "2026-03-10T12:00:00", academy.userId);
    await classFor(busier.user.id, "2026-05-10T10:00:00", "2026-05-10T12:00:00", academy.userId);
    await classFor(teaching.user.id, "2026-12-15T11:00:00", "2026-12-15T13:00:00", academy.userId);

    const id = await newRequest();
    const time = offerTime("2026-12-15T10:00", 120)!;
    const ranked = await rankLecturers(academy, id, time.start, time.end);
    const mine = [best, busier, fieldOnly, districtOnly, noProfile, teaching, ended, expired, noRole].map((l) => l.person.id);
    const order = ranked.filter((r) => mine.includes(r.personId)).map((r) => r.personId);
    expect(order).toEqual([best, busier, fieldOnly, districtOnly, noProfile, teaching].map((l) => l.person.id));
    const row = (l: { person: { id: string } }) => ranked.find((r) => r.personId === l.person.id)!;
    expect(row(best)).toMatchObject({ free: true, fieldMatch: true, districtMatch: true, taught: 0 });
    expect(row(busier)).toMatchObject({ free: true, taught: 2 });
    expect(row(teaching)).toMatchObject({ free: false, fieldMatch: true });
    // Another time of the same request: the one teaching at 11:00 is free at 14:00.
    const later = offerTime("2026-12-15T14:00", 120)!;
    expect((await rankLecturers(academy, id, later.start, later.end)).find((r) => r.personId === teaching.person.id)?.free).toBe(true);
    // Nobody but the academy gets a ranking.
    const lecturerActor = await actorFor(best.user.id);
    expect(await rankLecturers(lecturerActor, id, time.start, time.end)).toEqual([]);
  });

  it("refuses offers out of the window, in the past, to someone not appointed or busy, twice, or on a scheduled request; withdraws one", async () => {
    const lecturer = await createAppointedLecturer({ fields: ["DISABILITY"] });
    const busy = await createAppointedLecturer();
    await classFor(busy.user.id, "2026-12-15T09:00:00", "2026-12-15T11:00:00", academy.userId);
    const notAppointed = await createAppointedLecturer({ appointment: "ended" });
    const id = await newRequest();
    const offer = (start: string, personId = lecturer.person.id) => offerLecture(academy, id, { start, lecturerPersonId: personId });
    expect(await offer("2026-12-13T10:00")).toEqual({ ok: false, problem: "outsideWindow" });
    expect(await offer("2026-12-18T17:00")).toEqual({ ok: false, problem: "outsideWindow" });
    expect(await offer("2026-12-02T10:00")).toEqual({ ok: false, problem: "past" });
    expect(await offer("2026-12-15 10:00")).toEqual({ ok: false, problem: "start" });
    expect(await offer("2026-12-15T10:00", notAppointed.person.id)).toEqual({ ok: false, problem: "notLecturer" });
    expect(await offer("2026-12-15T10:00", busy.person.id)).toEqual({ ok: false, problem: "busy" });
    const lecturerActor = await actorFor(lecturer.user.id);
    expect(await offerLecture(lecturerActor, id, { start: "2026-12-15T10:00", lecturerPersonId: lecturer.person.id })).toEqual({ ok: false, problem: "notFound" });

    const made = await offer("2026-12-16T16:00");
    expect(made.ok).toBe(true);
    expect(await offer("2026-12-16T16:00")).toEqual({ ok: false, problem: "alreadyOffered" });
    expect((await prisma.lectureRequest.findUniqueOrThrow({ where: { id } })).status).toBe("OFFERED");
    const offerId = (made as { offerId: string }).offerId;
    const row = await prisma.lectureOffer.findUniqueOrThrow({ where: { id: offerId } });
    expect(row.endsAt.toISOString()).toBe("2026-12-16T09:00:00.000Z");
    const mail = await prisma.outboxEmail.findFirstOrThrow({ where: { template: "lecture-request", payload: { equals: { offerId, kind: "offered" } } } });
    expect(mail.toAddress).toBe(lecturer.user.email);
    expect((await renderTemplate(mail.template, mail.locale, mail.payload))?.subject).toContain("강의 요청");

    // The lecturer sees it; another lecturer does not.
    expect((await lecturerOffersSection(lecturerActor)).open.map((o) => o.id)).toContain(offerId);
    expect((await lecturerOffersSection(await actorFor(busy.user.id))).open.map((o) => o.id)).not.toContain(offerId);

    expect(await withdrawOffer(academy, id, offerId)).toMatchObject({ ok: true });
    expect(await withdrawOffer(academy, id, offerId)).toEqual({ ok: false, problem: "notOffered" });
    expect((await prisma.lectureRequest.findUniqueOrThrow({ where: { id } })).status).toBe("RECEIVED");
    expect(await acceptOffer(lecturerActor, offerId)).toEqual({ ok: false, problem: "closed" });
    expect(await prisma.auditEvent.count({ where: { entityId: id, action: { in: ["lecture_request.offer", "lecture_request.withdraw_offer"] } } })).toBe(2);
    // Offered again after the withdrawal: the same row, awaiting an answer again.
    expect(await offer("2026-12-17T10:00")).toMatchObject({ ok: true, offerId });
  });

  it("the academy closes a request with a reason: the requester is told, awaiting offers withdrawn; refused without a reason or once scheduled", async () => {
    const lecturer = await createAppointedLecturer();
    const id = await newRequest({ organizationName: `닫는 복지관 ${uid()}` });
    const offered = await offerLecture(academy, id, { start: "2026-12-15T10:00", lecturerPersonId: lecturer.person.id });
    if (!offered.ok) throw new Error(offered.problem);
    expect(await closeLectureRequest(academy, id, "짧음")).toEqual({ ok: false, problem: "reason" });
    expect(await closeLectureRequest(await actorFor(lecturer.user.id), id, "강사를 구할 수 없습니다")).toEqual({ ok: false, problem: "notFound" });

    // Through the page: a POST with the reason.
    const cookie = await sessionCookieFor(academy.userId);
    const res = await respond(() => academyAction({ request: postForm(`/academy/lecture-requests/${id}`, { intent: "close", reason: "그 주에는 수어 통역이 가능한 강사가 없습니다" }, cookie), params: { requestId: id }, context: {} }));
    expect(res.status).toBe(302);
    const row = await prisma.lectureRequest.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ status: "CANCELLED", closeReason: "그 주에는 수어 통역이 가능한 강사가 없습니다" });
    expect(row.closedAt).not.toBeNull();
    expect((await prisma.lectureOffer.findUniqueOrThrow({ where: { id: offered.offerId } })).status).toBe("WITHDRAWN");
    const toRequester = await prisma.outboxEmail.findUniqueOrThrow({ where: { dedupeKey: `lecture-request-closed:${id}` } });
    expect(toRequester.toAddress).toBe(row.contactEmail);
    const mail = await renderTemplate(toRequester.template, toRequester.locale, toRequester.payload);
    expect(mail?.subject).toBe("강의 신청을 마감했습니다");
    expect(mail?.text).toContain("그 주에는 수어 통역이 가능한 강사가 없습니다");
    const toLecturer = await prisma.outboxEmail.findFirstOrThrow({ where: { template: "lecture-request", payload: { equals: { offerId: offered.offerId, kind: "withdrawn" } } } });
    expect(toLecturer.toAddress).toBe(lecturer.user.email);
    expect(await prisma.auditEvent.count({ where: { action: "lecture_request.close", entityId: id, actorUserId: academy.userId } })).toBe(1);
    // Closed once: again is refused, and the page shows when and why.
    expect(await closeLectureRequest(academy, id, "다시 마감합니다")).toEqual({ ok: false, problem: "closed" });
    const page = (await (await respond(() => academyLoader({ request: getRequest(`/academy/lecture-requests/${id}`, cookie), params: { requestId: id }, context: {} }))).json()) as { open: boolean };
    expect(page.open).toBe(false);
  });

  it("the worker closes requests whose dates passed without a lecturer, once, and tells the requester in their words", async () => {
    const lecturer = await createAppointedLecturer();
    const past = await newRequest({ organizationName: `지난 신청 ${uid()}` });
    const offered = await offerLecture(academy, past, { start: "2026-12-15T10:00", lecturerPersonId: lecturer.person.id });
    if (!offered.ok) throw new Error(offered.problem);
    const later = await newRequest({ organizationName: `다음 달 신청 ${uid()}`, from: "2027-01-11T09:00", to: "2027-01-15T18:00" });
    // The first window (14 to 18 December) has ended; the second has not.
    const at = new Date("2026-12-19T00:00:00+09:00");
    const first = await expireLectureRequests(at, [past, later]);
    expect(first.closed).toBe(1);
    expect(first.mail).toHaveLength(2);
    expect(await prisma.lectureRequest.findUniqueOrThrow({ where: { id: past } })).toMatchObject({ status: "CANCELLED", closeReason: "expired" });
    expect((await prisma.lectureRequest.findUniqueOrThrow({ where: { id: later } })).status).toBe("RECEIVED");
    expect((await prisma.lectureOffer.findUniqueOrThrow({ where: { id: offered.offerId } })).status).toBe("WITHDRAWN");
    const toRequester = await prisma.outboxEmail.findUniqueOrThrow({ where: { dedupeKey: `lecture-request-closed:${past}` } });
    expect((await renderTemplate(toRequester.template, toRequester.locale, toRequester.payload))?.text).toContain("희망 일정 안에 강의를 맡을 강사를 찾지 못해");
    expect(await prisma.auditEvent.count({ where: { action: "lecture_request.close", entityId: past, actorUserId: null, reason: "expired" } })).toBe(1);
    // The next tick finds nothing more to close or to send.
    expect(await expireLectureRequests(at, [past, later])).toEqual({ closed: 0, mail: [] });
  });

  it("accepting schedules the class once, for the duty the topic fits, and withdraws the other offers", async () => {
    const lecturer = await createAppointedLecturer({ fields: ["DISABILITY"] });
    const other = await createAppointedLecturer();
    const id = await newRequest({ audienceSize: "35" });
    const mine = await offerLecture(academy, id, { start: "2026-12-15T14:00", lecturerPersonId: lecturer.person.id });
    const theirs = await offerLecture(academy, id, { start: "2026-12-16T14:00", lecturerPersonId: other.person.id });
    expect(mine.ok && theirs.ok).toBe(true);
    const offerId = (mine as { offerId: string }).offerId;
    const lecturerActor = await actorFor(lecturer.user.id);
    // Someone else's offer is not theirs to answer.
    expect(await acceptOffer(await actorFor(other.user.id), offerId)).toEqual({ ok: false, problem: "notFound" });

    const accepted = await acceptOffer(lecturerActor, offerId);
    expect(accepted.ok).toBe(true);
    const offeringId = (accepted as { offeringId: string }).offeringId;
    const o = await prisma.offering.findUniqueOrThrow({ where: { id: offeringId }, include: { obligation: true } });
    expect(o).toMatchObject({ format: "IN_PERSON", capacity: 35, audience: "PUBLIC", district: "MAPO", place: "서울 마포구 월드컵로 1", lecturerUserIds: [lecturer.user.id], accessibility: ["SIGN_LANGUAGE"], topic: "DISABILITY", status: "SCHEDULED" });
    expect(o.startsAt.toISOString()).toBe("2026-12-15T05:00:00.000Z");
    expect(o.endsAt.toISOString()).toBe("2026-12-15T07:00:00.000Z");
    expect(o.obligation?.code).toBe("disability-rights");
    const request = await prisma.lectureRequest.findUniqueOrThrow({ where: { id }, include: { offers: true } });
    expect(request.status).toBe("SCHEDULED");
    expect(request.offeringId).toBe(offeringId);
    expect(Object.fromEntries(request.offers.map((f) => [f.lecturerPersonId, f.status]))).toEqual({ [lecturer.person.id]: "ACCEPTED", [other.person.id]: "WITHDRAWN" });
    // The requester, the administrator who offered it and the lecturer whose offer was withdrawn are told.
    const mails = await prisma.outboxEmail.findMany({ where: { id: { in: (accepted as { mail: string[] }).mail } } });
    expect(mails.map((m) => m.toAddress).sort()).toEqual([request.contactEmail, academy.user.email, other.user.email].sort());
    for (const m of mails) expect(await renderTemplate(m.template, m.locale, m.payload)).not.toBeNull();

    // Once: accepting again, or the withdrawn lecturer accepting, changes nothing.
    expect(await acceptOffer(lecturerActor, offerId)).toEqual({ ok: false, problem: "closed" });
    expect(await acceptOffer(await actorFor(other.user.id), (theirs as { offerId: string }).offerId)).toEqual({ ok: false, problem: "closed" });
    expect(await prisma.offering.count({ where: { lectureRequest: { id } } })).toBe(1);
    expect(await offerLecture(academy, id, { start: "2026-12-17T10:00", lecturerPersonId: other.person.id })).toEqual({ ok: false, problem: "closed" });
    expect(await prisma.auditEvent.count({ where: { action: "lecture_offer.accept", entityId: id } })).toBe(1);
  });

  it("two lecturers accepting offers of one request at once make one class", async () => {
    for (let round = 0; round < 3; round++) {
      const lecturers = [await createAppointedLecturer(), await createAppointedLecturer()];
      const id = await newRequest();
      const offers = [];
      for (const l of lecturers) offers.push(((await offerLecture(academy, id, { start: "2026-12-14T13:00", lecturerPersonId: l.person.id })) as { offerId: string }).offerId);
      const actors = await Promise.all(lecturers.map((l) => actorFor(l.user.id)));
      const results = await Promise.all(offers.map((offerId, i) => acceptOffer(actors[i]!, offerId)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.find((r) => !r.ok)).toEqual({ ok: false, problem: "closed" });
      expect(await prisma.offering.count({ where: { lectureRequest: { id } } })).toBe(1);
      expect(await prisma.lectureOffer.count({ where: { requestId: id, status: "ACCEPTED" } })).toBe(1);
    }
  });

  it("a city unit's request becomes a class for its staff counting toward the annual duty", async () => {
    const unit = await createUnit("DIVISION", null, "신청과");
    const employee = await createPerson(unit.id);
    const user = await createUser({ personId: employee.id });
    const id = await newRequest({ organizationKind: "PUBLIC_BODY", topic: "GENERAL", field: "GENERAL" }, user.id);
    expect((await prisma.lectureRequest.findUniqueOrThrow({ where: { id } })).orgUnitId).toBe(unit.id);
    const lecturer = await createAppointedLecturer();
    const made = await offerLecture(academy, id, { start: "2026-12-14T09:00", lecturerPersonId: lecturer.person.id });
    const accepted = await acceptOffer(await actorFor(lecturer.user.id), (made as { offerId: string }).offerId);
    const o = await prisma.offering.findUniqueOrThrow({ where: { id: (accepted as { offeringId: string }).offeringId }, include: { obligation: true } });
    expect(o).toMatchObject({ audience: "UNITS", audienceUnitIds: [unit.id], orgUnitId: unit.id });
    expect(o.obligation?.code).toBe("annual-human-rights");
  });

  it("refuses a second lecture at the same time, also when two accepts race", async () => {
    const lecturer = await createAppointedLecturer();
    const actor = await actorFor(lecturer.user.id);
    const first = await newRequest();
    const second = await newRequest();
    const a = await offerLecture(academy, first, { start: "2026-12-15T10:00", lecturerPersonId: lecturer.person.id });
    const b = await offerLecture(academy, second, { start: "2026-12-15T11:00", lecturerPersonId: lecturer.person.id });
    expect(await acceptOffer(actor, (a as { offerId: string }).offerId)).toMatchObject({ ok: true });
    expect(await acceptOffer(actor, (b as { offerId: string }).offerId)).toEqual({ ok: false, problem: "overlap" });
    // A class they teach counts too: the academy scheduled one at the time of a third offer after offering it.
    const third = await newRequest();
    const c = await offerLecture(academy, third, { start: "2026-12-17T10:00", lecturerPersonId: lecturer.person.id });
    await classFor(lecturer.user.id, "2026-12-17T11:00:00", "2026-12-17T12:00:00", academy.userId);
    expect(await acceptOffer(actor, (c as { offerId: string }).offerId)).toEqual({ ok: false, problem: "overlap" });

    // Two accepts at once, of two overlapping offers: exactly one wins.
    for (let round = 0; round < 3; round++) {
      const racer = await createAppointedLecturer();
      const racerActor = await actorFor(racer.user.id);
      const offers = [];
      for (const start of ["2026-12-16T10:00", "2026-12-16T11:00", "2026-12-16T11:30"]) {
        const made = await offerLecture(academy, await newRequest(), { start, lecturerPersonId: racer.person.id });
        offers.push((made as { offerId: string }).offerId);
      }
      const results = await Promise.all(offers.map((id) => acceptOffer(racerActor, id)));
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).map((r) => (r as { problem: string }).problem)).toEqual(["overlap", "overlap"]);
      expect(await prisma.offering.count({ where: { lecturerUserIds: { has: racer.user.id } } })).toBe(1);
    }
  });

  it("declines with a reason, the academy told; pages check the role and the lecturer's own rows", async () => {
    const lecturer = await createAppointedLecturer();
    const id = await newRequest();
    const made = await offerLecture(academy, id, { start: "2026-12-15T10:00", lecturerPersonId: lecturer.person.id });
    const offerId = (made as { offerId: string }).offerId;
    const actor = await actorFor(lecturer.user.id);
    expect(await declineOffer(actor, offerId, "no")).toEqual({ ok: false, problem: "reason" });
    const cookie = await sessionCookieFor(lecturer.user.id);
    const refused = await respond(() => lecturerAction({ request: postForm("/lecturer/requests", { intent: "decline", offerId, [`reason-${offerId}`]: "x" }, cookie), params: {}, context: {} }));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { formError: string }).formError).toBe("거절 사유를 5자 이상 적어 주세요.");
    const declined = await respond(() => lecturerAction({ request: postForm("/lecturer/requests", { intent: "decline", offerId, [`reason-${offerId}`]: "그 주에는 해외 일정이 있습니다." }, cookie), params: {}, context: {} }));
    expect(declined.status).toBe(302);
    const row = await prisma.lectureOffer.findUniqueOrThrow({ where: { id: offerId } });
    expect(row).toMatchObject({ status: "DECLINED", declineReason: "그 주에는 해외 일정이 있습니다." });
    expect((await prisma.lectureRequest.findUniqueOrThrow({ where: { id } })).status).toBe("RECEIVED");
    const mail = await prisma.outboxEmail.findFirstOrThrow({ where: { payload: { equals: { offerId, kind: "declined" } } } });
    expect(mail.toAddress).toBe(academy.user.email);
    expect((await renderTemplate(mail.template, mail.locale, mail.payload))?.text).toContain("해외 일정");

    // The lecturer's page lists their answered offer; others' pages are closed to them.
    const page = (await (await respond(() => lecturerLoader({ request: getRequest("/lecturer/requests", cookie), params: {}, context: {} }))).json()) as { offers: { answered: Array<{ id: string }> } };
    expect(page.offers.answered.map((o) => o.id)).toContain(offerId);
    const learner = await sessionCookieFor((await createUser()).id);
    expect((await respond(() => lecturerLoader({ request: getRequest("/lecturer/requests", learner), params: {}, context: {} }))).status).toBe(403);
    expect((await respond(() => academyLoader({ request: getRequest(`/academy/lecture-requests/${id}`, cookie), params: { requestId: id }, context: {} }))).status).toBe(403);
    const academyPage = await respond(() => academyLoader({ request: getRequest(`/academy/lecture-requests/${id}?start=2026-12-15T10:00`, undefined), params: { requestId: id }, context: {} }));
    expect(academyPage.status).not.toBe(200);
  });
});
