import { cursorBatches, Prisma, prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { csvStream, neutralizeFormula } from "~/utils/csv";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import type { Actor } from "~/modules/auth/permissions.server";
import { placedAt, subtreeScope } from "~/modules/org/org.server";
import { staffCategoryNames } from "~/modules/org/staff-categories.server";
import { staffCategoryName, type StaffCategoryNames } from "~/modules/org/staff-category-names";

export interface UnitCompliance {
  unitId: string;
  code: string;
  nameKo: string;
  nameEn: string;
  kind: string;
  depth: number;
  assigned: number;
  completed: number;
  /** Of the completed, how many by attending an in-person session. */
  inPerson: number;
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
  graceDays: number;
  /** The cycle's first and last calendar days, YYYY-MM-DD. */
  startsOn: string;
  endsOn: string;
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
    graceDays: c.graceDays,
    startsOn: c.startsOn.toISOString().slice(0, 10),
    endsOn: c.endsOn.toISOString().slice(0, 10),
  }));
}

/**
 * The `at` and `states` CTEs every compliance view is read from: each
 * assignment of the cycle as it stood at `asOf` (the clock's now when null).
 * Today, people count in their current unit and people who left are not
 * counted. With a date, people count in the unit they sat in then (their
 * placement history), someone who left later still counts, and only what was
 * assigned, started, completed or exempted by then is seen. Staff category
 * and grade are today's: their history is not kept. `people`, when given,
 * limits the rows to those people (SQL yielding person ids) before anything
 * else is joined.
 */
function cycleStates(cycleId: string, asOf: Date | null, people: Prisma.Sql | null = null, opts: { anyUnit?: boolean } = {}): Prisma.Sql {
  // The moment and whether it is a past one go into the statement as such (not read from a CTE),
  // so that today's view plans without the placement history at all.
  const t = Prisma.sql`${asOf ?? now()}::timestamptz`;
  const historical = asOf !== null ? Prisma.sql`true` : Prisma.sql`false`;
  // When which unit someone sat in does not matter (anyUnit), neither does their placement history.
  const placed = opts.anyUnit ? { ...placedAt(t, Prisma.sql`false`), counted: placedAt(t, historical).counted } : placedAt(t, historical);
  return Prisma.sql`
    at AS (
      SELECT ${t} AS t, ${historical} AS historical,
        (SELECT make_interval(days => grace_days) FROM cycle WHERE id = ${cycleId}::uuid) AS grace
    ),
    states AS (
      SELECT a.id AS assignment_id, p.id AS person_id, ${placed.unit} AS unit_id, a.due_at,
        p.staff_category, p.grade,
        CASE
          WHEN a.completed_at <= ${t} THEN 'COMPLETED'
          WHEN a.status = 'EXEMPTED' AND COALESCE(a.exempted_at, ${t}) <= ${t} THEN 'EXEMPTED'
          WHEN a.started_at <= ${t} THEN 'IN_PROGRESS'
          ELSE 'ASSIGNED'
        END AS state,
        CASE WHEN a.completed_at <= ${t} THEN a.completed_at END AS completed_at,
        CASE WHEN a.completed_at <= ${t} THEN a.completion_mode::text END AS completion_mode,
        a.completed_at <= ${t} AND a.completion_mode = 'IN_PERSON' AS in_person
      FROM assignment a
      JOIN person p ON p.id = a.person_id
      ${placed.join}
      WHERE a.cycle_id = ${cycleId}::uuid AND a.assigned_at <= ${t} AND ${placed.counted}
        ${people ? Prisma.sql`AND a.person_id IN (${people})` : Prisma.empty}
    )`;
}

/**
 * Compliance per unit of the officer's subtree for one cycle, in one query,
 * each unit's numbers rolled up over its own subtree, as of `asOf` (see
 * cycleStates). Overdue means past the deadline and the cycle's grace period.
 * The rate leaves exempted people out of the denominator.
 */
export async function unitCompliance(actor: Actor, cycleId: string, asOf: Date | null = null): Promise<UnitCompliance[]> {
  if (actor.hrScopeUnitIds.length === 0) return [];
  // Each unit's own counts are summed into every unit on its path from the scope root
  // (unnest of its ancestors): units x depth rows, never units x units.
  return prisma.$queryRaw<UnitCompliance[]>`
    WITH RECURSIVE tree AS (
      SELECT u.id, 0 AS depth, ARRAY[u.code]::text[] AS sort_key, ARRAY[u.id] AS ancestors
      FROM org_unit u WHERE u.id = ANY(${actor.hrScopeUnitIds}::uuid[])
      UNION ALL
      SELECT c.id, t.depth + 1, t.sort_key || c.code, t.ancestors || c.id
      FROM org_unit c JOIN tree t ON c.parent_id = t.id
    ),
    units AS MATERIALIZED (SELECT DISTINCT ON (id) id, depth, sort_key, ancestors FROM tree ORDER BY id, depth),
    ${cycleStates(cycleId, asOf)},
    -- The cycle reduced to counts per unit before any tree is joined: the subtree CTE above is
    -- estimated at a few hundred rows whatever its size, so nothing large may meet it.
    direct AS MATERIALIZED (
      SELECT unit_id,
        count(*)::int AS assigned,
        count(*) FILTER (WHERE state = 'COMPLETED')::int AS completed,
        count(*) FILTER (WHERE in_person)::int AS in_person,
        count(*) FILTER (WHERE state = 'IN_PROGRESS')::int AS in_progress,
        count(*) FILTER (WHERE state = 'ASSIGNED')::int AS not_started,
        count(*) FILTER (WHERE state = 'EXEMPTED')::int AS exempted,
        count(*) FILTER (WHERE state IN ('ASSIGNED', 'IN_PROGRESS') AND due_at + (SELECT grace FROM at) < (SELECT t FROM at))::int AS overdue
      FROM states GROUP BY unit_id
    ),
    rolled AS (
      SELECT anc.id AS unit_id,
        sum(d.assigned)::int AS assigned, sum(d.completed)::int AS completed, sum(d.in_person)::int AS in_person,
        sum(d.in_progress)::int AS in_progress, sum(d.not_started)::int AS not_started,
        sum(d.exempted)::int AS exempted, sum(d.overdue)::int AS overdue
      FROM direct d
      JOIN units des ON des.id = d.unit_id
      CROSS JOIN LATERAL unnest(des.ancestors) AS anc(id)
      GROUP BY anc.id
    )
    SELECT u.id AS "unitId", u.code, u.name_ko AS "nameKo", u.name_en AS "nameEn", u.kind::text AS kind,
      units.depth,
      COALESCE(c.assigned, 0) AS assigned, COALESCE(c.completed, 0) AS completed,
      COALESCE(c.in_person, 0) AS "inPerson",
      COALESCE(c.in_progress, 0) AS "inProgress", COALESCE(c.not_started, 0) AS "notStarted",
      COALESCE(c.exempted, 0) AS exempted, COALESCE(c.overdue, 0) AS overdue,
      CASE WHEN COALESCE(c.assigned, 0) - COALESCE(c.exempted, 0) > 0
        THEN round(100.0 * c.completed / (c.assigned - c.exempted))::int END AS "ratePercent"
    FROM units JOIN org_unit u ON u.id = units.id
    LEFT JOIN rolled c ON c.unit_id = u.id
    ORDER BY units.sort_key`;
}

export interface CategoryCompliance {
  staffCategory: string;
  grade: number | null;
  assigned: number;
  completed: number;
  inPerson: number;
  exempted: number;
  ratePercent: number | null;
}

/** The same cycle by staff category (in the configured order, staff_category.sort_order) and grade, for the oversight bodies' "participation by rank". */
export async function categoryCompliance(actor: Actor, cycleId: string, asOf: Date | null = null): Promise<CategoryCompliance[]> {
  if (actor.hrScopeUnitIds.length === 0) return [];
  // An officer over every top-level unit sees everyone on the roll: neither the tree nor, as of a
  // date, where each person sat can change who is counted, so neither is read.
  const everyone = await scopeTakesEveryUnit(actor.hrScopeUnitIds);
  const inScope = everyone
    ? Prisma.sql`WITH ${cycleStates(cycleId, asOf, null, { anyUnit: true })}`
    : // The scope is hashed and probed once per row: the join cannot turn into a scan per unit.
      Prisma.sql`${subtreeScope(actor.hrScopeUnitIds)}, ${cycleStates(cycleId, asOf)}, sc AS (SELECT DISTINCT id FROM scope)`;
  return prisma.$queryRaw<CategoryCompliance[]>`
    ${inScope}
    SELECT s.staff_category::text AS "staffCategory", s.grade,
      count(*)::int AS assigned,
      count(*) FILTER (WHERE s.state = 'COMPLETED')::int AS completed,
      count(*) FILTER (WHERE s.in_person)::int AS "inPerson",
      count(*) FILTER (WHERE s.state = 'EXEMPTED')::int AS exempted,
      CASE WHEN count(*) FILTER (WHERE s.state <> 'EXEMPTED') > 0
        THEN round(100.0 * count(*) FILTER (WHERE s.state = 'COMPLETED') / count(*) FILTER (WHERE s.state <> 'EXEMPTED'))::int END AS "ratePercent"
    FROM states s
    ${everyone ? Prisma.sql`WHERE s.unit_id IS NOT NULL` : Prisma.sql`JOIN sc ON sc.id = s.unit_id`}
    GROUP BY s.staff_category, s.grade
    ORDER BY (SELECT k.sort_order FROM staff_category k WHERE k.code = s.staff_category) NULLS LAST, s.staff_category, s.grade NULLS LAST`;
}

/** Whether the scope roots take in every top-level unit, so that every unit is in scope. */
async function scopeTakesEveryUnit(rootIds: string[]): Promise<boolean> {
  const [row] = await prisma.$queryRaw<Array<{ every: boolean }>>`
    SELECT NOT EXISTS (SELECT 1 FROM org_unit WHERE parent_id IS NULL AND NOT (id = ANY(${rootIds}::uuid[]))) AS every`;
  return row?.every ?? false;
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
  completionMode: string | null;
  lessonsDone: number;
}

/**
 * People of one unit and their status in the cycle, as of `asOf` (see
 * cycleStates); 'pending' limits to those not yet done.
 */
export async function unitPeople(
  actor: Actor,
  unitId: string,
  cycleId: string,
  filter: "pending" | "all",
  asOf: Date | null = null,
): Promise<PersonStatusRow[] | null> {
  if (actor.hrScopeUnitIds.length === 0) return null;
  // Only people who sit, or once sat, in the unit are read: an index look-up, not the whole cycle.
  const candidates = Prisma.sql`SELECT id FROM person WHERE org_unit_id = ${unitId}::uuid
    UNION SELECT person_id FROM person_placement WHERE org_unit_id = ${unitId}::uuid`;
  // One statement: whether the unit is in the officer's scope (walking up from it), and if so its
  // people. Out of scope it yields one row that says so; in scope and empty, one row of nulls.
  const rows = await prisma.$queryRaw<Array<PersonStatusRow & { allowed: boolean }>>`
    WITH RECURSIVE up AS (
      SELECT id, parent_id FROM org_unit WHERE id = ${unitId}::uuid
      UNION ALL SELECT u.id, u.parent_id FROM org_unit u JOIN up ON u.id = up.parent_id
    ),
    allowed AS (SELECT EXISTS (SELECT 1 FROM up WHERE id = ANY(${actor.hrScopeUnitIds}::uuid[])) AS ok),
    ${cycleStates(cycleId, asOf, candidates)}
    SELECT al.ok AS allowed, r.* FROM allowed al
    LEFT JOIN LATERAL (
      SELECT p.id AS "personId", s.assignment_id AS "assignmentId", p.employee_no AS "employeeNo", p.name, p.email,
        p.staff_category::text AS "staffCategory", p.grade, s.state AS status,
        s.due_at AS "dueAt", s.completed_at AS "completedAt", s.completion_mode AS "completionMode",
        (SELECT count(*)::int FROM lesson_progress lp
          WHERE lp.assignment_id = s.assignment_id AND lp.completed_at <= (SELECT t FROM at)) AS "lessonsDone"
      FROM states s JOIN person p ON p.id = s.person_id
      WHERE s.unit_id = ${unitId}::uuid
        AND (${filter} = 'all' OR s.state IN ('ASSIGNED', 'IN_PROGRESS'))
    ) r ON al.ok
    ORDER BY (r.status = 'COMPLETED'), r.name`;
  if (!rows[0]?.allowed) return null;
  return rows.filter((r) => r.personId !== null).map(({ allowed: _allowed, ...r }) => r);
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
  dueAt: Date | null;
  completedAt: Date | null;
  completionMode: string | null;
  certificateNumber: string | null;
}

/**
 * The whole subtree's people for one cycle, now or as of a day (see
 * cycleStates), read through one cursor in batches: the query is planned and
 * run once, and a city-sized export never sits in memory. The scope is part
 * of the query. Rows come in unit order, then by employee number.
 */
function exportBatches(actor: Actor, cycleId: string, asOf: Date | null): AsyncGenerator<ExportRow[]> {
  if (actor.hrScopeUnitIds.length === 0) return (async function* () {})();
  return cursorBatches<ExportRow>(
    Prisma.sql`
      ${subtreeScope(actor.hrScopeUnitIds)},
      ${cycleStates(cycleId, asOf)}
      SELECT p.id AS "personId", p.employee_no AS "employeeNo", p.name, u.code AS "unitCode",
        u.name_ko AS "unitNameKo", u.name_en AS "unitNameEn", p.staff_category::text AS "staffCategory",
        p.grade, s.state AS status, s.due_at AS "dueAt", s.completed_at AS "completedAt",
        s.completion_mode AS "completionMode", cert.number AS "certificateNumber"
      FROM states s
      JOIN (SELECT DISTINCT id FROM scope) sc ON sc.id = s.unit_id
      JOIN person p ON p.id = s.person_id
      JOIN org_unit u ON u.id = s.unit_id
      LEFT JOIN certificate cert ON cert.assignment_id = s.assignment_id AND cert.status = 'VALID' AND s.state = 'COMPLETED'
      ORDER BY u.code, p.employee_no, p.id`,
    EXPORT_BATCH,
  );
}

type Translate = (key: string) => string;

const EXPORT_COLUMNS = ["employeeNo", "name", "unitCode", "unit", "staffCategory", "grade", "status", "dueAt", "completedAt", "completionMode", "certificate"];

function exportCells(r: ExportRow, locale: AppLocale, t: Translate, categories: StaffCategoryNames): Array<string | number | null> {
  return [
    r.employeeNo,
    r.name,
    r.unitCode,
    pick(locale, r.unitNameKo, r.unitNameEn),
    staffCategoryName(categories, r.staffCategory, locale),
    r.grade,
    t(`status.${r.status}`),
    r.dueAt ? formatDate(r.dueAt, locale, true) : "",
    r.completedAt ? formatDate(r.completedAt, locale, true) : "",
    r.completionMode ? t(`completionMode.${r.completionMode}`) : "",
    r.certificateNumber,
  ];
}

/** CSV with a byte order mark (Excel reads Korean correctly) and formulas neutralised. */
export function complianceCsvStream(actor: Actor, cycleId: string, locale: AppLocale, t: Translate, asOf: Date | null = null) {
  async function* rows() {
    const categories = await staffCategoryNames();
    for await (const batch of exportBatches(actor, cycleId, asOf)) yield batch.map((r) => exportCells(r, locale, t, categories));
  }
  return csvStream(EXPORT_COLUMNS.map((c) => t(`csv.${c}`)), rows());
}

/**
 * XLSX through exceljs's streaming writer: rows are committed as they are
 * written, so memory stays flat. Text cells are neutralised like CSV cells.
 */
export function complianceXlsxStream(actor: Actor, cycleId: string, locale: AppLocale, t: Translate, sheetName: string, asOf: Date | null = null) {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31).replace(/[[\]*?:/\\]/g, " "));
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: t(`csv.${c}`), width: c === "unit" || c === "name" ? 24 : 16 }));
  sheet.getRow(1).font = { bold: true };
  void (async () => {
    try {
      const categories = await staffCategoryNames();
      for await (const batch of exportBatches(actor, cycleId, asOf)) {
        for (const r of batch) {
          sheet.addRow(exportCells(r, locale, t, categories).map((v) => (typeof v === "string" ? neutralizeFormula(v) : v))).commit();
        }
      }
      sheet.commit();
      await workbook.commit();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}
