import { prisma } from "~/utils/db.server";
import { issueCertificate } from "~/modules/certificates/certificates.server";
import { isUuid } from "~/utils/ids";
import { now } from "~/utils/clock.server";

/** Thrown when a learner asks for something that is not theirs or does not exist. */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class InvalidSubmissionError extends Error {
  /** For a quiz: questions that are not in it, or the 1-based positions left unanswered. */
  constructor(
    message: string,
    public detail?: { unknownQuestions?: string[]; unanswered?: number[] },
  ) {
    super(message);
  }
}

export interface MyAssignment {
  id: string;
  status: "ASSIGNED" | "IN_PROGRESS" | "COMPLETED" | "EXEMPTED";
  dueAt: Date | null;
  completedAt: Date | null;
  completionMode: "ONLINE" | "IN_PERSON" | null;
  /** Null for a course chosen from the academy catalog. */
  cycleLabel: string | null;
  obligationTitleKo: string | null;
  obligationTitleEn: string | null;
  legalBasisKo: string | null;
  legalBasisEn: string | null;
  courseTitleKo: string;
  courseTitleEn: string;
  estimatedMinutes: number;
  lessonCount: number;
  lessonsDone: number;
  certificateId: string | null;
}

/**
 * Everything a person owes, with progress, in one query. The course shown is
 * the pinned version once started, otherwise the latest published one.
 */
export async function listMyAssignments(personId: string): Promise<MyAssignment[]> {
  return prisma.$queryRaw<MyAssignment[]>`
    WITH latest AS (
      SELECT DISTINCT ON (course_id) id, course_id FROM course_version
      ORDER BY course_id, version DESC
    )
    SELECT a.id, a.status::text AS status, a.due_at AS "dueAt", a.completed_at AS "completedAt",
           a.completion_mode::text AS "completionMode", c.label AS "cycleLabel", o.title_ko AS "obligationTitleKo", o.title_en AS "obligationTitleEn",
           o.legal_basis_ko AS "legalBasisKo", o.legal_basis_en AS "legalBasisEn",
           v.title_ko AS "courseTitleKo", v.title_en AS "courseTitleEn",
           v.estimated_minutes AS "estimatedMinutes",
           (SELECT count(*)::int FROM lesson l WHERE l.course_version_id = v.id AND l.core)
             + COALESCE(v.case_path_required, 0) AS "lessonCount",
           (SELECT count(*) FILTER (WHERE l.core)::int
                   + LEAST(count(*) FILTER (WHERE NOT l.core), COALESCE(v.case_path_required, 0))::int
            FROM lesson_progress p JOIN lesson l ON l.id = p.lesson_id
            WHERE p.assignment_id = a.id AND l.course_version_id = v.id) AS "lessonsDone",
           cert.id AS "certificateId"
    FROM assignment a
    LEFT JOIN cycle c ON c.id = a.cycle_id
    LEFT JOIN obligation o ON o.id = c.obligation_id
    LEFT JOIN latest ON latest.course_id = a.course_id
    JOIN course_version v ON v.id = COALESCE(a.course_version_id, latest.id)
    LEFT JOIN certificate cert ON cert.assignment_id = a.id AND cert.status = 'VALID'
    WHERE a.person_id = ${personId}::uuid
      AND (c.id IS NULL OR c.status = 'OPEN' OR (c.status = 'CLOSED' AND a.status = 'COMPLETED'))
    ORDER BY (c.id IS NULL), (a.status IN ('COMPLETED','EXEMPTED')), a.due_at NULLS LAST, o.code, a.assigned_at`;
}

type PathLesson = { id: string; kind: string; core: boolean; jobFamily: string | null; done: boolean };

/**
 * What this learner must do: every core lesson, plus `required` case studies
 * of their choice. Their own job family's cases come first, then the rest in
 * course order. `complete` once the required ones are done.
 */
export function coursePath<L extends PathLesson>(lessons: L[], required: number | null, jobFamily: string | null) {
  const core = lessons.filter((l) => l.core);
  const optional = lessons
    .filter((l) => !l.core)
    .sort((a, b) => Number(b.jobFamily === jobFamily) - Number(a.jobFamily === jobFamily));
  const need = required ?? 0;
  const chosenDone = optional.filter((l) => l.done).length;
  const coreDone = core.filter((l) => l.done).length;
  const casesStillNeeded = Math.max(0, need - chosenDone);
  const todo = [
    ...lessons.filter((l) => l.core && !l.done),
    ...optional.filter((l) => !l.done).slice(0, casesStillNeeded),
  ].sort((a, b) => lessons.indexOf(a) - lessons.indexOf(b));
  return {
    core,
    optional,
    required: need,
    total: core.length + need,
    done: coreDone + Math.min(chosenDone, need),
    todo,
    complete: coreDone === core.length && chosenDone >= need,
  };
}

/** A closed cycle's records are frozen: nothing more can be recorded against them. */
function assertOpen(assignment: { cycle: { status: string } | null }) {
  if (assignment.cycle?.status === "CLOSED") throw new InvalidSubmissionError("the cycle is closed");
}

/** The lesson still to do after `currentId` in course order, else the first still to do; null means the quiz. */
function nextToDo<L extends { id: string }>(lessons: L[], todo: L[], currentId: string): L | null {
  const others = todo.filter((l) => l.id !== currentId);
  const index = lessons.findIndex((l) => l.id === currentId);
  return others.find((l) => lessons.findIndex((x) => x.id === l.id) > index) ?? others[0] ?? null;
}

/** The learner's own assignment; anyone else's is "not found". */
async function ownAssignment(personId: string, assignmentId: string) {
  if (!isUuid(assignmentId)) throw new NotFoundError("assignment");
  const assignment = await prisma.assignment.findFirst({
    where: { id: assignmentId, personId, OR: [{ cycleId: null }, { cycle: { status: { not: "PLANNED" } } }] },
    include: { cycle: { include: { obligation: true } }, person: { select: { jobFamily: true } } },
  });
  if (!assignment) throw new NotFoundError("assignment");
  return assignment;
}

async function latestVersionId(courseId: string): Promise<string> {
  const v = await prisma.courseVersion.findFirst({
    where: { courseId },
    orderBy: { version: "desc" },
    select: { id: true },
  });
  if (!v) throw new NotFoundError("course version");
  return v.id;
}

/** The course as this learner sees it, pinned to the version they started. */
export async function getCourseForLearner(personId: string, assignmentId: string) {
  const assignment = await ownAssignment(personId, assignmentId);
  const versionId = assignment.courseVersionId ?? (await latestVersionId(assignment.courseId));
  const version = await prisma.courseVersion.findUniqueOrThrow({
    where: { id: versionId },
    include: {
      lessons: {
        orderBy: { position: "asc" },
        select: {
          id: true, slug: true, position: true, kind: true, titleKo: true, titleEn: true,
          estimatedMinutes: true, core: true, jobFamily: true,
        },
      },
    },
  });
  const questionCounts = await prisma.quizQuestion.groupBy({
    by: ["set"],
    where: { courseVersionId: versionId },
    _count: { _all: true },
  });
  const countOf = (set: "QUIZ" | "PRETEST") => questionCounts.find((c) => c.set === set)?._count._all ?? 0;
  const done = await prisma.lessonProgress.findMany({
    where: { assignmentId },
    select: { lessonId: true },
  });
  const doneIds = new Set(done.map((d) => d.lessonId));
  const lastAttempt = await prisma.quizAttempt.findFirst({
    where: { assignmentId, set: "QUIZ" },
    orderBy: { createdAt: "desc" },
    select: { scorePercent: true, passed: true, createdAt: true },
  });
  const certificate = await prisma.certificate.findFirst({
    where: { assignmentId, status: "VALID" },
    select: { id: true, number: true, verificationCode: true },
  });
  const pretestTaken =
    countOf("PRETEST") > 0 && (await prisma.quizAttempt.count({ where: { assignmentId, set: "PRETEST" } })) > 0;
  const lessons = version.lessons.map((l) => ({ ...l, done: doneIds.has(l.id) }));
  const path = coursePath(lessons, version.casePathRequired, assignment.person.jobFamily);
  const resumeLesson =
    path.todo.find((l) => l.id === assignment.lastLessonId) ?? path.todo[0] ?? null;
  return {
    assignment,
    version,
    lessons,
    path,
    resumeLesson,
    lastAttempt,
    certificate,
    quizCount: countOf("QUIZ"),
    pretestCount: countOf("PRETEST"),
    pretestTaken,
  };
}

/** Pin the content version on first start so later edits never break progress. */
async function ensureStarted(assignmentId: string, courseId: string) {
  const versionId = await latestVersionId(courseId);
  await prisma.$executeRaw`
    UPDATE assignment
    SET course_version_id = COALESCE(course_version_id, ${versionId}::uuid),
        started_at = COALESCE(started_at, ${now()}::timestamptz),
        status = CASE WHEN status = 'ASSIGNED' THEN 'IN_PROGRESS'::"AssignmentStatus" ELSE status END
    WHERE id = ${assignmentId}::uuid`;
}

export async function getLessonForLearner(personId: string, assignmentId: string, slug: string) {
  const course = await getCourseForLearner(personId, assignmentId);
  const index = course.lessons.findIndex((l) => l.slug === slug);
  if (index < 0) throw new NotFoundError("lesson");
  if (course.assignment.status === "ASSIGNED") {
    await ensureStarted(assignmentId, course.assignment.courseId);
  }
  const lesson = await prisma.lesson.findUniqueOrThrow({ where: { id: course.lessons[index]!.id } });
  await prisma.assignment.update({ where: { id: assignmentId }, data: { lastLessonId: lesson.id } });
  return {
    ...course,
    lesson,
    index,
    previous: course.lessons[index - 1] ?? null,
    // Where "done" leads: the next lesson still to do, else the quiz.
    next: nextToDo(course.lessons, course.path.todo, lesson.id),
  };
}

export async function completeLesson(personId: string, assignmentId: string, slug: string) {
  const course = await getCourseForLearner(personId, assignmentId);
  const lesson = course.lessons.find((l) => l.slug === slug);
  if (!lesson) throw new NotFoundError("lesson");
  assertOpen(course.assignment);
  await ensureStarted(assignmentId, course.assignment.courseId);
  // A double click sends this twice at once: the second insert finds the first and does nothing.
  await prisma.$executeRaw`
    INSERT INTO lesson_progress (assignment_id, lesson_id, completed_at)
    VALUES (${assignmentId}::uuid, ${lesson.id}::uuid, ${now()}::timestamptz)
    ON CONFLICT (assignment_id, lesson_id) DO NOTHING`;
  const lessons = course.lessons.map((l) => (l.id === lesson.id ? { ...l, done: true } : l));
  const path = coursePath(lessons, course.version.casePathRequired, course.assignment.person.jobFamily);
  return { next: nextToDo(lessons, path.todo, lesson.id) };
}

export async function getQuizForLearner(personId: string, assignmentId: string, set: "QUIZ" | "PRETEST" = "QUIZ") {
  const course = await getCourseForLearner(personId, assignmentId);
  const questions = await prisma.quizQuestion.findMany({
    where: { courseVersionId: course.version.id, set },
    orderBy: { position: "asc" },
  });
  return { ...course, questions };
}

export type QuizAnswers = Record<string, string>;

export interface QuizResult {
  attemptId: string;
  passed: boolean;
  scorePercent: number;
  correctCount: number;
  questionCount: number;
  certificateId: string | null;
}

/**
 * Grade a submission. Every question must be answered with one of its
 * options; anything else is refused before anything is written. A
 * submission carrying the key its form was handed out with is recorded
 * once: the same form sent again (a double click, a resent request) gets the
 * first attempt back instead of a second one.
 */
export async function submitQuiz(
  personId: string,
  assignmentId: string,
  answers: QuizAnswers,
  set: "QUIZ" | "PRETEST" = "QUIZ",
  submissionKey: string | null = null,
): Promise<QuizResult> {
  const quiz = await getQuizForLearner(personId, assignmentId, set);
  if (quiz.questions.length === 0) throw new NotFoundError("questions");
  assertOpen(quiz.assignment);
  if (quiz.assignment.status === "EXEMPTED") throw new InvalidSubmissionError("exempted");
  const known = new Set(quiz.questions.map((q) => q.key));
  const unknownQuestions = Object.keys(answers).filter((k) => !known.has(k));
  if (unknownQuestions.length) throw new InvalidSubmissionError("unknown question", { unknownQuestions });
  const unanswered = quiz.questions.flatMap((q, i) => (answers[q.key] ? [] : [i + 1]));
  if (unanswered.length) throw new InvalidSubmissionError("unanswered", { unanswered });
  let correct = 0;
  for (const q of quiz.questions) {
    const answer = answers[q.key]!;
    const options = q.options as Array<{ key: string }>;
    if (!options.some((o) => o.key === answer)) throw new InvalidSubmissionError(`unknown option for ${q.key}`);
    if (answer === q.correctKey) correct++;
  }
  const questionCount = quiz.questions.length;
  const scorePercent = questionCount === 0 ? 0 : Math.round((correct * 100) / questionCount);
  const lessonsComplete = quiz.path.complete;
  // A pre-test measures what the learner knew before: it never passes or completes anything.
  const passed = set === "QUIZ" && scorePercent >= quiz.version.passMark;

  const [inserted] = await prisma.$queryRaw<Array<{ id: string }>>`
    INSERT INTO quiz_attempt (assignment_id, course_version_id, "set", answers, correct_count, question_count, score_percent, passed, created_at, submission_key)
    VALUES (${assignmentId}::uuid, ${quiz.version.id}::uuid, ${set}::"QuestionSet", ${JSON.stringify(answers)}::jsonb, ${correct}, ${questionCount},
      ${scorePercent}, ${passed}, ${now()}::timestamptz, ${submissionKey}::uuid)
    ON CONFLICT (assignment_id, submission_key) DO NOTHING
    RETURNING id`;
  if (!inserted) return sameSubmission(assignmentId, submissionKey!);
  const attempt = inserted;
  let certificateId: string | null = quiz.certificate?.id ?? null;
  if (passed && lessonsComplete && quiz.assignment.status !== "COMPLETED") {
    certificateId = await completeAssignment(assignmentId);
  }
  return { attemptId: attempt.id, passed, scorePercent, correctCount: correct, questionCount, certificateId };
}

/** The attempt an earlier copy of the same submission recorded. */
async function sameSubmission(assignmentId: string, submissionKey: string): Promise<QuizResult> {
  const first = await prisma.quizAttempt.findUniqueOrThrow({ where: { assignmentId_submissionKey: { assignmentId, submissionKey } } });
  const certificate = await prisma.certificate.findUnique({ where: { assignmentId }, select: { id: true } });
  return {
    attemptId: first.id,
    passed: first.passed,
    scorePercent: first.scorePercent,
    correctCount: first.correctCount,
    questionCount: first.questionCount,
    certificateId: certificate?.id ?? null,
  };
}

/** Mark complete and issue the certificate in one transaction: evidence is never half-written. */
async function completeAssignment(assignmentId: string): Promise<string> {
  return prisma.$transaction(async (tx) => {
    const updated = await tx.assignment.updateMany({
      where: { id: assignmentId, status: { in: ["ASSIGNED", "IN_PROGRESS"] } },
      data: { status: "COMPLETED", completedAt: now(), completionMode: "ONLINE" },
    });
    const existing = await tx.certificate.findUnique({ where: { assignmentId }, select: { id: true } });
    if (existing) return existing.id;
    if (updated.count === 0) throw new InvalidSubmissionError("not completable");
    return issueCertificate(tx, assignmentId);
  });
}

export async function getAttemptForLearner(personId: string, assignmentId: string, attemptId: string) {
  if (!isUuid(attemptId)) throw new NotFoundError("attempt");
  const attempt = await prisma.quizAttempt.findFirst({ where: { id: attemptId, assignmentId } });
  if (!attempt) throw new NotFoundError("attempt");
  const quiz = await getQuizForLearner(personId, assignmentId, attempt.set);
  return { ...quiz, attempt };
}
