import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { seoulDateKey } from "~/utils/i18n";
import { loader as catalogLoader } from "~/routes/catalog";
import { action as offeringAction, loader as offeringLoader } from "~/routes/catalog_.offerings.$offeringId";
import { scheduleOffering, toSeoulLocal, type ScheduleInput } from "./offerings.server";
import { listUpcomingOfferings } from "./catalog.server";
import { createPerson, createUser, createWorld, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";

const DAY = 86_400_000;

async function scheduled(actorId: string, over: Partial<ScheduleInput>) {
  const date = over.date ?? seoulDateKey(new Date(now().getTime() + 12 * DAY));
  const closes = toSeoulLocal(new Date(new Date(`${date}T10:00:00+09:00`).getTime() - DAY));
  const course = await prisma.course.findUniqueOrThrow({ where: { slug: "annual-civil-servants" } });
  const result = await scheduleOffering(actorId, {
    countsToward: `course:${course.id}`,
    titleKo: `수업 ${uid()}`,
    titleEn: `Class ${uid()}`,
    topic: "GENERAL",
    format: "IN_PERSON",
    date,
    startTime: "10:00",
    endTime: "12:00",
    place: "시민청",
    district: "JUNG",
    lecturerNames: "강사",
    capacity: 20,
    audience: "PUBLIC",
    registrationClosesAt: closes,
    cancellationClosesAt: closes,
    repeatMonths: 1,
    ...over,
  });
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.ids[0]!;
}

describe("classes in the catalog", () => {
  it("shows each reader the classes open to them, and finds them by topic, district, format, date and words", async () => {
    const world = await createWorld();
    const academy = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    const tag = uid();
    const pub = await scheduled(academy.id, { titleKo: `역사 탐방 ${tag}`, topic: "HISTORY_TOUR", district: "SEODAEMUN" });
    const staff = await scheduled(academy.id, { titleKo: `전 직원 ${tag}`, audience: "ALL_STAFF", format: "LIVE_ONLINE", onlineUrl: "https://meet.example/abc", place: "", district: "" });
    const unit = await scheduled(academy.id, { titleKo: `국 직원 ${tag}`, audience: "UNITS", audienceUnitCodes: world.bureau.code });
    const inUnit = await createPerson(world.division.id);
    const elsewhere = await createPerson(world.otherBureau.id);
    const citizen = await prisma.person.create({ data: { name: "시민", email: `c-${tag}@test.example`, staffCategory: "CITIZEN" } });
    const seen = async (personId: string | null, f = {}) =>
      (await listUpcomingOfferings({ personId, seesAll: false }, { q: tag, ...f })).map((o) => o.id).sort();
    expect(await seen(null)).toEqual([pub]);
    expect(await seen(citizen.id)).toEqual([pub]);
    expect(await seen(elsewhere.id)).toEqual([pub, staff].sort());
    expect(await seen(inUnit.id)).toEqual([pub, staff, unit].sort());
    expect(await seen(inUnit.id, { topic: "HISTORY_TOUR" })).toEqual([pub]);
    expect(await seen(inUnit.id, { district: "SEODAEMUN" })).toEqual([pub]);
    expect(await seen(inUnit.id, { format: "LIVE_ONLINE" })).toEqual([staff]);
    expect(await seen(inUnit.id, { format: "ONLINE" })).toEqual([]);
    expect(await seen(inUnit.id, { from: seoulDateKey(new Date(now().getTime() + 30 * DAY)) })).toEqual([]);

    // The page: public without signing in; a staff class is not there for a stranger.
    const anonymous = await respond(() => offeringLoader({ request: getRequest(`/catalog/offerings/${pub}`), params: { offeringId: pub }, context: {} }));
    expect(anonymous.status).toBe(200);
    const hidden = await respond(() => offeringLoader({ request: getRequest(`/catalog/offerings/${staff}`), params: { offeringId: staff }, context: {} }));
    expect(hidden.status).toBe(404);
    const listed = await (await respond(() => catalogLoader({ request: getRequest(`/catalog?q=${tag}`), params: {}, context: {} }))).json();
    expect(listed.offerings.map((o: { id: string }) => o.id)).toEqual([pub]);
  });

  it("shows an outside lecturer (an account with no person on the roll) the staff class they teach, and its page", async () => {
    const academy = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    const lecturer = await createUser({ roles: [{ role: "LECTURER" }] });
    const other = await createUser({ roles: [{ role: "LECTURER" }] });
    const tag = uid();
    const theirs = await scheduled(academy.id, { titleKo: `강사 수업 ${tag}`, audience: "ALL_STAFF", lecturerUserIds: [lecturer.id] });
    await scheduled(academy.id, { titleKo: `다른 강사 수업 ${tag}`, audience: "ALL_STAFF", lecturerUserIds: [other.id] });
    const seen = async (userId: string) => (await listUpcomingOfferings({ personId: null, userId, seesAll: false }, { q: tag })).map((o) => o.id);
    expect(await seen(lecturer.id)).toEqual([theirs]);
    const page = await respond(() =>
      offeringLoader({ request: getRequest(`/catalog/offerings/${theirs}`), params: { offeringId: theirs }, context: {} }),
    );
    expect(page.status).toBe(404);
    const cookie = await sessionCookieFor(lecturer.id);
    const mine = await respond(() => offeringLoader({ request: getRequest(`/catalog/offerings/${theirs}`, cookie), params: { offeringId: theirs }, context: {} }));
    expect(mine.status).toBe(200);
    expect((await mine.json()).isLecturer).toBe(true);
    const otherCookie = await sessionCookieFor(other.id);
    const notTheirs = await respond(() => offeringLoader({ request: getRequest(`/catalog/offerings/${theirs}`, otherCookie), params: { offeringId: theirs }, context: {} }));
    expect(notTheirs.status).toBe(404);
  });

  it("lists a class written without arrangements (not through the academy's form) with none, not NULL", async () => {
    const academy = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    const tag = uid();
    const start = new Date(now().getTime() + 3 * DAY);
    const o = await prisma.offering.create({
      data: {
        seriesId: academy.id, titleKo: `직접 기록한 수업 ${tag}`, titleEn: `Written directly ${tag}`, topic: "GENERAL", format: "IN_PERSON",
        startsAt: start, endsAt: new Date(start.getTime() + 7_200_000), place: "시민청", district: "JUNG", capacity: 5, audience: "PUBLIC",
        registrationClosesAt: start, cancellationClosesAt: start, createdById: academy.id,
      },
    });
    const listed = await listUpcomingOfferings({ personId: null, seesAll: false }, { q: tag });
    expect(listed.map((l) => [l.id, l.accessibility])).toEqual([[o.id, []]]);
  });

  it("lets a citizen register for a public class, and answers a second try clearly", async () => {
    const academy = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    const pub = await scheduled(academy.id, {});
    const citizen = await prisma.person.create({ data: { name: "시민", email: `c-${uid()}@test.example`, staffCategory: "CITIZEN" } });
    const cookie = await sessionCookieFor((await createUser({ personId: citizen.id })).id);
    const post = () => respond(() => offeringAction({ request: postForm(`/catalog/offerings/${pub}`, { intent: "register" }, cookie), params: { offeringId: pub }, context: {} }));
    const first = await post();
    expect(first.status).toBe(200);
    expect((await first.json()).message).toContain("확정");
    const second = await post();
    expect(second.status).toBe(409);
    expect((await second.json()).formError).toContain("이미");
  });
});
