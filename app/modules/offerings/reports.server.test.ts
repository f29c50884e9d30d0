import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { loader as academyLoader } from "~/routes/academy._index";
import { loader as csvLoader } from "~/routes/academy.classes[.csv]";
import { loader as lecturersLoader } from "~/routes/academy.lecturer-feedback";
import { loader as myFeedbackLoader } from "~/routes/lecturer.feedback";
import { loader as manageLoader } from "~/routes/academy.offerings.$offeringId";
import { createPerson, createUser, createWorld, uid } from "../../../test/factories";
import { getRequest, respond, sessionCookieFor } from "../../../test/http";
import { at } from "../../../test/clock";
import { submitFeedback } from "./feedback.server";
import { register } from "./registration.server";
import { closeRoll, getRoll, markRoll } from "./roll.server";
import { academyYear, academyYearCsv, feedbackByLecturer, lecturerClasses, MIN_ANSWERS } from "./reports.server";

async function actorFor(userId: string): Promise<Actor> {
  const session = await getCurrentSession(getRequest("/", await sessionCookieFor(userId)));
  return loadActor(session!);
}

describe("the academy's year of classes and the survey per lecturer", () => {
  let academy: Actor;
  let lecturer: Actor;
  let otherLecturer: Actor;
  let outside: string;
  let big: string;
  let small: string;
  let theirs: string;
  const scores = [
    [5, 4, 5],
    [4, 4, 3],
    [5, 5, 5],
    [3, 4, 4],
    [5, 3, 4],
  ] as const;

  beforeAll(async () => {
    at("2026-11-10T09:00:00");
    const world = await createWorld();
    const course = await prisma.course.findUniqueOrThrow({ where: { slug: "annual-civil-servants" } });
    const version = await prisma.courseVersion.findFirstOrThrow({ where: { courseId: course.id }, orderBy: { version: "desc" } });
    academy = await actorFor((await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] })).id);
    lecturer = await actorFor((await createUser({ roles: [{ role: "LECTURER" }] })).id);
    otherLecturer = await actorFor((await createUser({ roles: [{ role: "LECTURER" }] })).id);
    outside = `외부 강사 ${uid()}`;
    const make = (titleKo: string, capacity: number, lecturers: string[], lecturerNames = "") =>
      prisma.offering.create({
        data: {
          seriesId: academy.userId,
          courseId: course.id,
          titleKo,
          titleEn: "A class of the year",
          topic: "GENERAL",
          format: "IN_PERSON",
          startsAt: new Date("2026-11-12T14:00:00+09:00"),
          endsAt: new Date("2026-11-12T16:00:00+09:00"),
          place: "인권교육원",
          district: "JUNG",
          capacity,
          audience: "PUBLIC",
          lecturerUserIds: lecturers,
          lecturerNames,
          registrationClosesAt: new Date("2026-11-11T18:00:00+09:00"),
          cancellationClosesAt: new Date("2026-11-11T18:00:00+09:00"),
          createdById: academy.userId,
        },
      });
    big = (await make(`연간 집계 수업 ${uid()}`, 6, [lecturer.userId], outside)).id;
    // A title a spreadsheet would read as a formula.
    small = (await make(`=1+1 작은 수업 ${uid()}`, 4, [lecturer.userId])).id;
    theirs = (await make(`다른 강사 수업 ${uid()}`, 4, [otherLecturer.userId])).id;
    const people = [];
    for (let i = 0; i < 7; i++) people.push(await createPerson(world.division.id, "CIVIL_SERVANT", `수강${i}`));
    // Six seats for seven: one waits.
    for (const p of people) await register(p.id, big, p.id);
    for (const p of people.slice(0, 2)) await register(p.id, small, p.id);
    await register(people[0]!.id, theirs, people[0]!.id);

    at("2026-11-12T15:00:00");
    const seats = await getRoll(big);
    const absent = people[5]!.id;
    await markRoll(academy, big, seats.map((s) => ({ registrationId: s.id, state: s.personId === absent ? ("ABSENT" as const) : ("PRESENT" as const), minutes: null })));
    for (const id of [small, theirs]) await markRoll(academy, id, (await getRoll(id)).map((s) => ({ registrationId: s.id, state: "PRESENT" as const, minutes: null })));
    at("2026-11-12T16:30:00");
    for (const id of [big, small, theirs]) expect((await closeRoll(academy, id, true)).ok).toBe(true);

    // Five of the big class answer; one of the small one.
    for (const [i, [s, u, a]] of scores.entries()) {
      const user = await createUser({ personId: people[i]!.id });
      expect(await submitFeedback(user.id, people[i]!.id, big, { satisfaction: s, usefulness: u, accessibility: a, comment: i === 0 ? "=HYPERLINK(\"x\") 사례가 좋았습니다" : "" })).toBe("saved");
    }
    const one = await prisma.user.findFirstOrThrow({ where: { personId: people[0]!.id } });
    expect(await submitFeedback(one.id, people[0]!.id, small, { satisfaction: 1, usefulness: 1, accessibility: 1 })).toBe("saved");

    // Two participants of the big class took the course's pre-test and quiz.
    for (const [i, pre, post] of [[0, 40, 80], [1, 60, 90]] as const) {
      const enrolment = await prisma.assignment.findFirstOrThrow({ where: { personId: people[i]!.id, courseId: course.id, cycleId: null } });
      for (const [set, score] of [["PRETEST", pre], ["QUIZ", post - 20], ["QUIZ", post]] as const) {
        await prisma.quizAttempt.create({
          data: { assignmentId: enrolment.id, courseVersionId: version.id, set, answers: {}, correctCount: score / 10, questionCount: 10, scorePercent: score, passed: score >= 60 },
        });
      }
    }
  });

  it("counts each class of the year in one statement: seats, waiting list, attended, no-shows, survey, learning gain", async () => {
    const rows = await academyYear(2026);
    const row = rows.find((r) => r.id === big)!;
    expect(row).toMatchObject({ state: "CLOSED", capacity: 6, registered: 6, waitlisted: 1, fillRate: 100, attended: 5, noShows: 1, answers: 5 });
    expect(row).toMatchObject({ satisfaction: 4.4, usefulness: 4, accessibility: 4.2, pairs: 2, pretestMean: 50, quizMean: 85, gain: 35 });
    // The small class's two came to the big one too: their one enrolment in the course carries both classes' gain.
    expect(rows.find((r) => r.id === small)).toMatchObject({ registered: 2, fillRate: 50, attended: 2, noShows: 0, answers: 1, satisfaction: 1, gain: 35, pairs: 2 });
    expect(rows.find((r) => r.id === theirs)).toMatchObject({ registered: 1, attended: 1, answers: 0, satisfaction: null, gain: 40, pairs: 1 });
    expect((await academyYear(2025)).find((r) => r.id === big)).toBeUndefined();
  });

  it("exports the table as CSV with formulas neutralised", async () => {
    const csv = academyYearCsv((await academyYear(2026)).filter((r) => r.id === small), "ko", (k) => k);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv).toContain(`"'=1+1 작은 수업`);
    expect(csv.split("\r\n")).toHaveLength(3);
  });

  it("gathers the survey per lecturer, with means and comments from the minimum number of answers on, and no names", async () => {
    const all = await feedbackByLecturer(2026);
    const mine = all.find((r) => r.userId === lecturer.userId)!;
    // The big class's five answers and the small class's one: six, over the minimum.
    expect(MIN_ANSWERS).toBe(5);
    expect(mine).toMatchObject({ classes: 2, participants: 7, answers: 6 });
    expect(mine.satisfaction).toBeCloseTo(3.8, 1);
    expect(mine.comments).toEqual(['=HYPERLINK("x") 사례가 좋았습니다']);
    expect(all.find((r) => r.userId === null && r.name === outside)).toMatchObject({ classes: 1, answers: 5, satisfaction: 4.4 });
    // One answer: the count, not the scores.
    expect(all.find((r) => r.userId === otherLecturer.userId)).toMatchObject({ classes: 1, answers: 0, satisfaction: null, comments: [] });
    expect(JSON.stringify(all)).not.toContain("수강0");

    // A lecturer's own view keeps to classes listing them; a class under the minimum shows no means.
    const own = await lecturerClasses(lecturer.userId, 2026);
    expect(own.map((c) => c.id).sort()).toEqual([big, small].sort());
    expect(own.find((c) => c.id === small)).toMatchObject({ answers: 1, satisfaction: null });
    expect(own.find((c) => c.id === big)).toMatchObject({ answers: 5, satisfaction: 4.4 });
    expect((await lecturerClasses(otherLecturer.userId, 2026)).map((c) => c.id)).toEqual([theirs]);
    expect(await feedbackByLecturer(2026, otherLecturer.userId)).toHaveLength(1);
  });

  it("shows each page only to whom it is for", async () => {
    const academyCookie = await sessionCookieFor(academy.userId);
    const lecturerCookie = await sessionCookieFor(lecturer.userId);
    const other = await sessionCookieFor(otherLecturer.userId);
    type Loader = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<unknown>;
    const load = (fn: Loader, path: string, cookie: string) => respond(() => fn({ request: getRequest(path, cookie), params: {}, context: {} }));

    const page = await load(academyLoader, "/academy?year=2026", academyCookie);
    expect(page.status).toBe(200);
    const body = (await page.json()) as { year: number; years: number[]; classes: Array<{ id: string }> };
    expect(body.year).toBe(2026);
    expect(body.years).toContain(2026);
    expect(body.classes.map((c) => c.id)).toEqual(expect.arrayContaining([big, small, theirs]));
    expect((await load(academyLoader, "/academy", lecturerCookie)).status).toBe(403);
    expect((await load(academyLoader, "/academy?year=abc", academyCookie)).status).toBe(200);

    const csv = await load(csvLoader, "/academy/classes.csv?year=2026", academyCookie);
    expect(csv.headers.get("Content-Type")).toContain("text/csv");
    const text = await csv.text();
    expect(text).toContain("'=1+1 작은 수업");
    expect(text).toContain("신청률(%)");
    expect((await load(csvLoader, "/academy/classes.csv?year=2026", lecturerCookie)).status).toBe(403);

    expect((await load(lecturersLoader, "/academy/lecturer-feedback?year=2026", lecturerCookie)).status).toBe(403);
    const lecturers = (await (await load(lecturersLoader, "/academy/lecturer-feedback?year=2026", academyCookie)).json()) as { lecturers: Array<{ userId: string | null }> };
    expect(lecturers.lecturers.map((l) => l.userId)).toEqual(expect.arrayContaining([lecturer.userId, otherLecturer.userId]));

    const own = (await (await load(myFeedbackLoader, "/lecturer/feedback?year=2026", other)).json()) as { classes: Array<{ id: string }>; overall: { answers: number } };
    expect(own.classes.map((c) => c.id)).toEqual([theirs]);
    expect((await load(myFeedbackLoader, "/lecturer/feedback", academyCookie)).status).toBe(403);

    // On the class's own page, a lecturer below the minimum sees the count only; the academy sees the scores.
    const classPage = async (cookie: string) =>
      ((await (await respond(() => manageLoader({ request: getRequest(`/academy/offerings/${small}`, cookie), params: { offeringId: small }, context: {} }))).json()) as { feedback: { answers: number; satisfaction: number | null; withheld: boolean } }).feedback;
    expect(await classPage(lecturerCookie)).toMatchObject({ answers: 1, satisfaction: null, withheld: true });
    expect(await classPage(academyCookie)).toMatchObject({ answers: 1, satisfaction: 1, withheld: false });
  });
});
