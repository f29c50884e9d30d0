import type { AssignmentStatus, CompletionMode } from "~/generated/prisma/enums";
import { Prisma, prisma } from "~/utils/db.server";
import { TIME_ZONE } from "~/utils/i18n";

/**
 * A learner's own training record: every duty of every year and every
 * elective they chose, with its state, completion date, recognised hours and
 * certificate. One query, scoped to the person in its WHERE.
 */
export interface RecordEntry {
  assignmentId: string;
  /** The cycle's year for a duty; for an elective, the year it was completed (else enrolled). */
  year: number;
  kind: "duty" | "elective";
  courseTitleKo: string;
  courseTitleEn: string;
  obligationTitleKo: string | null;
  obligationTitleEn: string | null;
  cycleLabel: string | null;
  status: AssignmentStatus;
  completionMode: CompletionMode | null;
  dueAt: Date | null;
  completedAt: Date | null;
  /** The hours on the certificate; null without a valid certificate. */
  hours: number | null;
  certificateId: string | null;
  certificateNumber: string | null;
}

export interface RecordYear {
  year: number;
  hours: number;
  duties: RecordEntry[];
  electives: RecordEntry[];
}

/** The person's record, newest year first; within a year, duties by deadline, then electives. */
export async function learnerRecord(personId: string): Promise<RecordYear[]> {
  const rows = await prisma.$queryRaw<RecordEntry[]>(Prisma.sql`
    SELECT a.id AS "assignmentId",
      EXTRACT(YEAR FROM COALESCE(c.starts_on::timestamp, (COALESCE(a.completed_at, a.assigned_at) AT TIME ZONE ${TIME_ZONE})))::int AS year,
      CASE WHEN a.cycle_id IS NULL THEN 'elective' ELSE 'duty' END AS kind,
      COALESCE(cert.course_title_ko, v.title_ko) AS "courseTitleKo",
      COALESCE(cert.course_title_en, v.title_en) AS "courseTitleEn",
      o.title_ko AS "obligationTitleKo", o.title_en AS "obligationTitleEn", c.label AS "cycleLabel",
      a.status, a.completion_mode AS "completionMode", a.due_at AS "dueAt", a.completed_at AS "completedAt",
      CASE WHEN cert.status = 'VALID' THEN cert.recognised_hours END AS hours,
      CASE WHEN cert.status = 'VALID' THEN cert.id END AS "certificateId",
      CASE WHEN cert.status = 'VALID' THEN cert.number END AS "certificateNumber"
    FROM assignment a
    LEFT JOIN cycle c ON c.id = a.cycle_id
    LEFT JOIN obligation o ON o.id = c.obligation_id
    LEFT JOIN certificate cert ON cert.assignment_id = a.id
    JOIN LATERAL (
      SELECT cv.title_ko, cv.title_en FROM course_version cv
      WHERE cv.id = a.course_version_id OR (a.course_version_id IS NULL AND cv.course_id = a.course_id)
      ORDER BY (cv.id = a.course_version_id) DESC, cv.version DESC
      LIMIT 1
    ) v ON TRUE
    WHERE a.person_id = ${personId}::uuid
    ORDER BY year DESC, kind, a.due_at NULLS LAST, a.completed_at NULLS LAST, a.id`);
  const years = new Map<number, RecordYear>();
  for (const r of rows) {
    const y = years.get(r.year) ?? { year: r.year, hours: 0, duties: [], electives: [] };
    years.set(r.year, y);
    (r.kind === "duty" ? y.duties : y.electives).push(r);
    y.hours += r.hours ?? 0;
  }
  return [...years.values()];
}

/** The person's name and unit, for the transcript's heading. */
export async function recordHolder(personId: string) {
  return prisma.person.findUniqueOrThrow({
    where: { id: personId },
    select: { name: true, employeeNo: true, orgUnit: { select: { code: true, nameKo: true, nameEn: true } } },
  });
}
