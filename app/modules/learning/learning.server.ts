import { prisma } from "~/utils/db.server";
import { issueCertificate } from "~/modules/certificates/certificates.server";

/** Thrown when a learner asks for something that is not theirs or does not exist. */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found`);
  }
}

export class InvalidSubmissionError extends Error {}

export interface MyAssignment {
  id: string;
  status: "ASSIGNED" | "IN_PROGRESS" | "COMPLETED" | "EXEMPTED";
  dueAt: Date;
  completedAt: Date | null;
  cycleLabel: string;
  obligationTitleKo: string;
  obligationTitleEn: string;
  legalBasisKo: string;
  legalBasisEn: string;
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
           c.label AS "cycleLabel", o.title_ko AS "obligationTitleKo", o.title_en AS "obligationTitleEn",
           o.legal_basis_ko AS "legalBasisKo", o.legal_basis_en AS "legalBasisEn",
           v.title_ko AS "courseTitleKo", v.title_en AS "courseTitleEn",
           v.estimated_minutes AS "estimatedMinutes",
           (SELECT count(*)::int FROM lesson l WHERE l.course_version_id = v.id) AS "lessonCount",
           (SELECT count(*)::int FROM lesson_progress p WHERE p.assignment_id = a.id) AS "lessonsDone",
           cert.id AS "certificateId"
    FROM assignment a
    JOIN cycle c ON c.id = a.cycle_id
    JOIN obligation o ON o.id = c.obligation_id
    LEFT JOIN latest ON latest.course_id = a.course_id
    JOIN course_version v ON v.id = COALESCE(a.course_version_id, latest.id)
    LEFT JOIN certificate cert ON cert.assignment_id = a.id AND cert.status = 'VALID'
    WHERE a.person_id = ${personId}::uuid AND c.status <> 'PLANNED'
    ORDER BY (a.status IN ('COMPLETED','EXEMPTED')), a.due_at, o.code`;
}

/** The learner's own assignment; anyone else's is "not found". */
async function ownAssignment(personId: string, assignmentId: string) {
  const assignment = await prisma.assignment.findFirst({
    where: { id: assignmentId, personId, cycle: { status: { not: "PLANNED" } } },
    include: { cycle: { include: { obligation: true } } },
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
        select: { id: true, slug: true, position: true, kind: true, titleKo: true, titleEn: true, estimatedMinutes: true },
      },
      _count: { select: { questions: true } },
    },
  });
  const done = await prisma.lessonProgress.findMany({
    where: { assignmentId },
    select: { lessonId: true },
  });
  const doneIds = new Set(done.map((d) => d.lessonId));
  const lastAttempt = await prisma.quizAttempt.findFirst({
    where: { assignmentId },
    orderBy: { createdAt: "desc" },
    select: { scorePercent: true, passed: true, createdAt: true },
  });
  const certificate = await prisma.certificate.findFirst({
    where: { assignmentId, status: "VALID" },
    select: { id: true, number: true, verificationCode: true },
  });
  const lessons = version.lessons.map((l) => ({ ...l, done: doneIds.has(l.id) }));
  const resumeLesson =
    lessons.find((l) => l.id === assignment.lastLessonId && !l.done) ?? lessons.find((l) => !l.done) ?? null;
  return { assignment, version, lessons, resumeLesson, lastAttempt, certificate };
}

/** Pin the content version on first start so later edits never break progress. */
async function ensureStarted(assignmentId: string, courseId: string) {
  const versionId = await latestVersionId(courseId);
  await prisma.$executeRaw`
    UPDATE assignment
    SET course_version_id = COALESCE(course_version_id, ${versionId}::uuid),
        started_at = COALESCE(started_at, now()),
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
    next: course.lessons[index + 1] ?? null,
  };
}

export async function completeLesson(personId: string, assignmentId: string, slug: string) {
  const course = await getCourseForLearner(personId, assignmentId);
  const lesson = course.lessons.find((l) => l.slug === slug);
  if (!lesson) throw new NotFoundError("lesson");
  await ensureStarted(assignmentId, course.assignment.courseId);
  await prisma.lessonProgress.upsert({
    where: { assignmentId_lessonId: { assignmentId, lessonId: lesson.id } },
    create: { assignmentId, lessonId: lesson.id },
    update: {},
  });
  const index = course.lessons.indexOf(lesson);
  return { next: course.lessons[index + 1] ?? null };
}

export async function getQuizForLearner(personId: string, assignmentId: string) {
  const course = await getCourseForLearner(personId, assignmentId);
  const questions = await prisma.quizQuestion.findMany({
    where: { courseVersionId: course.version.id },
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
 * options; anything else is refused before anything is written.
 */
export async function submitQuiz(personId: string, assignmentId: string, answers: QuizAnswers): Promise<QuizResult> {
  const quiz = await getQuizForLearner(personId, assignmentId);
  if (quiz.assignment.status === "EXEMPTED") throw new InvalidSubmissionError("exempted");
  const byKey = new Map(quiz.questions.map((q) => [q.key, q]));
  for (const key of Object.keys(answers)) {
    if (!byKey.has(key)) throw new InvalidSubmissionError(`unknown question ${key}`);
  }
  let correct = 0;
  for (const q of quiz.questions) {
    const answer = answers[q.key];
    const options = q.options as Array<{ key: string }>;
    if (!answer) throw new InvalidSubmissionError(`unanswered ${q.key}`);
    if (!options.some((o) => o.key === answer)) throw new InvalidSubmissionError(`unknown option for ${q.key}`);
    if (answer === q.correctKey) correct++;
  }
  const questionCount = quiz.questions.length;
  const scorePercent = questionCount === 0 ? 0 : Math.round((correct * 100) / questionCount);
  const lessonsComplete = quiz.lessons.every((l) => l.done);
  const passed = scorePercent >= quiz.version.passMark;

  const attempt = await prisma.quizAttempt.create({
    data: {
      assignmentId,
      courseVersionId: quiz.version.id,
      answers,
      correctCount: correct,
      questionCount,
      scorePercent,
      passed,
    },
  });
  let certificateId: string | null = quiz.certificate?.id ?? null;
  if (passed && lessonsComplete && quiz.assignment.status !== "COMPLETED") {
    certificateId = await completeAssignment(assignmentId);
  }
  return { attemptId: attempt.id, passed, scorePercent, correctCount: correct, questionCount, certificateId };
}

/** Mark complete and issue the certificate in one transaction: evidence is never half-written. */
async function completeAssignment(assignmentId: string): Promise<string> {
  return prisma.$transaction(async (tx) => {
    const updated = await tx.assignment.updateMany({
      where: { id: assignmentId, status: { in: ["ASSIGNED", "IN_PROGRESS"] } },
      data: { status: "COMPLETED", completedAt: new Date() },
    });
    const existing = await tx.certificate.findUnique({ where: { assignmentId }, select: { id: true } });
    if (existing) return existing.id;
    if (updated.count === 0) throw new InvalidSubmissionError("not completable");
    return issueCertificate(tx, assignmentId);
  });
}

export async function getAttemptForLearner(personId: string, assignmentId: string, attemptId: string) {
  const quiz = await getQuizForLearner(personId, assignmentId);
  const attempt = await prisma.quizAttempt.findFirst({ where: { id: attemptId, assignmentId } });
  if (!attempt) throw new NotFoundError("attempt");
  return { ...quiz, attempt };
}
