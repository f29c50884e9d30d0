import { beforeAll, describe, expect, it } from "vitest";
import { countQueries, prisma } from "~/utils/db.server";
import { loader as rootLoader } from "~/root";
import { loader as homeLoader } from "~/routes/_index";
import { loader as lessonLoader } from "~/routes/learn.$assignmentId.lessons.$slug";
import { revokeAllSessions, signOut } from "~/modules/auth/session.server";
import { loadContext } from "~/utils/security-headers.server";
import { noticesFor } from "~/modules/notices/notices.server";
import { headsAUnit } from "~/modules/org/heads.server";
import { learnerHome } from "./home.server";
import { listMyAssignments } from "./learning.server";
import { createPerson, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";

/** What server.ts hands the loaders of one request. */
const requestContext = () => ({ ...loadContext({ locals: {} }), ip: "127.0.0.1" });

/** One GET of a page as Remix serves it: the root's loader and the page's, side by side, with one load context. */
async function page(path: string, cookie: string, pageLoader: (args: never) => Promise<unknown>, params: Record<string, string> = {}) {
  const context = requestContext();
  const args = (request: Request) => ({ request, params, context }) as never;
  const [root, body] = await Promise.all([
    respond(() => rootLoader(args(getRequest(path, cookie)))),
    respond(() => pageLoader(args(getRequest(path, cookie)))),
  ]);
  return { root, body };
}

describe("the learner's pages", () => {
  let cookie: string;
  let userId: string;
  let personId: string;
  let assignmentId: string;
  let slug: string;
  let lessonPath: string;

  beforeAll(async () => {
    const world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "이가람");
    const user = await createUser({ personId: person.id });
    await openTestCycle(world.obligation.id);
    personId = person.id;
    userId = user.id;
    cookie = await sessionCookieFor(user.id);
    const assignment = await prisma.assignment.findFirstOrThrow({ where: { personId }, select: { id: true, courseId: true } });
    assignmentId = assignment.id;
    const lesson = await prisma.lesson.findFirstOrThrow({
      where: { courseVersion: { courseId: assignment.courseId }, core: true },
      orderBy: [{ courseVersion: { version: "desc" } }, { position: "asc" }],
    });
    slug = lesson.slug;
    lessonPath = `/learn/${assignmentId}/lessons/${slug}`;
  });

  it("look the session up once per request, with its roles, in one statement", async () => {
    const n = await countQueries(async () => {
      const { root, body } = await page("/", cookie, homeLoader);
      expect((await root.json()).user).toMatchObject({ roles: ["LEARNER"], isLearner: true });
      expect((await body.json()).signedIn).toBe(true);
    });
    // The session (with its account and roles), then the home: assignments, notices and unit-head check together.
    expect(n).toBe(2);
  });

  it("read the home in one statement that answers as its three parts do on their own", async () => {
    await prisma.person.update({ where: { id: personId }, data: { isUnitHead: true } });
    try {
      const [together, assignments, headsUnit, notices] = await Promise.all([
        learnerHome(userId, personId),
        listMyAssignments(personId),
        headsAUnit(personId),
        noticesFor(userId),
      ]);
      expect(together).toEqual({ assignments, headsUnit, notices });
      expect(together.assignments.length).toBeGreaterThan(0);
      expect(together.assignments[0]!.dueAt).toBeInstanceOf(Date);
      expect(headsUnit).toBe(true);
    } finally {
      await prisma.person.update({ where: { id: personId }, data: { isUnitHead: false } });
    }
  });

  it("show a lesson as it is stored, and reading it again writes nothing", async () => {
    const params = { assignmentId, slug };
    const stored = await prisma.lesson.findFirstOrThrow({ where: { slug, courseVersion: { lessons: { some: { slug } } } }, orderBy: { courseVersion: { version: "desc" } } });
    const first = await page(lessonPath, cookie, lessonLoader, params);
    expect(first.body.status).toBe(200);
    const shown = (await first.body.json()) as { lesson: Record<string, unknown>; n: number; total: number };
    expect(shown.lesson).toEqual({
      slug: stored.slug,
      kind: stored.kind,
      titleKo: stored.titleKo,
      titleEn: stored.titleEn,
      bodyHtmlKo: stored.bodyHtmlKo,
      bodyHtmlEn: stored.bodyHtmlEn,
      sourcesKo: stored.sourcesKo,
      sourcesEn: stored.sourcesEn,
      estimatedMinutes: stored.estimatedMinutes,
      jobFamily: stored.jobFamily,
    });
    expect(shown.n).toBe(stored.position);
    // The first opening started the course and recorded where the learner is and when they opened it.
    const after = await prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } });
    expect(after).toMatchObject({ status: "IN_PROGRESS", lastLessonId: stored.id });
    const visit = await prisma.lessonVisit.findUniqueOrThrow({ where: { assignmentId_lessonId: { assignmentId, lessonId: stored.id } } });

    // Read again: the same page from two statements, the session and the learner's state; nothing written.
    const version = async () => (await prisma.$queryRaw<Array<{ v: string }>>`SELECT xmin::text AS v FROM assignment WHERE id = ${assignmentId}::uuid`)[0]!.v;
    const before = await version();
    let again: Awaited<ReturnType<typeof page>> | null = null;
    const n = await countQueries(async () => {
      again = await page(lessonPath, cookie, lessonLoader, params);
    });
    expect(n).toBe(2);
    expect(await again!.body.json()).toEqual(shown);
    expect(await version()).toBe(before);
    expect((await prisma.lessonVisit.findUniqueOrThrow({ where: { id: visit.id } })).firstOpenedAt).toEqual(visit.firstOpenedAt);
  });

  it("move where the learner resumes when they open another lesson", async () => {
    const course = await prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId }, select: { courseVersionId: true } });
    const other = await prisma.lesson.findFirstOrThrow({ where: { courseVersionId: course.courseVersionId!, slug: { not: slug } }, orderBy: { position: "asc" } });
    const res = await page(`/learn/${assignmentId}/lessons/${other.slug}`, cookie, lessonLoader, { assignmentId, slug: other.slug });
    expect(res.body.status).toBe(200);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).lastLessonId).toBe(other.id);
  });

  it("fail on the very next request once the session is revoked", async () => {
    const own = await sessionCookieFor(userId);
    expect((await (await page("/", own, homeLoader)).body.json()).signedIn).toBe(true);
    await revokeAllSessions(userId);
    const home = await page("/", own, homeLoader);
    expect((await home.root.json()).user).toBeNull();
    expect((await home.body.json()).signedIn).toBe(false);
    const lesson = await page(lessonPath, own, lessonLoader, { assignmentId, slug });
    expect(lesson.body.status).toBe(302);
    expect(lesson.body.headers.get("Location")).toContain("expired=1");
    cookie = await sessionCookieFor(userId);
  });

  it("share a lookup only between the loaders of a GET: loaders after an action look again", async () => {
    const own = await sessionCookieFor(userId);
    const context = requestContext();
    const seen = await respond(() => rootLoader({ request: getRequest("/", own), params: {}, context } as never));
    expect((await seen.json()).user).not.toBeNull();
    // The action of the same request (a form posted without script) signs out; the loaders after it find no session.
    await signOut(getRequest("/", own));
    const after = await respond(() => rootLoader({ request: postForm("/", {}, own), params: {}, context } as never));
    expect((await after.json()).user).toBeNull();
  });

  it("read a role as it stands now: a role withdrawn counts on the next request", async () => {
    const grant = await prisma.roleGrant.create({ data: { userId, role: "ACADEMY_ADMIN" } });
    expect((await (await page("/", cookie, homeLoader)).root.json()).user.roles).toContain("ACADEMY_ADMIN");
    await prisma.roleGrant.delete({ where: { id: grant.id } });
    expect((await (await page("/", cookie, homeLoader)).root.json()).user.roles).not.toContain("ACADEMY_ADMIN");
  });
});
