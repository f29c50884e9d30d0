import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";

type Tx = Prisma.TransactionClient | typeof prisma;

/**
 * The lecturer track's stages (ADR 033): one course each, numbered 1..n by course_version.track_stage
 * (the latest version of each course). A stage opens to an active trainee once every stage before it
 * is completed; completing the last moves the trainee on to the practicum.
 */

/** Trainee statuses that may enrol in the track's courses. */
const ACTIVE = ["TRAINING", "PRACTICUM", "APPOINTED"] as const;

export type StageState = "completed" | "inProgress" | "open" | "locked";

export interface StageRow {
  stage: number;
  courseId: string;
  slug: string;
  titleKo: string;
  titleEn: string;
  state: StageState;
  assignmentId: string | null;
}

export interface StageProgress {
  /** The person's trainee record, newest first; null when they are not (or no longer) a trainee. */
  trainee: { id: string; status: string; acceptedAt: Date } | null;
  /** Whether the trainee may enrol in the track's courses (TRAINING, PRACTICUM or APPOINTED). */
  active: boolean;
  stages: StageRow[];
}

/** The track's stages with the person's progress in each, in two queries. */
export async function stageProgress(personId: string | null, tx: Tx = prisma): Promise<StageProgress> {
  const [trainee, rows] = await Promise.all([
    personId
      ? tx.lecturerTrainee.findFirst({ where: { personId }, orderBy: { acceptedAt: "desc" }, select: { id: true, status: true, acceptedAt: true } })
      : null,
    tx.$queryRaw<Array<Omit<StageRow, "state"> & { assignmentStatus: string | null }>>`
      WITH latest AS (
        SELECT DISTINCT ON (course_id) course_id, track::text AS track, track_stage, title_ko, title_en FROM course_version ORDER BY course_id, version DESC
      )
      SELECT v.track_stage AS stage, c.id AS "courseId", c.slug, v.title_ko AS "titleKo", v.title_en AS "titleEn",
        mine.id AS "assignmentId", mine.status::text AS "assignmentStatus"
      FROM latest v JOIN course c ON c.id = v.course_id
      LEFT JOIN LATERAL (
        SELECT a.id, a.status FROM assignment a
        WHERE a.person_id = ${personId}::uuid AND a.course_id = c.id AND a.cycle_id IS NULL
        ORDER BY (a.status = 'COMPLETED') DESC, a.assigned_at DESC LIMIT 1
      ) mine ON true
      WHERE v.track = 'LECTURER' AND v.track_stage IS NOT NULL
      ORDER BY v.track_stage, c.slug`,
  ]);
  const active = trainee !== null && (ACTIVE as readonly string[]).includes(trainee.status);
  let before = true;
  const stages = rows.map(({ assignmentStatus, ...r }): StageRow => {
    const completed = assignmentStatus === "COMPLETED";
    const state: StageState = completed ? "completed" : r.assignmentId ? "inProgress" : active && before ? "open" : "locked";
    before &&= completed;
    return { ...r, state };
  });
  return { trainee, active, stages };
}

export type StageRefusal = { reason: "notTrainee" } | { reason: "stageLocked"; stage: number; waitingFor: number };

/**
 * Whether the person may enrol in a course, as far as the lecturer track is concerned: null for a
 * course off the track; otherwise they must be an active trainee with every earlier stage completed.
 * Call inside the enrolment's transaction.
 */
export async function lecturerStageRefusal(tx: Tx, personId: string, courseId: string): Promise<StageRefusal | null> {
  const [row] = await tx.$queryRaw<Array<{ stage: number | null; track: string; trainee: boolean; waiting_for: number | null }>>`
    WITH latest AS (
      SELECT DISTINCT ON (course_id) course_id, track::text AS track, track_stage FROM course_version ORDER BY course_id, version DESC
    )
    SELECT me.track, me.track_stage AS stage,
      EXISTS (SELECT 1 FROM lecturer_trainee t WHERE t.person_id = ${personId}::uuid AND t.status::text = ANY(${[...ACTIVE]}::text[])) AS trainee,
      (SELECT min(o.track_stage) FROM latest o
        WHERE o.track = 'LECTURER' AND o.track_stage < me.track_stage
          AND NOT EXISTS (SELECT 1 FROM assignment a WHERE a.person_id = ${personId}::uuid AND a.course_id = o.course_id AND a.status = 'COMPLETED')) AS waiting_for
    FROM latest me WHERE me.course_id = ${courseId}::uuid`;
  if (!row || row.track !== "LECTURER") return null;
  if (!row.trainee) return { reason: "notTrainee" };
  if (row.waiting_for !== null) return { reason: "stageLocked", stage: row.stage ?? 1, waitingFor: row.waiting_for };
  return null;
}

/**
 * After assignments are completed (online, or a class for a catalog course taken in person), in the
 * same transaction: each trainee still TRAINING who has now completed every stage of the track moves
 * on to the PRACTICUM. One statement however many; nothing for courses off the track. Returns how
 * many trainees moved.
 */
export async function advanceTraineesAfterCompletion(tx: Tx, assignmentIds: string[]): Promise<number> {
  if (assignmentIds.length === 0) return 0;
  return tx.$executeRaw`
    WITH latest AS (
      SELECT DISTINCT ON (course_id) course_id, track::text AS track, track_stage FROM course_version ORDER BY course_id, version DESC
    ), done AS (
      SELECT DISTINCT a.person_id FROM assignment a JOIN latest v ON v.course_id = a.course_id AND v.track = 'LECTURER'
      WHERE a.id = ANY(${assignmentIds}::uuid[]) AND a.status = 'COMPLETED'
    )
    UPDATE lecturer_trainee t SET status = 'PRACTICUM'
    FROM done
    WHERE t.person_id = done.person_id AND t.status = 'TRAINING'
      AND NOT EXISTS (
        SELECT 1 FROM latest s WHERE s.track = 'LECTURER' AND s.track_stage IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM assignment c WHERE c.person_id = t.person_id AND c.course_id = s.course_id AND c.status = 'COMPLETED')
      )`;
}

export type StageLock = { courseId: string } & StageRefusal;

/** The locked stages of a progress, each with why: not a trainee, or the stage to complete first. */
export function stageLocksOf(progress: StageProgress): StageLock[] {
  const locks: StageLock[] = [];
  let waitingFor: number | null = null;
  for (const s of progress.stages) {
    if (s.state === "locked") {
      locks.push(progress.active && waitingFor !== null ? { courseId: s.courseId, reason: "stageLocked", stage: s.stage, waitingFor } : { courseId: s.courseId, reason: "notTrainee" });
    }
    if (s.state !== "completed" && waitingFor === null) waitingFor = s.stage;
  }
  return locks;
}
