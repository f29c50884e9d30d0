import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now, setClock } from "~/utils/clock.server";
import { action as lessonAction, loader as lessonLoader } from "~/routes/learn.$assignmentId.lessons.$slug";
import { action as quizAction, loader as quizLoader } from "~/routes/learn.$assignmentId.quiz._index";
import { action as pretestAction, loader as pretestLoader } from "~/routes/learn.$assignmentId.pretest";
import { loader as resultLoader } from "~/routes/learn.$assignmentId.quiz.$attemptId";
import { loader as courseLoader } from "~/routes/learn.$assignmentId._index";
import { createPerson, createUnit, createUser, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { startTestClock } from "../../../test/clock";
import { formatMonthDayTime } from "~/utils/i18n";
import { attemptAllowance } from "./learning.server";

/**
 * A course of its own for each story: `pool` questions of four options (the right one is
 * always "c" as written), two lessons of `lessonMinutes`, and the terms under test.
 */
async function quizCourse(opts: { pool: number; draw?: number; perWindow?: number; waitHours?: number; minLessonMinutes?: number; pretest?: number }) {
  const tag = uid();
  const course = await prisma.course.create({ data: { slug: `test-quiz-${tag}` } });
  const bi = (s: string) => ({ ko: `${s} (ko)`, en: `${s} (en)` });
  const question = (set: "QUIZ" | "PRETEST", i: number) => ({
    set,
    position: i + 1,
    key: `${set === "QUIZ" ? "q" : "p"}${i + 1}`,
    promptKo: `문항 ${i + 1}`,
    promptEn: `Question ${i + 1}`,
    options: ["a", "b", "c", "d"].map((k) => ({ key: k, ...bi(`${set}${i + 1}${k}`) })),
    correctKey: "c",
    explanationKo: `해설 ${i + 1}`,
    explanationEn: `Explanation ${i + 1}`,
  });
  const version = await prisma.courseVersion.create({
    data: {
      courseId: course.id,
      version: 1,
      contentHash: tag,
      titleKo: `평가 시험 과정 ${tag}`,
      titleEn: `Quiz test course ${tag}`,
      summaryKo: "요약",
      summaryEn: "Summary",
      objectivesKo: ["목표"],
      objectivesEn: ["Objective"],
      estimatedMinutes: 20,
      passMark: 70,
      questionsPerAttempt: opts.draw ?? null,
      attemptsPerWindow: opts.perWindow ?? 3,
      attemptWaitHours: opts.waitHours ?? 24,
      minLessonMinutes: opts.minLessonMinutes ?? 0,
      lessons: {
        create: [1, 2].map((n) => ({
          position: n,
          slug: `lesson-${n}`,
          kind: "TEXT" as const,
          titleKo: `차시 ${n}`,
          titleEn: `Lesson ${n}`,
          bodyHtmlKo: "<p>본문</p>",
          bodyHtmlEn: "<p>Body</p>",
          sourcesKo: ["출처"],
          sourcesEn: ["Source"],
          estimatedMinutes: 10,
        })),
      },
      questions: {
        create: [
          ...Array.from({ length: opts.pool }, (_, i) => question("QUIZ", i)),
          ...Array.from({ length: opts.pretest ?? 0 }, (_, i) => question("PRETEST", i)),
        ],
      },
    },
  });
  const person = await createPerson((await createUnit("DIVISION")).id);
  const user = await createUser({ personId: person.id });
  const assignment = await prisma.assignment.create({ data: { personId: person.id, courseId: course.id } });
  return { version, assignmentId: assignment.id, cookie: await sessionCookieFor(user.id), personId: person.id };
}

type Page = { state?: string; submissionKey: string; questions: Array<{ key: string; options: Array<{ key: string; ko: string }> }> };

function learner(c: { assignmentId: string; cookie: string }) {
  const params = { assignmentId: c.assignmentId };
  return {
    openLesson: (slug: string) =>
      respond(() => lessonLoader({ request: getRequest(`/learn/${c.assignmentId}/lessons/${slug}`, c.cookie), params: { ...params, slug }, context: {} })),
    // The form carries only the intent: a client-side timer has nowhere to go but an ignored field.
    doneLesson: (slug: string, extra: Record<string, string> = {}) =>
      respond(() => lessonAction({ request: postForm("/x", { intent: "complete", ...extra }, c.cookie), params: { ...params, slug }, context: {} })),
    openQuiz: () => respond(() => quizLoader({ request: getRequest(`/learn/${c.assignmentId}/quiz`, c.cookie), params, context: {} })),
    submit: (paper: string, answers: Record<string, string>) =>
      respond(() =>
        quizAction({ request: postForm("/x", [...Object.entries(answers).map(([k, v]) => [`q:${k}`, v] as [string, string]), ["submission", paper]], c.cookie), params, context: {} }),
      ),
    result: (location: string) => {
      const attemptId = location.split("/").pop()!;
      return respond(() => resultLoader({ request: getRequest(location, c.cookie), params: { ...params, attemptId }, context: {} }));
    },
    course: () => respond(() => courseLoader({ request: getRequest(`/learn/${c.assignmentId}`, c.cookie), params, context: {} })),
  };
}

async function readAll(l: ReturnType<typeof learner>) {
  for (const slug of ["lesson-1", "lesson-2"]) {
    expect((await l.openLesson(slug)).status).toBe(200);
    expect((await l.doneLesson(slug)).status).toBe(302);
  }
}

const answersOf = (page: Page, right: (i: number) => boolean) =>
  Object.fromEntries(page.questions.map((q, i) => [q.key, right(i) ? "c" : q.options.find((o) => o.key !== "c")!.key]));

const minutes = (n: number) => setClock(new Date(now().getTime() + n * 60_000), { running: true });

afterAll(() => startTestClock());

describe("question pools", () => {
  it("draws each attempt's items from the pool and shuffles their options, and grades exactly what was shown, by option key", async () => {
    const c = await quizCourse({ pool: 12, draw: 5, perWindow: 10 });
    const l = learner(c);
    await readAll(l);
    const papers: Page[] = [];
    for (let n = 0; n < 4; n++) {
      const page: Page = await (await l.openQuiz()).json();
      expect(page.questions).toHaveLength(5);
      expect(new Set(page.questions.map((q) => q.key)).size).toBe(5);
      // Opening the page again shows the same paper until it is answered.
      const again: Page = await (await l.openQuiz()).json();
      expect(again).toEqual(page);
      // What was shown and stored are the same items, in the same order, options in the same order.
      const stored = await prisma.quizPaper.findUniqueOrThrow({ where: { id: page.submissionKey } });
      expect(stored.items).toEqual(page.questions.map((q) => ({ key: q.key, options: q.options.map((o) => o.key) })));
      // A question of the pool this paper did not show is not part of this attempt.
      const notShown = Array.from({ length: 12 }, (_, i) => `q${i + 1}`).find((k) => !page.questions.some((q) => q.key === k))!;
      const stray = await l.submit(page.submissionKey, { ...answersOf(page, () => true), [notShown]: "c" });
      expect(stray.status).toBe(400);
      // Three right (by key, wherever "c" stands among the options), two wrong: 60%.
      const sent = await l.submit(page.submissionKey, answersOf(page, (i) => i < 3));
      expect(sent.status).toBe(302);
      const attempt = await prisma.quizAttempt.findFirstOrThrow({ where: { submissionKey: page.submissionKey } });
      expect(attempt).toMatchObject({ correctCount: 3, questionCount: 5, scorePercent: 60, passed: false });
      expect(attempt.items).toEqual(stored.items);
      const result = await (await l.result(sent.headers.get("Location")!)).json();
      expect(result.items.map((i: { key: string }) => i.key)).toEqual(page.questions.map((q) => q.key));
      expect(result.items.map((i: { options: Array<{ key: string }> }) => i.options.map((o) => o.key))).toEqual(page.questions.map((q) => q.options.map((o) => o.key)));
      expect(result.items.map((i: { correct: boolean }) => i.correct)).toEqual([true, true, true, false, false]);
      papers.push(page);
    }
    const shape = (p: Page) => JSON.stringify(p.questions.map((q) => [q.key, q.options.map((o) => o.key)]));
    expect(new Set(papers.map(shape)).size).toBeGreaterThan(1);
    // Over four papers, more than five of the twelve questions were asked, and "c" did not always stand third.
    expect(new Set(papers.flatMap((p) => p.questions.map((q) => q.key))).size).toBeGreaterThan(5);
    expect(papers.flatMap((p) => p.questions.map((q) => q.options.findIndex((o) => o.key === "c"))).some((i) => i !== 2)).toBe(true);
  });

  it("asks every question when the course names no draw", async () => {
    const c = await quizCourse({ pool: 6 });
    const l = learner(c);
    await readAll(l);
    const page: Page = await (await l.openQuiz()).json();
    expect(page.questions.map((q) => q.key).sort()).toEqual(["q1", "q2", "q3", "q4", "q5", "q6"]);
  });
});

describe("attempts", () => {
  it("come in windows: after the last one, refused with 429 and nothing recorded until the wait is over", async () => {
    const c = await quizCourse({ pool: 4, perWindow: 2, waitHours: 24 });
    const l = learner(c);
    await readAll(l);
    const first: Page & { attempts: { remaining: number } } = await (await l.openQuiz()).json();
    expect(first.attempts.remaining).toBe(2);
    await l.submit(first.submissionKey, answersOf(first, () => false));
    const second: Page & { attempts: { remaining: number } } = await (await l.openQuiz()).json();
    expect(second.attempts.remaining).toBe(1);
    const sent = await l.submit(second.submissionKey, answersOf(second, () => false));
    const last = await prisma.quizAttempt.findFirstOrThrow({ where: { submissionKey: second.submissionKey } });
    const nextAt = new Date(last.createdAt.getTime() + 24 * 3_600_000);

    // The result and the course page say when the next attempt opens, and offer no retry.
    const result = await (await l.result(sent.headers.get("Location")!)).json();
    expect(result.attempts).toEqual({ remaining: 0, nextAt: nextAt.toISOString() });
    expect((await (await l.course()).json()).attempts).toMatchObject({ remaining: 0, nextAt: nextAt.toISOString() });

    // Opening the quiz: 429, no paper.
    const papers = await prisma.quizPaper.count({ where: { assignmentId: c.assignmentId } });
    const refused = await l.openQuiz();
    expect(refused.status).toBe(429);
    expect(await refused.json()).toMatchObject({ state: "closed", reason: "attempts", nextAt: nextAt.toISOString() });
    expect(await prisma.quizPaper.count({ where: { assignmentId: c.assignmentId } })).toBe(papers);

    // The same form sent again is the attempt already made, not a new one.
    const resent = await l.submit(second.submissionKey, answersOf(second, () => false));
    expect(resent.headers.get("Location")).toBe(sent.headers.get("Location"));

    // A paper handed out earlier (another tab) is refused: 429, nothing recorded.
    const stale = await prisma.quizPaper.create({
      data: { assignmentId: c.assignmentId, courseVersionId: c.version.id, set: "QUIZ", items: second.questions.map((q) => ({ key: q.key, options: q.options.map((o) => o.key) })), issuedAt: now() },
    });
    const late = await l.submit(stale.id, answersOf(second, () => true));
    expect(late.status).toBe(429);
    expect((await late.json()).formError).toBe(`이번 응시 기회를 모두 사용했습니다. 다음 응시는 ${formatMonthDayTime(nextAt, "ko")}부터 가능합니다.`);
    expect(await prisma.quizAttempt.count({ where: { assignmentId: c.assignmentId } })).toBe(2);

    // A minute before the wait is over, still closed; after it, a new window of two.
    setClock(new Date(nextAt.getTime() - 60_000), { running: true });
    expect((await l.openQuiz()).status).toBe(429);
    setClock(new Date(nextAt.getTime() + 1000), { running: true });
    const reopened = await l.openQuiz();
    expect(reopened.status).toBe(200);
    const third: Page & { attempts: { remaining: number } } = await reopened.json();
    expect(third.attempts.remaining).toBe(2);
    expect((await l.submit(third.submissionKey, answersOf(third, () => true))).status).toBe(302);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: c.assignmentId } })).status).toBe("COMPLETED");
  });

  it("are counted in windows from the attempts' own times", () => {
    const t0 = new Date("2030-03-01T00:00:00Z").getTime();
    const h = (n: number) => new Date(t0 + n * 3_600_000);
    expect(attemptAllowance([], 3, 24, h(0))).toMatchObject({ remaining: 3, nextAt: null });
    expect(attemptAllowance([h(0), h(1)], 3, 24, h(2))).toMatchObject({ remaining: 1, nextAt: null });
    expect(attemptAllowance([h(2), h(0), h(1)], 3, 24, h(3))).toMatchObject({ remaining: 0, nextAt: h(26) });
    expect(attemptAllowance([h(0), h(1), h(2)], 3, 24, h(26))).toMatchObject({ remaining: 3, nextAt: null });
    expect(attemptAllowance([h(0), h(1), h(2), h(30)], 3, 24, h(31))).toMatchObject({ remaining: 2, nextAt: null });
  });
});

describe("what a result shows", () => {
  it("a failed attempt: which items were wrong, never the correct option nor the explanations that state it; a passed one shows both", async () => {
    const c = await quizCourse({ pool: 5 });
    const l = learner(c);
    await readAll(l);
    const page: Page = await (await l.openQuiz()).json();
    const failed = await l.submit(page.submissionKey, answersOf(page, (i) => i === 0));
    const body = await (await l.result(failed.headers.get("Location")!)).text();
    const data = JSON.parse(body);
    expect(data.attempt.passed).toBe(false);
    expect(data.revealKey).toBe(false);
    expect(data.items.map((i: { correct: boolean }) => i.correct)).toEqual([true, false, false, false, false]);
    expect(data.items.every((i: { correctKey: unknown; explanationKo: unknown }) => i.correctKey === null && i.explanationKo === null)).toBe(true);
    // Nothing else in the data names the key.
    expect(body).not.toMatch(/"correctKey":"/);
    expect(body).not.toMatch(/"answer"|"correct_key"/);

    const retry: Page = await (await l.openQuiz()).json();
    const passed = await l.submit(retry.submissionKey, answersOf(retry, () => true));
    const shown = await (await l.result(passed.headers.get("Location")!)).json();
    expect(shown.revealKey).toBe(true);
    expect(shown.items.every((i: { correctKey: string; explanationKo: string }) => i.correctKey === "c" && i.explanationKo.startsWith("해설"))).toBe(true);
  });

  it("the pre-test: its score only, no item, no key; and it is taken once", async () => {
    const c = await quizCourse({ pool: 4, pretest: 3 });
    const l = learner(c);
    const params = { assignmentId: c.assignmentId };
    const opened = await respond(() => pretestLoader({ request: getRequest(`/learn/${c.assignmentId}/pretest`, c.cookie), params, context: {} }));
    const page: Page = await opened.json();
    expect(page.questions).toHaveLength(3);
    expect(JSON.stringify(page)).not.toMatch(/correct|answer/i);
    const form = [...page.questions.map((q) => [`q:${q.key}`, q.options[0]!.key] as [string, string]), ["submission", page.submissionKey] as [string, string]];
    const sent = await respond(() => pretestAction({ request: postForm("/x", form, c.cookie), params, context: {} }));
    expect(sent.status).toBe(302);
    const body = await (await l.result(sent.headers.get("Location")!)).text();
    const data = JSON.parse(body);
    expect(data.isPretest).toBe(true);
    expect(data.items).toEqual([]);
    expect(body).not.toMatch(/"correctKey"|"correct":|"explanation/);
    // Once: the page sends the learner back to the course, and another paper is refused.
    const again = await respond(() => pretestLoader({ request: getRequest(`/learn/${c.assignmentId}/pretest`, c.cookie), params, context: {} }));
    expect(again.status).toBe(302);
    const stale = await prisma.quizPaper.create({
      data: { assignmentId: c.assignmentId, courseVersionId: c.version.id, set: "PRETEST", items: page.questions.map((q) => ({ key: q.key, options: q.options.map((o) => o.key) })), issuedAt: now() },
    });
    const twice = await respond(() =>
      pretestAction({ request: postForm("/x", [...form.slice(0, -1), ["submission", stale.id]], c.cookie), params, context: {} }),
    );
    expect(twice.status).toBe(409);
    expect(await prisma.quizAttempt.count({ where: { assignmentId: c.assignmentId, set: "PRETEST" } })).toBe(1);
  });
});

describe("time in the lessons", () => {
  it("is counted on the server from each lesson's opening, and the quiz waits until it reaches the course's minimum", async () => {
    const c = await quizCourse({ pool: 3, minLessonMinutes: 15 });
    const l = learner(c);
    await l.openLesson("lesson-1");
    minutes(6);
    // Whatever the client claims, only the server's clock counts.
    await l.doneLesson("lesson-1", { seconds: "3600", minutes: "60" });
    // Lesson 2 opened and marked done straight away: no time.
    await l.openLesson("lesson-2");
    await l.doneLesson("lesson-2");
    const progress = await prisma.lessonProgress.findMany({ where: { assignmentId: c.assignmentId }, include: { lesson: true }, orderBy: { lesson: { position: "asc" } } });
    expect(progress.map((p) => p.secondsSpent >= 360 && p.secondsSpent < 370)).toEqual([true, false]);
    expect(progress[1]!.secondsSpent).toBeLessThan(5);

    const refused = await l.openQuiz();
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ state: "closed", reason: "lesson-time", remainingMinutes: 9 });
    expect((await (await l.course()).json()).remainingLessonMinutes).toBe(9);
    expect(await prisma.quizPaper.count({ where: { assignmentId: c.assignmentId } })).toBe(0);

    // Going back to a lesson and pressing "done" again adds the time since.
    await l.openLesson("lesson-1");
    minutes(5);
    await l.doneLesson("lesson-1");
    const still = await l.openQuiz();
    expect(await still.json()).toMatchObject({ reason: "lesson-time", remainingMinutes: 4 });
    // Lessons open side by side count once: two pages left open together for 10 minutes add 10, not 20.
    await l.openLesson("lesson-2");
    await l.openLesson("lesson-1");
    minutes(10);
    await l.doneLesson("lesson-2");
    await l.doneLesson("lesson-1");
    const total = (await prisma.lessonProgress.findMany({ where: { assignmentId: c.assignmentId } })).reduce((s, p) => s + p.secondsSpent, 0);
    expect(total).toBeGreaterThanOrEqual(21 * 60);
    expect(total).toBeLessThan(22 * 60);
    const open = await l.openQuiz();
    expect(open.status).toBe(200);
    expect((await open.json()).questions).toHaveLength(3);
  });

  it("is capped at twice a lesson's estimated time", async () => {
    const c = await quizCourse({ pool: 3, minLessonMinutes: 20 });
    const l = learner(c);
    await l.openLesson("lesson-1");
    minutes(8 * 60);
    await l.doneLesson("lesson-1");
    const [p] = await prisma.lessonProgress.findMany({ where: { assignmentId: c.assignmentId } });
    expect(p!.secondsSpent).toBe(20 * 60);
  });
});
