import { copyOut, cursorBatches, Prisma, prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import { csvFileStream } from "~/utils/csv";
import { cellValueSql, csvCellSql, csvLineSql, type SqlColumn } from "~/utils/csv-sql.server";
import { AssignmentStatus, CompletionMode } from "~/generated/prisma/enums";
import type { AppLocale } from "~/utils/i18n";
import type { Actor } from "~/modules/auth/permissions.server";
import { placedAt, subtreeScope, unitTreeAt, unitWasInScope } from "~/modules/org/org.server";
import { assignmentState, cycleStates } from "./states.server";
import { ensureCounts } from "./counts.server";
import { sheetDrained } from "~/utils/xlsx.server";

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
  /** Units directly under this one (in the tree read: today's, or that date's). */
  subUnits: number;
}

/**
 * What part of the rolled-up tree a page shows: the subtree of `under` (a unit in the officer's
 * scope; else the whole scope), all of it when it has at most `maxRows` units, else its top unit(s)
 * and the units directly under them, the first `maxRows` in code order. Depths are then counted
 * from the top of what is shown.
 */
export interface UnitView {
  under: string | null;
  maxRows: number;
}

/** How much of the subtree a view shows (see UnitView). */
export interface UnitViewExtent {
  /** Units in the subtree asked for. */
  units: number;
  /** True when only its top two levels are shown (or fewer than those, capped at maxRows). */
  topOnly: boolean;
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

export async function listCycles(scopeUnitIds?: string[]): Promise<CycleOption[]> {
  // For a reader with a scope: the duties of their own organization (or of every unit), never another city's.
  const roots = scopeUnitIds ? await topLevelUnits(scopeUnitIds) : null;
  const cycles = await prisma.cycle.findMany({
    where: {
      status: { not: "PLANNED" },
      ...(roots ? { obligation: { OR: [{ audienceRootId: null }, { audienceRootId: { in: roots } }] } } : {}),
    },
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

/** The top-level organizations the units belong to (a city's root unit). */
async function topLevelUnits(unitIds: string[]): Promise<string[]> {
  if (unitIds.length === 0) return [];
  const rows = await prisma.$queryRaw<{ id: string }[]>(Prisma.sql`
    WITH RECURSIVE up AS (
      SELECT id, parent_id FROM org_unit WHERE id = ANY(${unitIds}::uuid[])
      UNION
      SELECT u.id, u.parent_id FROM org_unit u JOIN up ON u.id = up.parent_id
    )
    SELECT id::text AS id FROM up WHERE parent_id IS NULL`);
  return rows.map((r) => r.id);
}

/**
 * Compliance per unit of the officer's subtree for one cycle, in one query,
 * each unit's numbers rolled up over its own subtree, as of `asOf` (see
 * cycleStates). Overdue means past the deadline and the cycle's grace period.
 * The rate leaves exempted people out of the denominator.
 */
export async function unitCompliance(actor: Actor, cycleId: string, asOf: Date | null = null, view?: UnitView): Promise<UnitCompliance[]> {
  return (await unitComplianceView(actor, cycleId, asOf, view)).rows;
}

/** unitCompliance, and with a view, how much of the subtree it shows. */
export async function unitComplianceView(
  actor: Actor,
  cycleId: string,
  asOf: Date | null = null,
  view?: UnitView,
): Promise<{ rows: UnitCompliance[]; extent: UnitViewExtent | null }> {
  if (actor.hrScopeUnitIds.length === 0) return { rows: [], extent: null };
  // Each unit's own counts are summed into every unit on its path from the scope root
  // (unnest of its ancestors): units x depth rows, never units x units.
  // Today the tree is org_unit as it is (ended units left out); as of a date it is the units'
  // versions valid then (ADR 024), names included, so the roll-up follows the chart of that day.
  const tree = asOf === null
    ? Prisma.sql`tree AS (
      SELECT u.id, 0 AS depth, ARRAY[u.code]::text[] AS sort_key, ARRAY[u.id] AS ancestors
      FROM org_unit u WHERE u.id = ANY(${actor.hrScopeUnitIds}::uuid[])
      UNION ALL
      SELECT c.id, t.depth + 1, t.sort_key || c.code, t.ancestors || c.id
      FROM org_unit c JOIN tree t ON c.parent_id = t.id
      WHERE c.ended_at IS NULL
    ),
    units AS MATERIALIZED (SELECT DISTINCT ON (id) id, depth, sort_key, ancestors FROM tree ORDER BY id, depth),`
    : Prisma.sql`${unitTreeAt(actor.hrScopeUnitIds, asOf)},
    units AS MATERIALIZED (SELECT DISTINCT ON (id) id, depth, sort_key, ancestors, name_ko, name_en, kind FROM tree ORDER BY id, depth),`;
  const names = asOf === null
    ? Prisma.sql`u.name_ko AS "nameKo", u.name_en AS "nameEn", u.kind::text AS kind`
    : Prisma.sql`units.name_ko AS "nameKo", units.name_en AS "nameEn", units.kind::text AS kind`;
  // Today, the cycle's counts (ADR 036) per unit; as of a date, the cycle read then.
  if (asOf === null) await ensureCounts(cycleId);
  const direct = asOf === null
    ? Prisma.sql`direct AS MATERIALIZED (
      SELECT unit_id, sum(assigned)::int AS assigned, sum(completed)::int AS completed, sum(in_person)::int AS in_person,
        sum(in_progress)::int AS in_progress, sum(not_started)::int AS not_started, sum(exempted)::int AS exempted, sum(overdue)::int AS overdue
      FROM compliance_count WHERE cycle_id = ${cycleId}::uuid GROUP BY unit_id
    ),`
    : Prisma.sql`${cycleStates(cycleId, asOf)},
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
    ),`;
  // The rows shown: all of them, or (a view) the subtree asked for, whole or its top two levels.
  const shown = view
    ? Prisma.sql`,
    sub AS MATERIALIZED (
      SELECT units.* FROM units WHERE ${view.under ? Prisma.sql`${view.under}::uuid = ANY(units.ancestors)` : Prisma.sql`TRUE`}
    ),
    extent AS (SELECT min(depth) AS top, count(*)::int AS n FROM sub),
    shown AS MATERIALIZED (
      SELECT sub.id, sub.depth - extent.top AS depth, sub.sort_key, extent.n, extent.n > ${view.maxRows} AS top_only
      FROM sub, extent WHERE extent.n <= ${view.maxRows} OR sub.depth <= extent.top + 1
      ORDER BY sub.sort_key LIMIT ${view.maxRows}
    )`
    : Prisma.sql`,
    shown AS (SELECT units.id, units.depth, units.sort_key, NULL::int AS n, NULL::boolean AS top_only FROM units)`;
  const rows = await prisma.$queryRaw<Array<UnitCompliance & { extentUnits: number | null; topOnly: boolean | null }>>`
    WITH RECURSIVE ${tree}
    ${direct}
    rolled AS (
      SELECT anc.id AS unit_id,
        sum(d.assigned)::int AS assigned, sum(d.completed)::int AS completed, sum(d.in_person)::int AS in_person,
        sum(d.in_progress)::int AS in_progress, sum(d.not_started)::int AS not_started,
        sum(d.exempted)::int AS exempted, sum(d.overdue)::int AS overdue
      FROM direct d
      JOIN units des ON des.id = d.unit_id
      CROSS JOIN LATERAL unnest(des.ancestors) AS anc(id)
      GROUP BY anc.id
    ),
    -- How many units lie directly under each: one pass over the tree read.
    kids AS (
      SELECT units.ancestors[cardinality(units.ancestors) - 1] AS id, count(*)::int AS n
      FROM units WHERE cardinality(units.ancestors) > 1 GROUP BY 1
    )${shown}
    SELECT u.id AS "unitId", u.code, ${names},
      shown.depth, COALESCE(kids.n, 0) AS "subUnits", shown.n AS "extentUnits", shown.top_only AS "topOnly",
      COALESCE(c.assigned, 0) AS assigned, COALESCE(c.completed, 0) AS completed,
      COALESCE(c.in_person, 0) AS "inPerson",
      COALESCE(c.in_progress, 0) AS "inProgress", COALESCE(c.not_started, 0) AS "notStarted",
      COALESCE(c.exempted, 0) AS exempted, COALESCE(c.overdue, 0) AS overdue,
      CASE WHEN COALESCE(c.assigned, 0) - COALESCE(c.exempted, 0) > 0
        THEN round(100.0 * c.completed / (c.assigned - c.exempted))::int END AS "ratePercent"
    FROM shown JOIN units ON units.id = shown.id JOIN org_unit u ON u.id = units.id
    LEFT JOIN rolled c ON c.unit_id = u.id
    LEFT JOIN kids ON kids.id = u.id
    ORDER BY shown.sort_key`;
  const first = rows[0];
  const extent = view ? { units: first?.extentUnits ?? 0, topOnly: first?.topOnly ?? false } : null;
  return { rows: rows.map(({ extentUnits: _n, topOnly: _t, ...row }) => row), extent };
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
  if (asOf === null) {
    await ensureCounts(cycleId);
    // Today, the cycle's counts (ADR 036), kept per unit, category and grade (0: no grade).
    return prisma.$queryRaw<CategoryCompliance[]>`
      ${everyone ? Prisma.sql`WITH sc AS (SELECT NULL::uuid AS id)` : Prisma.sql`${subtreeScope(actor.hrScopeUnitIds)}, sc AS (SELECT DISTINCT id FROM scope)`}
      SELECT k.staff_category AS "staffCategory", NULLIF(k.grade, 0) AS grade,
        sum(k.assigned)::int AS assigned, sum(k.completed)::int AS completed, sum(k.in_person)::int AS "inPerson", sum(k.exempted)::int AS exempted,
        CASE WHEN sum(k.assigned - k.exempted) > 0 THEN round(100.0 * sum(k.completed) / sum(k.assigned - k.exempted))::int END AS "ratePercent"
      FROM compliance_count k
      WHERE k.cycle_id = ${cycleId}::uuid ${everyone ? Prisma.empty : Prisma.sql`AND k.unit_id IN (SELECT id FROM sc)`}
      GROUP BY k.staff_category, k.grade
      ORDER BY (SELECT c.sort_order FROM staff_category c WHERE c.code = k.staff_category) NULLS LAST, k.staff_category, k.grade = 0, k.grade`;
  }
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
  // One statement: whether the unit is in the officer's scope today (walking up from it), and if so
  // its people. Out of scope it yields one row that says so; in scope and empty, one row of nulls.
  // `inScopeThen` says yes for a unit found in scope on the chart of `asOf`.
  const read = (inScopeThen: boolean) => prisma.$queryRaw<Array<PersonStatusRow & { allowed: boolean }>>`
    WITH RECURSIVE up AS (
      SELECT id, parent_id FROM org_unit WHERE id = ${unitId}::uuid
      UNION ALL SELECT u.id, u.parent_id FROM org_unit u JOIN up ON u.id = up.parent_id
    ),
    allowed AS (SELECT ${inScopeThen} OR EXISTS (SELECT 1 FROM up WHERE id = ANY(${actor.hrScopeUnitIds}::uuid[])) AS ok),
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
  let rows = await read(false);
  // As of a date, a unit that lay in the officer's subtrees then (it moved out since) can be read
  // too: the chart of that day is only walked when today's says no.
  if (!rows[0]?.allowed && asOf !== null && (await unitWasInScope(actor.hrScopeUnitIds, unitId, asOf))) rows = await read(true);
  if (!rows[0]?.allowed) return null;
  return rows.filter((r) => r.personId !== null).map(({ allowed: _allowed, ...r }) => r);
}

const EXPORT_BATCH = 2000;

type Translate = (key: string) => string;

const EXPORT_COLUMNS = ["employeeNo", "name", "unitCode", "unit", "staffCategory", "grade", "status", "dueAt", "completedAt", "completionMode", "certificate"] as const;
type ExportColumn = (typeof EXPORT_COLUMNS)[number];

/** Every label of a coded value, in the reader's language. */
const labelsOf = (values: readonly string[], prefix: string, t: Translate) => Object.fromEntries(values.map((v) => [v, t(`${prefix}.${v}`)]));

/** The export's columns that describe the unit: written once per unit, over org_unit. */
const UNIT_COLUMNS: ReadonlySet<ExportColumn> = new Set(["unitCode", "unit"]);

/**
 * The export's columns as SQL: those of UNIT_COLUMNS over org_unit, the others
 * over the export query's `r` (the person and their assignment). The database
 * writes each cell as the reader sees it (app/utils/csv-sql.server.ts).
 */
function exportColumns(cycleId: string, locale: AppLocale, t: Translate): Record<ExportColumn, SqlColumn> {
  return {
    employeeNo: { text: Prisma.sql`r.employee_no` },
    name: { text: Prisma.sql`r.name` },
    unitCode: { text: Prisma.sql`code` },
    unit: { text: locale === "en" ? Prisma.sql`name_en` : Prisma.sql`name_ko` },
    // Named as content/staff-categories.yaml names it (ADR 025): a look-up in a table of a few rows.
    staffCategory: {
      text: Prisma.sql`COALESCE((SELECT ${locale === "en" ? Prisma.sql`sc.name_en` : Prisma.sql`sc.name_ko`} FROM staff_category sc WHERE sc.code = r.staff_category), r.staff_category)`,
    },
    grade: { count: Prisma.sql`r.grade` },
    status: { label: Prisma.sql`r.state`, labels: labelsOf(Object.values(AssignmentStatus), "status", t) },
    // Most people's deadline is the cycle's.
    dueAt: { moment: Prisma.sql`r.due_at`, locale, usual: Prisma.sql`(SELECT due_at FROM cycle WHERE id = ${cycleId}::uuid)` },
    completedAt: { moment: Prisma.sql`r.completed_at`, locale },
    completionMode: { label: Prisma.sql`r.completion_mode`, labels: labelsOf(Object.values(CompletionMode), "completionMode", t) },
    certificate: { text: Prisma.sql`r.certificate_number` },
  };
}

/**
 * The whole subtree's people for one cycle, now or as of a day (the rule of
 * cycleStates), one row each: the export's columns, each written by `cell`,
 * then put together by `row`. The scope is part of the query. Rows come in
 * unit order, then by employee number, in an order the indexes give: the
 * units of the scope sorted by code (a few thousand), then each unit's people
 * read by the index on their unit, sorted within the unit (a few dozen). No
 * sort waits for the whole city, so the first row leaves at once and memory
 * stays flat; each person's assignment and certificate are index look-ups.
 */
function exportQuery(
  actor: Actor,
  cycleId: string,
  asOf: Date | null,
  columns: Record<ExportColumn, SqlColumn>,
  cell: (column: SqlColumn) => Prisma.Sql,
  row: (cells: Prisma.Sql[]) => Prisma.Sql,
): Prisma.Sql {
  const t = Prisma.sql`${asOf ?? now()}::timestamptz`;
  const placed = placedAt(t, asOf !== null ? Prisma.sql`true` : Prisma.sql`false`);
  // Who sat in unit u at t. Today: the roll's index on the unit. As of a day: whoever sits there
  // now or ever had a placement there (both by index), kept if their placement then was u.
  const members =
    asOf === null
      ? { from: Prisma.sql`person p`, where: Prisma.sql`p.org_unit_id = u.id` }
      : {
          from: Prisma.sql`person p ${placed.join}`,
          where: Prisma.sql`p.id IN (SELECT id FROM person WHERE org_unit_id = u.id UNION SELECT person_id FROM person_placement WHERE org_unit_id = u.id)
            AND ${placed.unit} = u.id`,
        };
  const unitCells = EXPORT_COLUMNS.filter((c) => UNIT_COLUMNS.has(c));
  const cells = EXPORT_COLUMNS.map((c) => (UNIT_COLUMNS.has(c) ? Prisma.raw(`u."${c}"`) : cell(columns[c])));
  return Prisma.sql`
    ${subtreeScope(actor.hrScopeUnitIds)}
    SELECT ${row(cells)}
    FROM (
      SELECT id, code, ${Prisma.join(unitCells.map((c) => Prisma.sql`${cell(columns[c])} AS ${Prisma.raw(`"${c}"`)}`))}
      FROM org_unit WHERE id IN (SELECT id FROM scope) ORDER BY code
    ) u
    CROSS JOIN LATERAL (
      SELECT p.id AS person_id, p.employee_no, p.name, p.staff_category::text AS staff_category, p.grade,
        ${assignmentState(t)} AS state, a.due_at,
        CASE WHEN a.completed_at <= ${t} THEN a.completed_at END AS completed_at,
        CASE WHEN a.completed_at <= ${t} THEN a.completion_mode::text END AS completion_mode,
        -- Looked up for the completed only.
        CASE WHEN a.completed_at <= ${t} THEN
          (SELECT cert.number FROM certificate cert WHERE cert.assignment_id = a.id AND cert.status = 'VALID') END AS certificate_number
      FROM ${members.from}
      JOIN assignment a ON a.person_id = p.id AND a.cycle_id = ${cycleId}::uuid
      WHERE ${members.where} AND ${placed.counted} AND a.assigned_at <= ${t}
      -- Keeps the unit's people a step of their own: ordered per unit below, never pulled into one big sort.
      OFFSET 0
    ) r
    ORDER BY u.code, r.employee_no, r.person_id`;
}

/** CSV with a byte order mark (Excel reads Korean correctly) and formulas neutralised, each row written by the database. */
export function complianceCsvStream(actor: Actor, cycleId: string, locale: AppLocale, t: Translate, asOf: Date | null = null) {
  const header = EXPORT_COLUMNS.map((c) => t(`csv.${c}`));
  if (actor.hrScopeUnitIds.length === 0) return csvFileStream(header, (async function* () {})());
  return csvFileStream(header, copyOut(exportQuery(actor, cycleId, asOf, exportColumns(cycleId, locale, t), csvCellSql, csvLineSql)));
}

/**
 * XLSX through exceljs's streaming writer: rows are committed as they are
 * written, and each batch waits for the zip and the reader to take the one
 * before (`sheetDrained`), so memory stays flat. The cells come from the same query as the
 * CSV's, written and neutralised by the database, through one cursor.
 */
export function complianceXlsxStream(actor: Actor, cycleId: string, locale: AppLocale, t: Translate, sheetName: string, asOf: Date | null = null) {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(sheetName.slice(0, 31).replace(/[[\]*?:/\\]/g, " "));
  sheet.columns = EXPORT_COLUMNS.map((c) => ({ header: t(`csv.${c}`), width: c === "unit" || c === "name" ? 24 : 16 }));
  sheet.getRow(1).font = { bold: true };
  // Each row one array of cells, in the columns' order.
  const query = exportQuery(actor, cycleId, asOf, exportColumns(cycleId, locale, t), cellValueSql, (cells) => Prisma.sql`json_build_array(${Prisma.join(cells)}) AS cells`);
  void (async () => {
    try {
      if (actor.hrScopeUnitIds.length > 0) {
        for await (const batch of cursorBatches<{ cells: Array<string | number | null> }>(query, EXPORT_BATCH)) {
          for (const r of batch) sheet.addRow(r.cells).commit();
          await sheetDrained(sheet, out);
          // The reader went away: stop reading (leaving the loop closes the cursor).
          if (out.destroyed) return;
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
