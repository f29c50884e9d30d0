import { prisma } from "~/utils/db.server";
import { csvRow, UTF8_BOM } from "~/utils/csv";
import { formatDate, pick, seoulDayStart, type AppLocale } from "~/utils/i18n";

/**
 * The academy's reports on its classes (ADR 031): a year of classes with their fill, attendance,
 * survey and learning gain, and the survey results per lecturer. Each is one statement for the
 * whole year, whatever the number of classes or people. None names a learner.
 */

/**
 * A lecturer's averages and comments are shown only once at least this many participants have
 * answered (over the classes counted): below it, a lecturer who knows who came could tell who
 * answered what.
 */
export const MIN_ANSWERS = 5;

export const FIRST_YEAR = 2020;
export const LAST_YEAR = 2100;

/** A year from the address (?year=), else the given default; anything else is the default. */
export function yearFrom(url: URL, fallback: number): number {
  const asked = Number(url.searchParams.get("year"));
  return Number.isInteger(asked) && asked >= FIRST_YEAR && asked <= LAST_YEAR ? asked : fallback;
}

function yearBounds(year: number) {
  return { from: seoulDayStart(`${year}-01-01`), to: seoulDayStart(`${year + 1}-01-01`) };
}

export interface YearRow {
  id: string;
  titleKo: string;
  titleEn: string;
  startsAt: Date;
  format: string;
  /** SCHEDULED, CANCELLED, or CLOSED once its roll is closed. */
  state: string;
  capacity: number;
  registered: number;
  waitlisted: number;
  /** Percentage of seats taken (registered / capacity), rounded. */
  fillRate: number;
  attended: number;
  noShows: number;
  answers: number;
  satisfaction: number | null;
  usefulness: number | null;
  accessibility: number | null;
  /** Participants of a course's class who took both its pre-test and its quiz, and their means. */
  pairs: number;
  pretestMean: number | null;
  quizMean: number | null;
  gain: number | null;
}

/**
 * Every class of a year (its start in Seoul), in one statement: seats taken, waiting list,
 * attended (the session's attendance once the roll is closed, else who is present on the roll),
 * no-shows, the survey's means, and for a catalog course's class the learning gain of its
 * participants who took the course's pre-test and its quiz.
 */
export async function academyYear(year: number): Promise<YearRow[]> {
  const { from, to } = yearBounds(year);
  return prisma.$queryRaw<YearRow[]>`
    WITH yr AS (
      SELECT o.* FROM offering o WHERE o.starts_at >= ${from}::timestamptz AND o.starts_at < ${to}::timestamptz
    ),
    seats AS (
      SELECT r.offering_id,
        count(*) FILTER (WHERE r.status = 'CONFIRMED')::int AS registered,
        count(*) FILTER (WHERE r.status = 'WAITLISTED')::int AS waitlisted,
        count(*) FILTER (WHERE r.status = 'CONFIRMED' AND (r.roll_call = 'PRESENT' OR (r.roll_call IS NULL AND r.checked_in_at IS NOT NULL)))::int AS present,
        count(*) FILTER (WHERE r.status = 'CONFIRMED' AND r.no_show_at IS NOT NULL)::int AS no_shows
      FROM offering_registration r JOIN yr ON yr.id = r.offering_id
      GROUP BY r.offering_id
    ),
    att AS (
      SELECT sa.session_id, count(*)::int AS n
      FROM session_attendance sa JOIN yr ON yr.training_session_id = sa.session_id
      GROUP BY sa.session_id
    ),
    fb AS (
      SELECT f.offering_id, count(*)::int AS answers,
        round(avg(f.satisfaction), 1)::float8 AS satisfaction, round(avg(f.usefulness), 1)::float8 AS usefulness,
        round(avg(f.accessibility), 1)::float8 AS accessibility
      FROM offering_feedback f JOIN yr ON yr.id = f.offering_id
      GROUP BY f.offering_id
    ),
    learner AS (
      SELECT yr.id AS offering_id,
        (SELECT q.score_percent FROM quiz_attempt q WHERE q.assignment_id = a.id AND q.set = 'PRETEST' ORDER BY q.created_at LIMIT 1) AS pre,
        (SELECT max(q.score_percent) FROM quiz_attempt q WHERE q.assignment_id = a.id AND q.set = 'QUIZ') AS post
      FROM yr
      JOIN offering_registration r ON r.offering_id = yr.id AND r.status = 'CONFIRMED'
        AND (r.roll_call = 'PRESENT' OR (r.roll_call IS NULL AND r.checked_in_at IS NOT NULL))
      JOIN assignment a ON a.person_id = r.person_id AND a.course_id = yr.course_id AND a.cycle_id IS NULL
      WHERE yr.course_id IS NOT NULL
    ),
    gains AS (
      SELECT offering_id, count(*)::int AS pairs, round(avg(pre))::int AS pre_mean, round(avg(post))::int AS post_mean
      FROM learner WHERE pre IS NOT NULL AND post IS NOT NULL GROUP BY offering_id
    )
    SELECT yr.id, yr.title_ko AS "titleKo", yr.title_en AS "titleEn", yr.starts_at AS "startsAt", yr.format::text AS format,
      CASE WHEN yr.roll_closed_at IS NULL THEN yr.status::text ELSE 'CLOSED' END AS state,
      yr.capacity, COALESCE(s.registered, 0) AS registered, COALESCE(s.waitlisted, 0) AS waitlisted,
      round(100.0 * COALESCE(s.registered, 0) / GREATEST(yr.capacity, 1))::int AS "fillRate",
      CASE WHEN yr.training_session_id IS NOT NULL THEN COALESCE(att.n, 0) ELSE COALESCE(s.present, 0) END AS attended,
      COALESCE(s.no_shows, 0) AS "noShows",
      COALESCE(fb.answers, 0) AS answers, fb.satisfaction, fb.usefulness, fb.accessibility,
      COALESCE(g.pairs, 0) AS pairs, g.pre_mean AS "pretestMean", g.post_mean AS "quizMean", g.post_mean - g.pre_mean AS gain
    FROM yr
    LEFT JOIN seats s ON s.offering_id = yr.id
    LEFT JOIN att ON att.session_id = yr.training_session_id
    LEFT JOIN fb ON fb.offering_id = yr.id
    LEFT JOIN gains g ON g.offering_id = yr.id
    ORDER BY yr.starts_at, yr.title_ko, yr.id`;
}

/** The years that have classes, newest first, with the given year always among them. */
export async function offeringYears(current: number): Promise<number[]> {
  const rows = await prisma.$queryRaw<Array<{ year: number }>>`
    SELECT DISTINCT extract(year FROM starts_at AT TIME ZONE 'Asia/Seoul')::int AS year FROM offering`;
  return [...new Set([current, ...rows.map((r) => r.year)])].filter((y) => y >= FIRST_YEAR && y <= LAST_YEAR).sort((a, b) => b - a);
}

/** The year's table as a CSV file (byte order mark, header, rows; formulas neutralised by csvRow). */
export function academyYearCsv(rows: YearRow[], locale: AppLocale, t: (key: string) => string): string {
  const c = (k: string) => t(`offerings.year.column.${k}`);
  const header = ["class", "starts", "format", "state", "capacity", "registered", "fillRate", "waitlisted", "attended", "noShows", "answers", "satisfaction", "usefulness", "accessibility", "pairs", "pre", "post", "gain"].map(c);
  const lines = rows.map((r) =>
    csvRow([
      pick(locale, r.titleKo, r.titleEn),
      formatDate(r.startsAt, locale, true),
      t(`offerings.format.${r.format}`),
      t(`offerings.state.${r.state}`),
      r.capacity,
      r.registered,
      r.fillRate,
      r.waitlisted,
      r.attended,
      r.noShows,
      r.answers,
      r.satisfaction,
      r.usefulness,
      r.accessibility,
      r.pairs,
      r.pretestMean,
      r.quizMean,
      r.gain,
    ]),
  );
  return UTF8_BOM + csvRow(header) + lines.join("");
}

export interface LecturerRow {
  /** The lecturer's account, or null for a lecturer from outside (named on the class). */
  userId: string | null;
  name: string;
  classes: number;
  participants: number;
  answers: number;
  /** Null below MIN_ANSWERS answers. */
  satisfaction: number | null;
  usefulness: number | null;
  accessibility: number | null;
  /** The latest comments (at most 20), without names; empty below MIN_ANSWERS answers. */
  comments: string[];
}

/**
 * The survey results per lecturer over the classes of a year whose roll is closed: lecturers
 * with an account by account, lecturers from outside by the name written on the class. One
 * statement; averages and comments only from MIN_ANSWERS answers on.
 */
export async function feedbackByLecturer(year: number, onlyUserId?: string): Promise<LecturerRow[]> {
  const { from, to } = yearBounds(year);
  const only = onlyUserId ?? null;
  return prisma.$queryRaw<LecturerRow[]>`
    WITH taught AS (
      SELECT o.id AS offering_id, o.training_session_id, l.user_id, NULL::text AS outside
      FROM offering o CROSS JOIN LATERAL unnest(o.lecturer_user_ids) AS l(user_id)
      WHERE o.roll_closed_at IS NOT NULL AND o.starts_at >= ${from}::timestamptz AND o.starts_at < ${to}::timestamptz
        AND (${only}::uuid IS NULL OR l.user_id = ${only}::uuid)
      UNION ALL
      SELECT o.id, o.training_session_id, NULL::uuid, o.lecturer_names
      FROM offering o
      WHERE o.roll_closed_at IS NOT NULL AND o.starts_at >= ${from}::timestamptz AND o.starts_at < ${to}::timestamptz
        AND o.lecturer_names <> '' AND ${only}::uuid IS NULL
    ),
    per AS (
      SELECT t.user_id, t.outside, count(DISTINCT t.offering_id)::int AS classes, count(sa.person_id)::int AS participants
      FROM taught t LEFT JOIN session_attendance sa ON sa.session_id = t.training_session_id
      GROUP BY t.user_id, t.outside
    ),
    answers AS (
      SELECT t.user_id, t.outside, count(f.id)::int AS answers,
        round(avg(f.satisfaction), 1)::float8 AS satisfaction, round(avg(f.usefulness), 1)::float8 AS usefulness,
        round(avg(f.accessibility), 1)::float8 AS accessibility,
        (array_agg(f.comment ORDER BY f.submitted_at DESC, f.id) FILTER (WHERE f.comment <> ''))[1:20] AS comments
      FROM taught t JOIN offering_feedback f ON f.offering_id = t.offering_id
      GROUP BY t.user_id, t.outside
    )
    SELECT p.user_id AS "userId", COALESCE(u.display_name, p.outside, '') AS name, p.classes, p.participants,
      COALESCE(a.answers, 0) AS answers,
      CASE WHEN a.answers >= ${MIN_ANSWERS} THEN a.satisfaction END AS satisfaction,
      CASE WHEN a.answers >= ${MIN_ANSWERS} THEN a.usefulness END AS usefulness,
      CASE WHEN a.answers >= ${MIN_ANSWERS} THEN a.accessibility END AS accessibility,
      CASE WHEN a.answers >= ${MIN_ANSWERS} THEN COALESCE(a.comments, '{}') ELSE '{}' END AS comments
    FROM per p
    LEFT JOIN answers a ON a.user_id IS NOT DISTINCT FROM p.user_id AND a.outside IS NOT DISTINCT FROM p.outside
    LEFT JOIN app_user u ON u.id = p.user_id
    ORDER BY COALESCE(u.display_name, p.outside), p.user_id`;
}

export interface LecturerClassRow {
  id: string;
  titleKo: string;
  titleEn: string;
  startsAt: Date;
  participants: number;
  answers: number;
  satisfaction: number | null;
  usefulness: number | null;
  accessibility: number | null;
}

/**
 * A lecturer's own classes of a year whose roll is closed, with each class's survey: only classes
 * that list this account as a lecturer (the condition is in the query). A class's means are shown
 * from MIN_ANSWERS answers on, as the lecturer knows who came.
 */
export async function lecturerClasses(userId: string, year: number): Promise<LecturerClassRow[]> {
  const { from, to } = yearBounds(year);
  return prisma.$queryRaw<LecturerClassRow[]>`
    SELECT o.id, o.title_ko AS "titleKo", o.title_en AS "titleEn", o.starts_at AS "startsAt",
      (SELECT count(*)::int FROM session_attendance sa WHERE sa.session_id = o.training_session_id) AS participants,
      count(f.id)::int AS answers,
      CASE WHEN count(f.id) >= ${MIN_ANSWERS} THEN round(avg(f.satisfaction), 1)::float8 END AS satisfaction,
      CASE WHEN count(f.id) >= ${MIN_ANSWERS} THEN round(avg(f.usefulness), 1)::float8 END AS usefulness,
      CASE WHEN count(f.id) >= ${MIN_ANSWERS} THEN round(avg(f.accessibility), 1)::float8 END AS accessibility
    FROM offering o LEFT JOIN offering_feedback f ON f.offering_id = o.id
    WHERE ${userId}::uuid = ANY(o.lecturer_user_ids) AND o.roll_closed_at IS NOT NULL
      AND o.starts_at >= ${from}::timestamptz AND o.starts_at < ${to}::timestamptz
    GROUP BY o.id ORDER BY o.starts_at DESC, o.id`;
}
