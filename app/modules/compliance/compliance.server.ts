import { prisma } from "~/utils/db.server";
import { csvRow, UTF8_BOM } from "~/utils/csv";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import type { Actor } from "~/modules/auth/permissions.server";
import { unitIsInScope } from "~/modules/org/org.server";

export interface UnitCompliance {
  unitId: string;
  code: string;
  nameKo: string;
  nameEn: string;
  kind: string;
  depth: number;
  assigned: number;
  completed: number;
  inProgress: number;
  notStarted: number;
  exempted: number;
  overdue: number;
  ratePercent: number | null;
}

export interface CycleOption {
  id: string;
  label: string;
  status: string;
  obligationTitleKo: string;
  obligationTitleEn: string;
  dueAt: Date;
}

export async function listCycles(): Promise<CycleOption[]> {
  const cycles = await prisma.cycle.findMany({
    where: { status: { not: "PLANNED" } },
    include: { obligation: { select: { titleKo: true, titleEn: true, code: true } } },
    orderBy: [{ startsOn: "desc" }, { obligation: { code: "asc" } }],
  });
  return cycles.map((c) => ({
    id: c.id,
    label: c.label,
    status: c.status,
    obligationTitleKo: c.obligation.titleKo,
    obligationTitleEn: c.obligation.titleEn,
    dueAt: c.dueAt,
  }));
}

/**
 * Compliance per unit of the officer's subtree for one cycle, in one query.
 * Counts people by their current unit; people who left are not counted.
 * The rate excludes exempted people from the denominator.
 */
export async function unitCompliance(actor: Actor, cycleId: string): Promise<UnitCompliance[]> {
  if (actor.hrScopeUnitIds.length === 0) return [];
  return prisma.$queryRaw<UnitCompliance[]>`
    WITH RECURSIVE scope AS (
      SELECT u.id, 0 AS depth, ARRAY[u.code]::text[] AS sort_key
      FROM org_unit u WHERE u.id = ANY(${actor.hrScopeUnitIds}::uuid[])
      UNION ALL
      SELECT c.id, s.depth + 1, s.sort_key || c.code
      FROM org_unit c JOIN scope s ON c.parent_id = s.id
    ),
    units AS (SELECT DISTINCT ON (id) id, depth, sort_key FROM scope ORDER BY id, depth),
    counts AS (
      SELECT p.org_unit_id AS unit_id,
        count(*)::int AS assigned,
        count(*) FILTER (WHERE a.status = 'COMPLETED')::int AS completed,
        count(*) FILTER (WHERE a.status = 'IN_PROGRESS')::int AS in_progress,
        count(*) FILTER (WHERE a.status = 'ASSIGNED')::int AS not_started,
        count(*) FILTER (WHERE a.status = 'EXEMPTED')::int AS exempted,
        count(*) FILTER (WHERE a.status IN ('ASSIGNED','IN_PROGRESS') AND a.due_at < now())::int AS overdue
      FROM assignment a
      JOIN person p ON p.id = a.person_id AND p.status = 'ACTIVE'
      WHERE a.cycle_id = ${cycleId}::uuid AND p.org_unit_id IN (SELECT id FROM units)
      GROUP BY p.org_unit_id
    )
    SELECT u.id AS "unitId", u.code, u.name_ko AS "nameKo", u.name_en AS "nameEn", u.kind::text AS kind,
      units.depth,
      COALESCE(c.assigned, 0) AS assigned, COALESCE(c.completed, 0) AS completed,
      COALESCE(c.in_progress, 0) AS "inProgress", COALESCE(c.not_started, 0) AS "notStarted",
      COALESCE(c.exempted, 0) AS exempted, COALESCE(c.overdue, 0) AS overdue,
      CASE WHEN COALESCE(c.assigned, 0) - COALESCE(c.exempted, 0) > 0
        THEN round(100.0 * c.completed / (c.assigned - c.exempted))::int END AS "ratePercent"
    FROM units JOIN org_unit u ON u.id = units.id
    LEFT JOIN counts c ON c.unit_id = u.id
    ORDER BY units.sort_key`;
}

export interface PersonStatusRow {
  personId: string;
  assignmentId: string;
  employeeNo: string | null;
  name: string;
  email: string;
  staffCategory: string;
  grade: number | null;
  status: string;
  dueAt: Date;
  completedAt: Date | null;
  lessonsDone: number;
}

/** People of one unit and their status in the cycle; 'pending' limits to those not yet done. */
export async function unitPeople(
  actor: Actor,
  unitId: string,
  cycleId: string,
  filter: "pending" | "all",
): Promise<PersonStatusRow[] | null> {
  if (!(await unitIsInScope(actor.hrScopeUnitIds, unitId))) return null;
  return prisma.$queryRaw<PersonStatusRow[]>`
    SELECT p.id AS "personId", a.id AS "assignmentId", p.employee_no AS "employeeNo", p.name, p.email,
      p.staff_category::text AS "staffCategory", p.grade, a.status::text AS status,
      a.due_at AS "dueAt", a.completed_at AS "completedAt",
      (SELECT count(*)::int FROM lesson_progress lp WHERE lp.assignment_id = a.id) AS "lessonsDone"
    FROM assignment a
    JOIN person p ON p.id = a.person_id AND p.status = 'ACTIVE'
    WHERE a.cycle_id = ${cycleId}::uuid AND p.org_unit_id = ${unitId}::uuid
      AND (${filter} = 'all' OR a.status IN ('ASSIGNED', 'IN_PROGRESS'))
    ORDER BY (a.status = 'COMPLETED'), p.name`;
}

const EXPORT_BATCH = 2000;

interface ExportRow {
  personId: string;
  employeeNo: string | null;
  name: string;
  unitCode: string;
  unitNameKo: string;
  unitNameEn: string;
  staffCategory: string;
  grade: number | null;
  status: string;
  dueAt: Date;
  completedAt: Date | null;
  certificateNumber: string | null;
}

/**
 * The whole subtree's people for one cycle as CSV, streamed in keyset-paged
 * batches so a city-sized export never sits in memory.
 */
export function complianceCsvStream(actor: Actor, cycleId: string, locale: AppLocale, t: (k: string) => string) {
  const encoder = new TextEncoder();
  let after = "00000000-0000-0000-0000-000000000000";
  let started = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(
          encoder.encode(
            UTF8_BOM +
              csvRow([
                t("csv.employeeNo"),
                t("csv.name"),
                t("csv.unitCode"),
                t("csv.unit"),
                t("csv.staffCategory"),
                t("csv.grade"),
                t("csv.status"),
                t("csv.dueAt"),
                t("csv.completedAt"),
                t("csv.certificate"),
              ]),
          ),
        );
        if (actor.hrScopeUnitIds.length === 0) controller.close();
        return;
      }
      const rows = await prisma.$queryRaw<ExportRow[]>`
        WITH RECURSIVE scope AS (
          SELECT id FROM org_unit WHERE id = ANY(${actor.hrScopeUnitIds}::uuid[])
          UNION
          SELECT c.id FROM org_unit c JOIN scope s ON c.parent_id = s.id
        )
        SELECT p.id AS "personId", p.employee_no AS "employeeNo", p.name, u.code AS "unitCode",
          u.name_ko AS "unitNameKo", u.name_en AS "unitNameEn", p.staff_category::text AS "staffCategory",
          p.grade, a.status::text AS status, a.due_at AS "dueAt", a.completed_at AS "completedAt",
          cert.number AS "certificateNumber"
        FROM assignment a
        JOIN person p ON p.id = a.person_id AND p.status = 'ACTIVE'
        JOIN org_unit u ON u.id = p.org_unit_id
        LEFT JOIN certificate cert ON cert.assignment_id = a.id AND cert.status = 'VALID'
        WHERE a.cycle_id = ${cycleId}::uuid AND p.org_unit_id IN (SELECT id FROM scope)
          AND p.id > ${after}::uuid
        ORDER BY p.id
        LIMIT ${EXPORT_BATCH}`;
      let chunk = "";
      for (const r of rows) {
        chunk += csvRow([
          r.employeeNo,
          r.name,
          r.unitCode,
          pick(locale, r.unitNameKo, r.unitNameEn),
          t(`staffCategory.${r.staffCategory}`),
          r.grade,
          t(`status.${r.status}`),
          formatDate(r.dueAt, locale, true),
          r.completedAt ? formatDate(r.completedAt, locale, true) : "",
          r.certificateNumber,
        ]);
      }
      if (chunk) controller.enqueue(encoder.encode(chunk));
      if (rows.length < EXPORT_BATCH) controller.close();
      else after = rows[rows.length - 1]!.personId;
    },
  });
}
