import { randomInt } from "node:crypto";
import { Prisma, prisma } from "~/utils/db.server";
import type { Lesson } from "~/generated/prisma/client";
import type { AssignmentStatus, CompletionMode, CycleStatus, JobFamily } from "~/generated/prisma/enums";
import { issueCertificate } from "~/modules/certificates/certificates.server";
import { isUuid } from "~/utils/ids";
import { now } from "~/utils/clock.server";
import { advanceTraineesAfterCompletion } from "~/modules/lecturers/stages.server";

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
    public detail?: { unknownQuestions?: string[]; unanswered?: number[]; unknownPaper?: boolean },
  ) {
    super(message);
  }
}

/**
 * The quiz is not open to this learner now; nothing was recorded. `lessons`: the lessons on their
 * path are not all done; `lesson-time`: not enough time in the lessons yet (`remainingMinutes`);
 * `attempts`: the attempts of this window are used (`nextAt`: when the next window opens);
 * `pretest-taken`: the pre-test is taken once.
 */
export class QuizRefusedError extends Error {
  constructor(
    public reason: "lessons" | "lesson-time" | "attempts" | "pretest-taken",
    public detail: { remainingMinutes?: number; nextAt?: Date } = {},
  ) {
    super(`quiz refused: ${reason}`);
  }
}

export interface MyAssignment {
  id: string;
  status: "ASSIGNED" | "IN_PROGRESS" | "COMPLETED" | "EXEMPTED";
  dueAt: Date | null;
  completedAt: Date | null;
  completionMode: CompletionMode | null;
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
export function listMyAssignments(personId: string): Promise<MyAssignment[]> {
  return prisma.$queryRaw<MyAssignment[]>(myAssignmentsQuery(personId));
}

/** The statement of listMyAssignments, for a page that reads it together with other things (the learner's home). */
export function myAssignmentsQuery(personId: string): Prisma.Sql {
  return Prisma.sql`
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

/** Where attempts stand: how many are left in this window, or when the next window opens. */
export interface AttemptAllowance {
  perWindow: number;
  waitHours: number;
  remaining: number;
  /** Set when none remain: the moment the next window opens. */
  nextAt: Date | null;
}

/**
 * Attempts come in windows of `perWindow`; the attempt that uses a window's last one starts a
 * wait of `waitHours`, after which a new window opens. `times` are the attempts made, any order.
 */
export function attemptAllowance(times: Date[], perWindow: number, waitHours: number, at: Date): AttemptAllowance {
  let used = 0;
  let lockedUntil: number | null = null;
  for (const t of times.map((d) => d.getTime()).sort((a, b) => a - b)) {
    if (lockedUntil !== null && t >= lockedUntil) {
      used = 0;
      lockedUntil = null;
    }
    used++;
    if (used >= perWindow) lockedUntil = t + waitHours * 3_600_000;
  }
  if (lockedUntil !== null && at.getTime() >= lockedUntil) used = 0;
  else if (lockedUntil !== null) return { perWindow, waitHours, remaining: 0, nextAt: new Date(lockedUntil) };
  return { perWindow, waitHours, remaining: Math.max(0, perWindow - used), nextAt: null };
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

async function latestVersionId(courseId: string): Promise<string> {
  const v = await prisma.courseVersion.findFirst({
    where: { courseId },
    orderBy: { version: "desc" },
    select: { id: true },
  });
  if (!v) throw new NotFoundError("course version");
  return v.id;
}

/** What getCourseForLearner reads of the assignment. */
export interface LearnerAssignment {
  id: string;
  courseId: string;
  courseVersionId: string | null;
  status: AssignmentStatus;
  dueAt: Date | null;
  lastLessonId: string | null;
  cycle: { label: string; status: CycleStatus; obligation: { titleKo: string; titleEn: string } } | null;
  person: { jobFamily: JobFamily | null };
}

interface LearnerRow {
  id: string;
  courseId: string;
  courseVersionId: string | null;
  status: AssignmentStatus;
  dueAt: Date | null;
  lastLessonId: string | null;
  cycleLabel: string | null;
  cycleStatus: CycleStatus | null;
  obligationTitleKo: string | null;
  obligationTitleEn: string | null;
  jobFamily: JobFamily | null;
  /** The pinned version, else the latest one (null: the course has none). */
  versionId: string | null;
  done: Array<{ lessonId: string; secondsSpent: number }>;
  /** The lessons of this assignment opened at least once. */
  visited: string[];
  quizTimes: Date[];
  lastAttempt: { scorePercent: number; passed: boolean; createdAt: string } | null;
  certificate: { id: string; number: string; verificationCode: string } | null;
  pretestAttempted: boolean;
}

/**
 * The learner's own assignment with everything of theirs the course pages show, in one statement:
 * anyone else's assignment, or one of a planned cycle, is "not found".
 */
async function learnerState(personId: string, assignmentId: string): Promise<LearnerRow> {
  if (!isUuid(assignmentId)) throw new NotFoundError("assignment");
  const [row] = await prisma.$queryRaw<LearnerRow[]>`
    SELECT a.id, a.course_id AS "courseId", a.course_version_id AS "courseVersionId", a.status::text AS status,
           a.due_at AS "dueAt", a.last_lesson_id AS "lastLessonId",
           c.label AS "cycleLabel", c.status::text AS "cycleStatus", o.title_ko AS "obligationTitleKo", o.title_en AS "obligationTitleEn",
           p.job_family::text AS "jobFamily",
           COALESCE(a.course_version_id,
                    (SELECT v.id FROM course_version v WHERE v.course_id = a.course_id ORDER BY v.version DESC LIMIT 1)) AS "versionId",
           COALESCE((SELECT json_agg(json_build_object('lessonId', lp.lesson_id, 'secondsSpent', lp.seconds_spent))
                     FROM lesson_progress lp WHERE lp.assignment_id = a.id), '[]'::json) AS done,
           ARRAY(SELECT lv.lesson_id::text FROM lesson_visit lv WHERE lv.assignment_id = a.id) AS visited,
           ARRAY(SELECT q.created_at FROM quiz_attempt q WHERE q.assignment_id = a.id AND q."set" = 'QUIZ') AS "quizTimes",
           (SELECT json_build_object('scorePercent', q.score_percent, 'passed', q.passed, 'createdAt', q.created_at)
            FROM quiz_attempt q WHERE q.assignment_id = a.id AND q."set" = 'QUIZ' ORDER BY q.created_at DESC LIMIT 1) AS "lastAttempt",
           (SELECT json_build_object('id', ce.id, 'number', ce.number, 'verificationCode', ce.verification_code)
            FROM certificate ce WHERE ce.assignment_id = a.id AND ce.status = 'VALID' LIMIT 1) AS certificate,
           EXISTS (SELECT 1 FROM quiz_attempt q WHERE q.assignment_id = a.id AND q."set" = 'PRETEST') AS "pretestAttempted"
    FROM assignment a
    JOIN person p ON p.id = a.person_id
    LEFT JOIN cycle c ON c.id = a.cycle_id
    LEFT JOIN obligation o ON o.id = c.obligation_id
    WHERE a.id = ${assignmentId}::uuid AND a.person_id = ${personId}::uuid
      AND (a.cycle_id IS NULL OR c.status <> 'PLANNED')`;
  if (!row) throw new NotFoundError("assignment");
  if (!row.versionId) throw new NotFoundError("course version");
  return row;
}

const versionInclude = {
  lessons: {
    orderBy: { position: "asc" },
    select: {
      id: true, slug: true, position: true, kind: true, titleKo: true, titleEn: true,
      estimatedMinutes: true, core: true, jobFamily: true,
    },
  },
} satisfies Prisma.CourseVersionInclude;

/** A published course version as its learners read it: the version, its lessons (with their text) and the size of its question sets. */
interface VersionContent {
  version: Prisma.CourseVersionGetPayload<{ include: typeof versionInclude }>;
  lessons: Map<string, Lesson>;
  quizCount: number;
  pretestCount: number;
}

// A published version never changes (content/load.server.ts refuses a changed one under the same
// number; a change is a new version with a new id), so each process reads a version once. Few
// versions exist (a handful per course); the oldest read is dropped past the limit.
const VERSIONS_KEPT = 200;
const versions = new Map<string, Promise<VersionContent>>();

function versionContent(versionId: string): Promise<VersionContent> {
  const known = versions.get(versionId);
  if (known) return known;
  const read = readVersion(versionId);
  versions.set(versionId, read);
  if (versions.size > VERSIONS_KEPT) versions.delete(versions.keys().next().value!);
  read.catch(() => versions.delete(versionId));
  return read;
}

async function readVersion(versionId: string): Promise<VersionContent> {
  const [version, lessons, counts] = await Promise.all([
    prisma.courseVersion.findUniqueOrThrow({ where: { id: versionId }, include: versionInclude }),
    prisma.lesson.findMany({ where: { courseVersionId: versionId } }),
    prisma.quizQuestion.groupBy({ by: ["set"], where: { courseVersionId: versionId }, _count: { _all: true } }),
  ]);
  const countOf = (set: "QUIZ" | "PRETEST") => counts.find((c) => c.set === set)?._count._all ?? 0;
  return { version, lessons: new Map(lessons.map((l) => [l.id, l])), quizCount: countOf("QUIZ"), pretestCount: countOf("PRETEST") };
}

/** The course as this learner sees it, pinned to the version they started. */
export async function getCourseForLearner(personId: string, assignmentId: string) {
  const row = await learnerState(personId, assignmentId);
  const content = await versionContent(row.versionId!);
  const { version } = content;
  const assignment: LearnerAssignment = {
    id: row.id,
    courseId: row.courseId,
    courseVersionId: row.courseVersionId,
    status: row.status,
    dueAt: row.dueAt,
    lastLessonId: row.lastLessonId,
    cycle: row.cycleStatus
      ? { label: row.cycleLabel!, status: row.cycleStatus, obligation: { titleKo: row.obligationTitleKo!, titleEn: row.obligationTitleEn! } }
      : null,
    person: { jobFamily: row.jobFamily },
  };
  const done = row.done;
  const doneIds = new Set(done.map((d) => d.lessonId));
  const lastAttempt = row.lastAttempt ? { ...row.lastAttempt, createdAt: new Date(row.lastAttempt.createdAt) } : null;
  const certificate = row.certificate;
  const pretestTaken = content.pretestCount > 0 && row.pretestAttempted;
  const lessons = version.lessons.map((l) => ({ ...l, done: doneIds.has(l.id) }));
  const path = coursePath(lessons, version.casePathRequired, assignment.person.jobFamily);
  const versionLessons = new Set(version.lessons.map((l) => l.id));
  const lessonSeconds = done.filter((d) => versionLessons.has(d.lessonId)).reduce((sum, d) => sum + d.secondsSpent, 0);
  const remainingLessonMinutes = Math.max(0, Math.ceil((version.minLessonMinutes * 60 - lessonSeconds) / 60));
  const attempts = attemptAllowance(row.quizTimes, version.attemptsPerWindow, version.attemptWaitHours, now());
  const resumeLesson =
    path.todo.find((l) => l.id === assignment.lastLessonId) ?? path.todo[0] ?? null;
  return {
    assignment,
    version,
    /** Each lesson of the version with its text, by id. */
    lessonTexts: content.lessons,
    /** The lessons opened at least once. */
    visited: new Set(row.visited),
    lessons,
    path,
    resumeLesson,
    lastAttempt,
    certificate,
    quizCount: Math.min(content.quizCount, version.questionsPerAttempt ?? Infinity),
    poolCount: content.quizCount,
    remainingLessonMinutes,
    attempts,
    pretestCount: content.pretestCount,
    pretestTaken,
  };
}

type Db = Pick<typeof prisma, "quizAttempt">;

/** The attempts left to this assignment now, on the course version's terms. */
async function quizAllowance(db: Db, assignmentId: string, version: { attemptsPerWindow: number; attemptWaitHours: number }) {
  const made = await db.quizAttempt.findMany({ where: { assignmentId, set: "QUIZ" }, select: { createdAt: true } });
  return attemptAllowance(made.map((a) => a.createdAt), version.attemptsPerWindow, version.attemptWaitHours, now());
}

/** Why the quiz is closed to this learner now, if it is: lessons first, then lesson time, then attempts. */
function quizRefusal(course: {
  path: { complete: boolean };
  remainingLessonMinutes: number;
  attempts: AttemptAllowance;
}): QuizRefusedError | null {
  if (!course.path.complete) return new QuizRefusedError("lessons");
  if (course.remainingLessonMinutes > 0) return new QuizRefusedError("lesson-time", { remainingMinutes: course.remainingLessonMinutes });
  if (course.attempts.remaining === 0) return new QuizRefusedError("attempts", { nextAt: course.attempts.nextAt ?? undefined });
  return null;
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
  const lesson = course.lessonTexts.get(course.lessons[index]!.id)!;
  // Where the learner resumes, and when they first opened the lesson (time in a lesson counts from
  // then, as the server saw it): one statement, which writes nothing when neither has changed, and
  // is not sent at all when the learner reads again the lesson they were reading.
  const unchanged = course.assignment.lastLessonId === lesson.id && course.visited.has(lesson.id);
  if (!unchanged) await prisma.$executeRaw`
    WITH visit AS (
      INSERT INTO lesson_visit (assignment_id, lesson_id, first_opened_at)
      VALUES (${assignmentId}::uuid, ${lesson.id}::uuid, ${now()}::timestamptz)
      ON CONFLICT (assignment_id, lesson_id) DO NOTHING
    )
    UPDATE assignment SET last_lesson_id = ${lesson.id}::uuid
    WHERE id = ${assignmentId}::uuid AND last_lesson_id IS DISTINCT FROM ${lesson.id}::uuid`;
  return {
    ...course,
    lesson,
    index,
    previous: course.lessons[index - 1] ?? null,
    // Where "done" leads: the next lesson still to do, else the quiz.
    next: nextToDo(course.lessons, course.path.todo, lesson.id),
  };
}

/**
 * Record a lesson done, with the time spent in it, on the server's clock: from when the lesson page
 * was first opened, or from when time was last counted in this course if that is later (lessons
 * open side by side count once), to now. Pressing "done" again on a lesson already done adds the
 * time since time was last counted. A lesson counts at most twice its estimated time (a page left
 * open overnight is not study). Nothing the client sends is counted.
 */
async function countLessonTime(assignmentId: string, lessonId: string, estimatedMinutes: number) {
  const cap = estimatedMinutes * 2 * 60;
  await prisma.$transaction(async (tx) => {
    // A double click sends this twice at once: one at a time, the second counts nothing more.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`lesson:${assignmentId}`}))`;
    const at = now();
    const visit = await tx.lessonVisit.upsert({
      where: { assignmentId_lessonId: { assignmentId, lessonId } },
      create: { assignmentId, lessonId, firstOpenedAt: at },
      update: {},
    });
    const counted = await tx.lessonVisit.aggregate({ where: { assignmentId }, _max: { countedUntil: true } });
    const from = Math.max(visit.firstOpenedAt.getTime(), counted._max.countedUntil?.getTime() ?? 0);
    const seconds = Math.max(0, Math.floor((at.getTime() - from) / 1000));
    await tx.$executeRaw`
      INSERT INTO lesson_progress (assignment_id, lesson_id, completed_at, seconds_spent)
      VALUES (${assignmentId}::uuid, ${lessonId}::uuid, ${at}::timestamptz, ${Math.min(cap, seconds)})
      ON CONFLICT (assignment_id, lesson_id) DO UPDATE SET seconds_spent = LEAST(${cap}, lesson_progress.seconds_spent + ${seconds})`;
    await tx.lessonVisit.update({ where: { id: visit.id }, data: { countedUntil: at } });
  });
}

export async function completeLesson(personId: string, assignmentId: string, slug: string) {
  const course = await getCourseForLearner(personId, assignmentId);
  const lesson = course.lessons.find((l) => l.slug === slug);
  if (!lesson) throw new NotFoundError("lesson");
  assertOpen(course.assignment);
  await ensureStarted(assignmentId, course.assignment.courseId);
  await countLessonTime(assignmentId, lesson.id, lesson.estimatedMinutes);
  const lessons = course.lessons.map((l) => (l.id === lesson.id ? { ...l, done: true } : l));
  const path = coursePath(lessons, course.version.casePathRequired, course.assignment.person.jobFamily);
  return { next: nextToDo(lessons, path.todo, lesson.id) };
}

/** One item of a paper: a question and its options in the order shown. */
export type PaperItem = { key: string; options: string[] };

type Option = { key: string; ko: string; en: string };

function shuffled<T>(items: T[]): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A new paper's items: `count` questions drawn from the pool in a random order, each with its options shuffled. */
export function drawPaper(pool: Array<{ key: string; options: unknown }>, count: number): PaperItem[] {
  return shuffled(pool)
    .slice(0, count)
    .map((q) => ({ key: q.key, options: shuffled((q.options as Option[]).map((o) => o.key)) }));
}

/** The questions of a paper in its order, each with its options in the order shown. */
async function paperQuestions(courseVersionId: string, set: "QUIZ" | "PRETEST", items: PaperItem[]) {
  const questions = await prisma.quizQuestion.findMany({ where: { courseVersionId, set, key: { in: items.map((i) => i.key) } } });
  const byKey = new Map(questions.map((q) => [q.key, q]));
  return items.flatMap((item) => {
    const q = byKey.get(item.key);
    if (!q) return [];
    const options = q.options as Option[];
    return [{ ...q, options: item.options.flatMap((k) => options.filter((o) => o.key === k)) }];
  });
}

/**
 * Open the quiz (or the pre-test) for a learner: refused, with nothing recorded, while the lessons
 * on their path are not done, their time in the lessons is short or this window's attempts are
 * used. Otherwise the paper they have not yet answered, or a new one drawn from the pool. The
 * paper's id is the key its form is submitted with.
 */
export async function startQuiz(personId: string, assignmentId: string, set: "QUIZ" | "PRETEST" = "QUIZ") {
  const course = await getCourseForLearner(personId, assignmentId);
  const versionId = course.version.id;
  const pool = await prisma.quizQuestion.findMany({ where: { courseVersionId: versionId, set }, orderBy: { position: "asc" } });
  if (pool.length === 0) throw new NotFoundError("questions");
  assertOpen(course.assignment);
  if (course.assignment.status === "EXEMPTED") throw new InvalidSubmissionError("exempted");
  if (set === "QUIZ") {
    const refused = quizRefusal(course);
    if (refused) throw refused;
  } else if (course.pretestTaken) {
    throw new QuizRefusedError("pretest-taken");
  }
  const [open] = await prisma.$queryRaw<Array<{ id: string; items: PaperItem[] }>>`
    SELECT p.id, p.items FROM quiz_paper p
    WHERE p.assignment_id = ${assignmentId}::uuid AND p."set" = ${set}::"QuestionSet" AND p.course_version_id = ${versionId}::uuid
      AND NOT EXISTS (SELECT 1 FROM quiz_attempt a WHERE a.assignment_id = p.assignment_id AND a.submission_key = p.id)
    ORDER BY p.issued_at DESC LIMIT 1`;
  const paper =
    open ??
    (await prisma.quizPaper.create({
      data: {
        assignmentId,
        courseVersionId: versionId,
        set,
        items: drawPaper(pool, set === "QUIZ" ? (course.version.questionsPerAttempt ?? pool.length) : pool.length),
        issuedAt: now(),
      },
      select: { id: true, items: true },
    }));
  const items = paper.items as PaperItem[];
  return { ...course, paperId: paper.id, questions: await paperQuestions(versionId, set, items) };
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
 * Grade the answers to a paper (`paperId`, the key its form was handed out with) against exactly
 * the items it showed, by option key. Every item must be answered with one of its options;
 * anything else is refused before anything is written, and so is a quiz the learner may not take
 * now (see startQuiz). The same paper sent again (a double click, a resent request) gets the
 * first attempt back instead of a second one.
 */
export async function submitQuiz(
  personId: string,
  assignmentId: string,
  answers: QuizAnswers,
  set: "QUIZ" | "PRETEST",
  paperId: string,
): Promise<QuizResult> {
  const course = await getCourseForLearner(personId, assignmentId);
  assertOpen(course.assignment);
  if (course.assignment.status === "EXEMPTED") throw new InvalidSubmissionError("exempted");
  const paper = isUuid(paperId)
    ? await prisma.quizPaper.findFirst({ where: { id: paperId, assignmentId, set, courseVersionId: course.version.id } })
    : null;
  if (!paper) throw new InvalidSubmissionError("unknown paper", { unknownPaper: true });
  const questions = await paperQuestions(paper.courseVersionId, set, paper.items as PaperItem[]);
  const known = new Set(questions.map((q) => q.key));
  const unknownQuestions = Object.keys(answers).filter((k) => !known.has(k));
  if (unknownQuestions.length) throw new InvalidSubmissionError("unknown question", { unknownQuestions });
  const unanswered = questions.flatMap((q, i) => (answers[q.key] ? [] : [i + 1]));
  if (unanswered.length) throw new InvalidSubmissionError("unanswered", { unanswered });
  let correct = 0;
  for (const q of questions) {
    const answer = answers[q.key]!;
    if (!q.options.some((o) => o.key === answer)) throw new InvalidSubmissionError(`unknown option for ${q.key}`);
    if (answer === q.correctKey) correct++;
  }
  const questionCount = questions.length;
  const scorePercent = questionCount === 0 ? 0 : Math.round((correct * 100) / questionCount);
  // A pre-test measures what the learner knew before: it never passes or completes anything.
  const passed = set === "QUIZ" && scorePercent >= course.version.passMark;

  const inserted = await prisma.$transaction(async (tx) => {
    // One submission at a time per assignment: the attempt count read here is the one written against.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`quiz:${assignmentId}`}))`;
    const first = await tx.quizAttempt.findUnique({ where: { assignmentId_submissionKey: { assignmentId, submissionKey: paper.id } }, select: { id: true } });
    if (first) return null;
    if (set === "QUIZ") {
      const refused = quizRefusal({ ...course, attempts: await quizAllowance(tx, assignmentId, course.version) });
      if (refused) throw refused;
    } else if ((await tx.quizAttempt.count({ where: { assignmentId, set: "PRETEST" } })) > 0) {
      throw new QuizRefusedError("pretest-taken");
    }
    const [row] = await tx.$queryRaw<Array<{ id: string }>>`
      INSERT INTO quiz_attempt (assignment_id, course_version_id, "set", answers, items, correct_count, question_count, score_percent, passed, created_at, submission_key)
      VALUES (${assignmentId}::uuid, ${paper.courseVersionId}::uuid, ${set}::"QuestionSet", ${JSON.stringify(answers)}::jsonb, ${JSON.stringify(paper.items)}::jsonb,
        ${correct}, ${questionCount}, ${scorePercent}, ${passed}, ${now()}::timestamptz, ${paper.id}::uuid)
      ON CONFLICT (assignment_id, submission_key) DO NOTHING
      RETURNING id`;
    return row ?? null;
  });
  if (!inserted) return sameSubmission(assignmentId, paper.id);
  let certificateId: string | null = course.certificate?.id ?? null;
  if (passed && course.path.complete && course.assignment.status !== "COMPLETED") {
    certificateId = await completeAssignment(assignmentId);
  }
  return { attemptId: inserted.id, passed, scorePercent, correctCount: correct, questionCount, certificateId };
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
    // The last stage of the lecturer track completed: the trainee moves on to the practicum.
    await advanceTraineesAfterCompletion(tx, [assignmentId]);
    return issueCertificate(tx, assignmentId);
  });
}

export async function getAttemptForLearner(personId: string, assignmentId: string, attemptId: string) {
  if (!isUuid(attemptId)) throw new NotFoundError("attempt");
  const course = await getCourseForLearner(personId, assignmentId);
  const attempt = await prisma.quizAttempt.findFirst({ where: { id: attemptId, assignmentId } });
  if (!attempt) throw new NotFoundError("attempt");
  let items = attempt.items as PaperItem[];
  if (items.length === 0) {
    // An attempt recorded before papers: every question of its set, options as written.
    const all = await prisma.quizQuestion.findMany({ where: { courseVersionId: attempt.courseVersionId, set: attempt.set }, orderBy: { position: "asc" } });
    items = all.map((q) => ({ key: q.key, options: (q.options as Option[]).map((o) => o.key) }));
  }
  return { ...course, attempt, questions: await paperQuestions(attempt.courseVersionId, attempt.set, items) };
}
