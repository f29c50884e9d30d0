import type { Actor } from "~/modules/auth/permissions.server";
import { subtreeScope } from "~/modules/org/org.server";
import { csvStream } from "~/utils/csv";
import { cursorBatches, Prisma } from "~/utils/db.server";
import { pick, seoulDateKey, seoulDayStart, TIME_ZONE, type AppLocale } from "~/utils/i18n";

/**
 * Continuous-learning hours for the HR system: one row per person, year and
 * course completed, from the valid certificates of the people on the roll of
 * the officer's subtrees (the scope is part of the query). Hours, course and
 * unit are those the certificate states.
 */
export interface HoursRow {
  year: number;
  employeeNo: string | null;
  name: string;
  unitCode: string | null;
  courseTitleKo: string;
  courseTitleEn: string;
  completedAt: Date;
  hours: number;
  certificateNumber: string;
}

const BATCH = 2000;

export const HOURS_COLUMNS = ["year", "employeeNo", "name", "unitCode", "course", "completedAt", "hours", "certificate"] as const;

/** The year's rows in batches through one cursor, by unit, employee number and date: a city's year never sits in memory. */
export function hoursBatches(actor: Actor, year: number): AsyncGenerator<HoursRow[]> {
  if (actor.hrScopeUnitIds.length === 0) return (async function* () {})();
  const from = seoulDayStart(`${year}-01-01`);
  const to = seoulDayStart(`${year + 1}-01-01`);
  return cursorBatches<HoursRow>(
    Prisma.sql`
      ${subtreeScope(actor.hrScopeUnitIds)}
      SELECT EXTRACT(YEAR FROM cert.completed_at AT TIME ZONE ${TIME_ZONE})::int AS year,
        p.employee_no AS "employeeNo", p.name, COALESCE(cert.unit_code, u.code) AS "unitCode",
        cert.course_title_ko AS "courseTitleKo", cert.course_title_en AS "courseTitleEn",
        cert.completed_at AS "completedAt", cert.recognised_hours AS hours, cert.number AS "certificateNumber"
      FROM (SELECT DISTINCT id FROM scope) sc
      JOIN person p ON p.org_unit_id = sc.id
      JOIN org_unit u ON u.id = p.org_unit_id
      JOIN certificate cert ON cert.person_id = p.id
      WHERE cert.status = 'VALID' AND cert.completed_at >= ${from} AND cert.completed_at < ${to}
      ORDER BY u.code, p.employee_no, cert.completed_at, cert.number`,
    BATCH,
  );
}

export function hoursCells(r: HoursRow, locale: AppLocale): Array<string | number | null> {
  return [r.year, r.employeeNo, r.name, r.unitCode, pick(locale, r.courseTitleKo, r.courseTitleEn), seoulDateKey(r.completedAt), r.hours, r.certificateNumber];
}

/** CSV, UTF-8 with a byte order mark for Excel, every cell quoted and formulas neutralised. */
export function hoursCsvStream(actor: Actor, year: number, locale: AppLocale, t: (key: string) => string) {
  async function* rows() {
    for await (const batch of hoursBatches(actor, year)) yield batch.map((r) => hoursCells(r, locale));
  }
  return csvStream(HOURS_COLUMNS.map((c) => t(`hoursExport.columns.${c}`)), rows());
}
