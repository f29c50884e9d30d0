import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action as lessonAction, loader as lessonLoader } from "~/routes/learn.$assignmentId.lessons.$slug";
import { action as quizAction, loader as quizLoader } from "~/routes/learn.$assignmentId.quiz._index";
import { loader as homeLoader } from "~/routes/_index";
import { loader as certificateLoader } from "~/routes/certificates.$certificateId[.pdf]";
import { loader as verifyLoader } from "~/routes/verify.$code";
import { createPerson, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { clockYear } from "../../../test/clock";
import { getCourseForLearner } from "./learning.server";

describe("a civil servant's annual course", () => {
  let cookie: string;
  let personId: string;
  let assignmentId: string;
  let otherCookie: string;

  beforeAll(async () => {
    const world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "김하늘");
    const user = await createUser({ personId: person.id });
    const other = await createUser({ personId: (await createPerson(world.division.id)).id });
    const { assigned } = await openTestCycle(world.obligation.id);
    expect(assigned).toBe(2);
    personId = person.id;
    cookie = await sessionCookieFor(user.id);
    otherCookie = await sessionCookieFor(other.id);
    assignmentId = (await prisma.assignment.findFirstOrThrow({ where: { personId } })).id;
  });

  it("shows what I owe on the home page", async () => {
    const res = await respond(() => homeLoader({ request: getRequest("/", cookie), params: {}, context: {} }));
    const data = await res.json();
    expect(data.assignments).toHaveLength(1);
    expect(data.assignments[0]).toMatchObject({ id: assignmentId, status: "ASSIGNED", lessonsDone: 0, cycleLabel: String(clockYear()) });
    expect(data.assignments[0].lessonCount).toBeGreaterThanOrEqual(3);
  });

  it("keeps other people's assignments out of reach", async () => {
    const course = await getCourseForLearner(personId, assignmentId);
    const res = await respond(() =>
      lessonLoader({ request: getRequest(`/learn/${assignmentId}/lessons/x`, otherCookie), params: { assignmentId, slug: course.lessons[0]!.slug }, context: {} }),
    );
    expect(res.status).toBe(404);
  });

  it("refuses the quiz before the lessons are done, opening it and submitting it, recording nothing", async () => {
    const params = { assignmentId };
    const opened = await respond(() => quizLoader({ request: getRequest(`/learn/${assignmentId}/quiz`, cookie), params, context: {} }));
    expect(opened.status).toBe(409);
    const page = await opened.json();
    expect(page).toMatchObject({ state: "closed", reason: "lessons" });
    expect(page.questions).toBeUndefined();
    // A paper from elsewhere (another tab, a replayed form) is refused all the same.
    const course = await getCourseForLearner(personId, assignmentId);
    const questions = await prisma.quizQuestion.findMany({ where: { courseVersionId: course.version.id, set: "QUIZ" } });
    const paper = await prisma.quizPaper.create({
      data: { assignmentId, courseVersionId: course.version.id, set: "QUIZ", items: questions.map((q) => ({ key: q.key, options: (q.options as Array<{ key: string }>).map((o) => o.key) })), issuedAt: new Date(0) },
    });
    const sent = await respond(() =>
      quizAction({ request: postForm("/x", [...questions.map((q) => [`q:${q.key}`, q.correctKey] as [string, string]), ["submission", paper.id]], cookie), params, context: {} }),
    );
    expect(sent.status).toBe(409);
    expect((await sent.json()).formError).toBe("모든 차시를 마쳐야 평가에 응시할 수 있습니다.");
    expect(await prisma.quizAttempt.count({ where: { assignmentId } })).toBe(0);
    await prisma.quizPaper.delete({ where: { id: paper.id } });
  });

  it("saves progress lesson by lesson and resumes where I left off", async () => {
    const course = await getCourseForLearner(personId, assignmentId);
    const [first, second] = course.lessons;
    const res = await respond(() =>
      lessonAction({ request: postForm(`/learn/${assignmentId}/lessons/${first!.slug}`, { intent: "complete" }, cookie), params: { assignmentId, slug: first!.slug }, context: {} }),
    );
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe(`/learn/${assignmentId}/lessons/${second!.slug}`);
    const after = await getCourseForLearner(personId, assignmentId);
    expect(after.assignment.status).toBe("IN_PROGRESS");
    expect(after.assignment.courseVersionId).toBe(course.version.id);
    expect(after.resumeLesson?.slug).toBe(second!.slug);
  });

  it("gives a double click on 'lesson complete' the same answer as one click", async () => {
    const course = await getCourseForLearner(personId, assignmentId);
    const lesson = course.lessons[1]!;
    const click = () =>
      respond(() => lessonAction({ request: postForm(`/learn/${assignmentId}/lessons/${lesson.slug}`, { intent: "complete" }, cookie), params: { assignmentId, slug: lesson.slug }, context: {} }));
    const answers = await Promise.all(Array.from({ length: 6 }, click));
    expect(answers.map((r) => r.status)).toEqual(Array(6).fill(302));
    expect(new Set(answers.map((r) => r.headers.get("Location"))).size).toBe(1);
    expect(await prisma.lessonProgress.count({ where: { assignmentId, lessonId: lesson.id } })).toBe(1);
  });

  it("rejects a tampered lesson form", async () => {
    const course = await getCourseForLearner(personId, assignmentId);
    const res = await respond(() =>
      lessonAction({ request: postForm("/x", { intent: "delete-everything" }, cookie), params: { assignmentId, slug: course.lessons[1]!.slug }, context: {} }),
    );
    expect(res.status).toBe(400);
  });

  it("grades the quiz, refuses unknown questions and explains, then completes with a verifiable certificate", async () => {
    const course = await getCourseForLearner(personId, assignmentId);
    for (const l of course.lessons) {
      await respond(() => lessonAction({ request: postForm("/x", { intent: "complete" }, cookie), params: { assignmentId, slug: l.slug }, context: {} }));
    }
    const params = { assignmentId };
    const openQuiz = async () => {
      const res = await respond(() => quizLoader({ request: getRequest(`/learn/${assignmentId}/quiz`, cookie), params, context: {} }));
      expect(res.status).toBe(200);
      const page = await res.json();
      // The paper shown: its questions by key, and the key of each one from the database.
      const keys = await prisma.quizQuestion.findMany({ where: { courseVersionId: course.version.id, set: "QUIZ", key: { in: page.questions.map((q: { key: string }) => q.key) } } });
      const correctKey = new Map(keys.map((q) => [q.key, q.correctKey]));
      return { key: page.submissionKey as string, questions: (page.questions as Array<{ key: string; options: Array<{ key: string }> }>).map((q) => ({ ...q, correctKey: correctKey.get(q.key)! })) };
    };
    const quiz = await openQuiz();

    // An answer for a question that does not exist: 400, nothing saved.
    const bogus = await respond(() =>
      quizAction({ request: postForm("/x", [["q:no-such-question", "a"], ["submission", quiz.key]], cookie), params, context: {} }),
    );
    expect(bogus.status).toBe(400);
    expect(await prisma.quizAttempt.count({ where: { assignmentId } })).toBe(0);

    // Unanswered questions are named.
    const partial = await respond(() => quizAction({ request: postForm("/x", [[`q:${quiz.questions[0]!.key}`, "a"], ["submission", quiz.key]], cookie), params, context: {} }));
    expect(partial.status).toBe(400);
    expect((await partial.json()).formError).toContain("답하지 않은 문항");

    // All wrong: a failed attempt is recorded, the assignment is not complete.
    const wrong = quiz.questions.map((q) => [`q:${q.key}`, q.options.find((o) => o.key !== q.correctKey)!.key] as [string, string]);
    const failed = await respond(() => quizAction({ request: postForm("/x", [...wrong, ["submission", quiz.key]], cookie), params, context: {} }));
    expect(failed.status).toBe(302);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).status).toBe("IN_PROGRESS");

    // Retry with the right answers, the form sent five times at once (a double click, a resend):
    // one attempt, one certificate, every request sent to the same result.
    const retry = await openQuiz();
    const right = retry.questions.map((q) => [`q:${q.key}`, q.correctKey] as [string, string]);
    const key = retry.key;
    const before = await prisma.quizAttempt.count({ where: { assignmentId } });
    const sends = await Promise.all(
      Array.from({ length: 5 }, () => respond(() => quizAction({ request: postForm("/x", [...right, ["submission", key]], cookie), params, context: {} }))),
    );
    expect(sends.map((r) => r.status)).toEqual(Array(5).fill(302));
    expect(new Set(sends.map((r) => r.headers.get("Location"))).size).toBe(1);
    expect(await prisma.quizAttempt.count({ where: { assignmentId } })).toBe(before + 1);
    const tampered = await respond(() => quizAction({ request: postForm("/x", [...right, ["submission", "not-a-key"]], cookie), params, context: {} }));
    expect(tampered.status).toBe(400);
    const a = await prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId }, include: { certificate: true } });
    expect(a.status).toBe("COMPLETED");
    expect(a.certificate?.number).toMatch(/^SHRA-\d{4}-\d{6}$/);
    expect(a.certificate?.holderName).toBe("김하늘");

    // Certificate PDF: for me, not for a colleague.
    const pdf = await respond(() => certificateLoader({ request: getRequest("/c", cookie), params: { certificateId: a.certificate!.id }, context: {} }));
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    const bytes = Buffer.from(await pdf.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe("%PDF-");
    const denied = await respond(() => certificateLoader({ request: getRequest("/c", otherCookie), params: { certificateId: a.certificate!.id }, context: {} }));
    expect(denied.status).toBe(404);

    // Public verification shows the real details with a masked name.
    const verified = await respond(() => verifyLoader({ request: getRequest("/v"), params: { code: a.certificate!.verificationCode.toLowerCase() }, context: {} }));
    expect(verified.status).toBe(200);
    const v = await verified.json();
    expect(v.cert).toMatchObject({ number: a.certificate!.number, status: "VALID", holderName: "김*늘", cycleLabel: String(clockYear()) });
    const unknown = await respond(() => verifyLoader({ request: getRequest("/v"), params: { code: "2222-2222-2222" }, context: {} }));
    expect(unknown.status).toBe(404);
  });
});
