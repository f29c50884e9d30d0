import { prisma, Prisma } from "~/utils/db.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { now } from "~/utils/clock.server";
import { csvStream } from "~/utils/csv";
import { seoulDayStart, seoulYear, TIME_ZONE } from "~/utils/i18n";
import { MIN_ANSWERS } from "~/modules/offerings/reports.server";
import { hoursOf } from "./request-codes";

/**
 * A lecturer's activity (ADR 035): their upcoming classes, what participants of their classes
 * answered (means, no names, and only from MIN_ANSWERS answers on: the lecturer knows who came,
 * so fewer answers would be one person's, as on the survey results per class, ADR 031), the hours they taught this year and their activity by month, and the
 * academy's statement of every appointed lecturer's months for paying fees. A class counts as
 * taught once its roll is closed (the record that it took place), in the Seoul month it started.
 */

/** The lecturer's own classes, as SQL over `o`: the account holds LECTURER and is listed on the class. */
function ownClasses(actor: Pick<Actor, "userId">): Prisma.Sql {
  return Prisma.sql`${actor.userId}::uuid = ANY(o.lecturer_user_ids)
    AND EXISTS (SELECT 1 FROM role_grant g WHERE g.user_id = ${actor.userId}::uuid AND g.role = 'LECTURER')`;
}

const TAUGHT = Prisma.sql`o.status = 'SCHEDULED' AND o.roll_closed_at IS NOT NULL`;
const MINUTES = Prisma.sql`round(extract(epoch FROM o.ends_at - o.starts_at) / 60)`;
const MONTH = Prisma.sql`extract(month FROM o.starts_at AT TIME ZONE ${TIME_ZONE}::text)::int`;

function yearBounds(year: number) {
  return { from: seoulDayStart(`${year}-01-01`), to: seoulDayStart(`${year + 1}-01-01`) };
}

export interface MonthActivity {
  month: number;
  lectures: number;
  minutes: number;
}

export async function lecturerActivity(actor: Pick<Actor, "userId">) {
  const year = seoulYear(now());
  const { from, to } = yearBounds(year);
  const [upcoming, [feedback], months] = await Promise.all([
    prisma.$queryRaw<Array<{ id: string; titleKo: string; titleEn: string; startsAt: Date; endsAt: Date; place: string; district: string; format: string; confirmed: number; capacity: number }>>`
      SELECT o.id, o.title_ko AS "titleKo", o.title_en AS "titleEn", o.starts_at AS "startsAt", o.ends_at AS "endsAt", o.place, o.district, o.format::text AS format,
        o.capacity, (SELECT count(*)::int FROM offering_registration r WHERE r.offering_id = o.id AND r.status = 'CONFIRMED') AS confirmed
      FROM offering o
      WHERE ${ownClasses(actor)} AND o.status = 'SCHEDULED' AND o.roll_closed_at IS NULL AND o.ends_at >= ${now()}::timestamptz
      ORDER BY o.starts_at, o.id LIMIT 50`,
    prisma.$queryRaw<Array<{ answers: number; satisfaction: number | null; usefulness: number | null; accessibility: number | null }>>`
      SELECT count(*)::int AS answers,
        CASE WHEN count(*) >= ${MIN_ANSWERS} THEN avg(f.satisfaction)::float8 END AS satisfaction,
        CASE WHEN count(*) >= ${MIN_ANSWERS} THEN avg(f.usefulness)::float8 END AS usefulness,
        CASE WHEN count(*) >= ${MIN_ANSWERS} THEN avg(f.accessibility)::float8 END AS accessibility
      FROM offering_feedback f JOIN offering o ON o.id = f.offering_id
      WHERE ${ownClasses(actor)}`,
    prisma.$queryRaw<MonthActivity[]>`
      SELECT m.month, count(o.id)::int AS lectures, COALESCE(sum(${MINUTES}), 0)::int AS minutes
      FROM generate_series(1, 12) AS m(month)
      LEFT JOIN offering o ON ${MONTH} = m.month AND ${TAUGHT} AND o.starts_at >= ${from}::timestamptz AND o.starts_at < ${to}::timestamptz AND ${ownClasses(actor)}
      GROUP BY m.month ORDER BY m.month`,
  ]);
  const total = months.reduce((s, m) => ({ lectures: s.lectures + m.lectures, minutes: s.minutes + m.minutes }), { lectures: 0, minutes: 0 });
  return { year, upcoming, minAnswers: MIN_ANSWERS, feedback: feedback ?? { answers: 0, satisfaction: null, usefulness: null, accessibility: null }, months, total };
}

export interface StatementRow {
  year: number;
  month: number;
  number: string;
  name: string;
  email: string;
  lectures: number;
  minutes: number;
}

/**
 * The academy's monthly statement for a year, in one statement: one row per lecturer appointed
 * at any time of the year and per month, with the classes they taught that month and their
 * minutes (zero when none). Empty for anyone but the academy (the rule is in the query).
 */
export async function activityStatement(actor: Pick<Actor, "roles">, year: number): Promise<StatementRow[]> {
  const { from, to } = yearBounds(year);
  return prisma.$queryRaw<StatementRow[]>`
    WITH lecturers AS (
      SELECT DISTINCT ON (a.person_id) a.person_id, a.number FROM lecturer_appointment a
      WHERE ${actor.roles.has("ACADEMY_ADMIN")}::boolean AND a.starts_on <= ${`${year}-12-31`}::date AND a.ends_on >= ${`${year}-01-01`}::date
      ORDER BY a.person_id, a.starts_on DESC
    ),
    taught AS (
      SELECT u.person_id, ${MONTH} AS month, count(*)::int AS lectures, sum(${MINUTES})::int AS minutes
      FROM offering o JOIN app_user u ON u.id = ANY(o.lecturer_user_ids)
      WHERE ${TAUGHT} AND o.starts_at >= ${from}::timestamptz AND o.starts_at < ${to}::timestamptz
        AND u.person_id IN (SELECT person_id FROM lecturers)
      GROUP BY 1, 2
    )
    SELECT ${year}::int AS year, m.month, l.number, p.name, p.email, COALESCE(t.lectures, 0)::int AS lectures, COALESCE(t.minutes, 0)::int AS minutes
    FROM lecturers l JOIN person p ON p.id = l.person_id CROSS JOIN generate_series(1, 12) AS m(month)
    LEFT JOIN taught t ON t.person_id = l.person_id AND t.month = m.month
    ORDER BY p.name, l.person_id, m.month`;
}

/** The statement as a CSV file: cells quoted and formulas neutralised by app/utils/csv.ts. */
export function activityCsv(rows: StatementRow[], header: string[]): ReadableStream<Uint8Array> {
  async function* batches() {
    yield rows.map((r) => [r.year, r.month, r.number, r.name, r.email, r.lectures, r.minutes, hoursOf(r.minutes)]);
  }
  return csvStream(header, batches());
}
