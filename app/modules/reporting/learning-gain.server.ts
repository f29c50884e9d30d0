import { prisma } from "~/utils/db.server";

export interface CourseOutcome {
  courseId: string;
  slug: string;
  titleKo: string;
  titleEn: string;
  track: string;
  enrolled: number;
  completed: number;
  /** Mean pre-test score of learners who took both, and their mean first passing quiz score. */
  pairs: number;
  pretestMean: number | null;
  quizMean: number | null;
  gain: number | null;
}

/**
 * Per course: enrolments, completions and the learning gain from pre-test to
 * quiz, over learners who took both (one row per learner: their pre-test and
 * their best quiz). One query for every course.
 */
export async function courseOutcomes(): Promise<CourseOutcome[]> {
  return prisma.$queryRaw<CourseOutcome[]>`
    WITH latest AS (
      SELECT DISTINCT ON (course_id) * FROM course_version ORDER BY course_id, version DESC
    ),
    per_learner AS (
      SELECT a.course_id,
        (SELECT q.score_percent FROM quiz_attempt q WHERE q.assignment_id = a.id AND q.set = 'PRETEST' ORDER BY q.created_at LIMIT 1) AS pre,
        (SELECT max(q.score_percent) FROM quiz_attempt q WHERE q.assignment_id = a.id AND q.set = 'QUIZ') AS post
      FROM assignment a
    ),
    counts AS (
      SELECT course_id, count(*)::int AS enrolled, count(*) FILTER (WHERE status = 'COMPLETED')::int AS completed
      FROM assignment GROUP BY course_id
    ),
    gains AS (
      SELECT course_id, count(*)::int AS pairs, round(avg(pre))::int AS pre_mean, round(avg(post))::int AS post_mean
      FROM per_learner WHERE pre IS NOT NULL AND post IS NOT NULL GROUP BY course_id
    )
    SELECT c.id AS "courseId", c.slug, v.title_ko AS "titleKo", v.title_en AS "titleEn", v.track::text AS track,
      COALESCE(n.enrolled, 0) AS enrolled, COALESCE(n.completed, 0) AS completed,
      COALESCE(g.pairs, 0) AS pairs, g.pre_mean AS "pretestMean", g.post_mean AS "quizMean",
      g.post_mean - g.pre_mean AS gain
    FROM course c JOIN latest v ON v.course_id = c.id
    LEFT JOIN counts n ON n.course_id = c.id
    LEFT JOIN gains g ON g.course_id = c.id
    ORDER BY array_position(ARRAY['ANNUAL_SENIOR','ANNUAL_GENERAL','DISABILITY','LECTURER','ELECTIVE'], v.track::text), c.slug`;
}
