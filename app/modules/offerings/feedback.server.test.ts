import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { createPerson, createUser, createWorld, openTestCycle, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { at } from "../../../test/clock";
import { loader as feedbackLoader, action as feedbackAction } from "~/routes/catalog_.offerings.$offeringId_.feedback";
import { feedbackResults, submitFeedback } from "./feedback.server";
import { renderOfferingMail } from "./mail.server";
import { register } from "./registration.server";
import { closeRoll, getRoll, markRoll } from "./roll.server";

async function actorFor(userId: string): Promise<Actor> {
  const session = await getCurrentSession(getRequest("/", await sessionCookieFor(userId)));
  return loadActor(session!);
}

describe("the survey after a class", () => {
  it("goes once to those who attended, through the outbox, is answered once, and shows per class without names", async () => {
    at("2026-11-10T09:00:00");
    const world = await createWorld();
    await openTestCycle(world.obligation.id, undefined, 2026);
    const academy = await actorFor((await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).id);
    const o = await prisma.offering.create({
      data: {
        seriesId: academy.userId,
        obligationId: world.obligation.id,
        titleKo: `설문 수업 ${uid()}`,
        titleEn: "A class with a survey",
        topic: "GENERAL",
        format: "IN_PERSON",
        startsAt: new Date("2026-11-12T14:00:00+09:00"),
        endsAt: new Date("2026-11-12T16:00:00+09:00"),
        place: "인권교육원",
        district: "JUNG",
        capacity: 5,
        audience: "PUBLIC",
        lecturerUserIds: [],
        lecturerNames: "외부 강사",
        registrationClosesAt: new Date("2026-11-11T18:00:00+09:00"),
        cancellationClosesAt: new Date("2026-11-11T18:00:00+09:00"),
        orgUnitId: world.city.id,
        createdById: academy.userId,
      },
    });
    const came = await createPerson(world.division.id, "CIVIL_SERVANT", "참석");
    const other = await createPerson(world.division.id, "CIVIL_SERVANT", "불참");
    for (const p of [came, other]) await register(p.id, o.id, p.id);
    const cameUser = await createUser({ personId: came.id });
    const otherUser = await createUser({ personId: other.id });

    at("2026-11-12T15:00:00");
    const seats = await getRoll(o.id);
    await markRoll(academy, o.id, seats.map((s) => ({ registrationId: s.id, state: s.personId === came.id ? ("PRESENT" as const) : ("ABSENT" as const), minutes: null })));
    // Before the roll is closed, nobody has a survey.
    expect(await submitFeedback(cameUser.id, came.id, o.id, { satisfaction: 5, usefulness: 5, accessibility: 5 })).toBe("notParticipant");

    at("2026-11-12T16:30:00");
    const closed = await closeRoll(academy, o.id, true);
    expect(closed.ok && closed.mail).toHaveLength(1);
    const seat = seats.find((s) => s.personId === came.id)!;
    const outbox = await prisma.outboxEmail.findMany({ where: { dedupeKey: `offering-feedback:${seat.id}` } });
    expect(outbox).toHaveLength(1);
    const mail = await renderOfferingMail("en", outbox[0]!.payload);
    expect(mail?.subject).toContain("[Survey]");
    // Closing again writes no second invitation.
    expect(await closeRoll(academy, o.id, true)).toMatchObject({ ok: true, mail: [] });
    expect(await prisma.outboxEmail.count({ where: { dedupeKey: { startsWith: "offering-feedback:" }, payload: { path: ["registrationId"], equals: seat.id } } })).toBe(1);

    // Only the participant has the page; someone absent finds nothing.
    const path = `/catalog/offerings/${o.id}/feedback`;
    const cameCookie = await sessionCookieFor(cameUser.id);
    const otherCookie = await sessionCookieFor(otherUser.id);
    const page = await respond(() => feedbackLoader({ request: getRequest(path, cameCookie), params: { offeringId: o.id }, context: {} }));
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ answered: false });
    expect((await respond(() => feedbackLoader({ request: getRequest(path, otherCookie), params: { offeringId: o.id }, context: {} }))).status).toBe(404);
    expect(await submitFeedback(otherUser.id, other.id, o.id, { satisfaction: 1, usefulness: 1, accessibility: 1 })).toBe("notParticipant");

    // Scores outside 1–5 are refused; an answer is taken once.
    expect(await submitFeedback(cameUser.id, came.id, o.id, { satisfaction: 6, usefulness: 0, accessibility: 3 })).toEqual({ invalid: ["satisfaction", "usefulness"] });
    const post = (cookie?: string) =>
      respond(() => feedbackAction({ request: postForm(path, { satisfaction: "4", usefulness: "5", accessibility: "3", comment: "수어 통역이 좋았습니다" }, cookie), params: { offeringId: o.id }, context: {} }));
    expect((await post()).headers.get("Location")).toMatch(/^\/login/);
    const sent = await post(cameCookie);
    expect(sent.status).toBe(200);
    expect(await sent.json()).toEqual({ message: "답해 주셔서 감사합니다." });
    expect(await submitFeedback(cameUser.id, came.id, o.id, { satisfaction: 1, usefulness: 1, accessibility: 1 })).toBe("already");
    expect(await renderOfferingMail("ko", outbox[0]!.payload)).toBeNull();
    expect(await feedbackResults(o.id)).toEqual({ answers: 1, participants: 1, satisfaction: 4, usefulness: 5, accessibility: 3, comments: ["수어 통역이 좋았습니다"] });
    expect(await prisma.auditEvent.count({ where: { entityId: o.id, action: "offering.feedback" } })).toBe(1);
  });
});
