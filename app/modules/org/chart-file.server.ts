import { createHash } from "node:crypto";
import { prisma } from "~/utils/db.server";
import { countCsvRecords, csvRecords } from "~/utils/csv-parse";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { ImportError, IMPORT_LIMITS, runQueuedApply, runQueuedCheck, type ImportProgress } from "~/modules/personnel/import.server";
import { followUpAfterCommit, recordImportFollowUp } from "~/modules/personnel/follow-up.server";
import { enqueueImport } from "~/utils/queues.server";
import { now } from "~/utils/clock.server";
import { plainText } from "~/utils/text";
import { csvRow, UTF8_BOM } from "~/utils/csv";
import { isUuid } from "~/utils/ids";
import { ORG_UNIT_KINDS } from "./coded-sets";

/**
 * The organization chart as a file (ADR 024): one row per unit that is new or
 * changes, with its code, names, parent, kind and the day the change takes
 * effect; a unit is ended by its row's action, alone (it must be empty) or
 * merged into another unit (its people move there on that day). Checked in a
 * dry run that lists every change and names the lines of every problem, then
 * applied all or nothing. It travels as a personnel_import of kind ORG_CHART,
 * through the same pages, jobs and follow-up as the personnel file.
 */
export const CHART_COLUMNS = ["code", "name_ko", "name_en", "parent_code", "kind", "valid_from", "action", "merged_into"] as const;
export type ChartColumn = (typeof CHART_COLUMNS)[number];
/** Columns the header must have; parent_code may be empty (a top-level unit), and an ending row needs only its code. */
export const CHART_REQUIRED = ["code", "name_ko", "name_en", "parent_code", "kind"] as const;

export const CHART_HEADERS: Readonly<Record<ChartColumn, readonly string[]>> = {
  code: ["code", "unit_code", "부서코드", "조직코드"],
  name_ko: ["name_ko", "부서명", "한글부서명", "조직명"],
  name_en: ["name_en", "영문부서명", "영문명"],
  parent_code: ["parent_code", "상위부서코드", "상위조직코드", "상위코드"],
  kind: ["kind", "조직유형", "부서유형", "유형"],
  valid_from: ["valid_from", "시행일", "적용일", "적용일자"],
  action: ["action", "처리", "변경구분"],
  merged_into: ["merged_into", "통합부서코드", "흡수부서코드", "통합대상"],
};

function headerKey(cell: string): string {
  return cell.replace(/^\uFEFF/, "").toLowerCase().replace(/[\s_\-()]/g, "");
}
const COLUMN_BY_HEADER: ReadonlyMap<string, ChartColumn> = new Map(
  CHART_COLUMNS.flatMap((c) => CHART_HEADERS[c].map((h) => [headerKey(h), c] as const)),
);

/** Kinds by their code, or by the Korean words a hand-made chart uses. */
const KIND_WORDS: Readonly<Record<string, string>> = {
  "시": "CITY", "본청": "CITY", "실국": "BUREAU", "국": "BUREAU", "실": "BUREAU", "본부": "BUREAU", "과": "DIVISION", "담당관": "DIVISION",
  "팀": "TEAM", "사업소": "AFFILIATED_ORG", "출연기관": "AFFILIATED_ORG", "투자기관": "AFFILIATED_ORG", "복지시설": "WELFARE_FACILITY", "교육기관": "EDUCATIONAL_INSTITUTION",
};
const KIND_SET: ReadonlySet<string> = new Set(ORG_UNIT_KINDS);
function kindOf(cell: string): string | null {
  const text = plainText(cell);
  const code = text.toUpperCase().replace(/[\s-]+/g, "_");
  if (KIND_SET.has(code)) return code;
  return KIND_WORDS[text.replace(/\s+/g, "")] ?? null;
}

/** Keep (empty), end, or merge; the Korean words too. A merged_into code alone means a merge. */
const ACTION_WORDS: Readonly<Record<string, "KEEP" | "END" | "MERGE">> = {
  "": "KEEP", KEEP: "KEEP", "유지": "KEEP", END: "END", CLOSE: "END", "폐지": "END", "종료": "END", MERGE: "MERGE", "통합": "MERGE", "흡수": "MERGE",
};

export const CHART_PROBLEM_CODES = [
  "empty-file",
  "no-rows",
  "missing-columns",
  "empty",
  "too-long",
  "bad-character",
  "kind-unknown",
  "date-invalid",
  "date-future",
  "action-unknown",
  "merge-target-missing",
  "merge-into-self",
  "duplicate-code",
  "parent-unknown",
  "parent-ended",
  "cycle",
  "unit-unknown",
  "unit-ended",
  "merge-target-unknown",
  "merge-target-ended",
  "orphans-people",
  "orphans-units",
  "date-before-history",
  "people-moved-since",
  "out-of-scope",
] as const;
export type ChartProblemCode = (typeof CHART_PROBLEM_CODES)[number];

export interface ChartProblem {
  line: number;
  code: ChartProblemCode;
  params: Record<string, string | number>;
}

export type ChartChangeKind = "new" | "rename" | "move" | "kind" | "end" | "merge";
export interface ChartChange {
  line: number;
  code: string;
  changes: ChartChangeKind[];
  /** Before → after, for what changes: names, parent's code, kind, merge target. */
  nameKo: string;
  nameEn: string;
  oldNameKo: string | null;
  oldNameEn: string | null;
  oldParent: string | null;
  parent: string | null;
  oldKind: string | null;
  kind: string | null;
  mergedInto: string | null;
  validFrom: string;
  /** Active people in the unit; for a move, in its whole subtree. */
  people: number;
}

export interface ChartSummary {
  chart: true;
  rows: number;
  created: number;
  renamed: number;
  moved: number;
  rekinded: number;
  ended: number;
  merged: number;
  unchanged: number;
  /** Active people who change unit (merges). */
  peopleMoved: number;
  problems: ChartProblem[];
  /** Every change, in line order, up to CHANGES_KEPT; `changeCount` says how many there are. */
  changes: ChartChange[];
  changeCount: number;
}

const CHANGES_KEPT = 5000;
const PROBLEMS_KEPT = 500;
const WORKER_TRANSACTION = { timeout: 10 * 60_000, maxWait: 30_000 };

export function isChartSummary(summary: unknown): summary is ChartSummary {
  return typeof summary === "object" && summary !== null && (summary as { chart?: unknown }).chart === true;
}

interface ChartRow {
  line: number;
  code: string;
  nameKo: string | null;
  nameEn: string | null;
  parentCode: string | null;
  kind: string | null;
  /** YYYY-MM-DD, a Seoul calendar day. */
  validFrom: string;
  ending: boolean;
  mergedInto: string | null;
}

type Report = (progress: ImportProgress) => Promise<unknown>;
const inRequest: Report = async () => undefined;

/** Today in Seoul, YYYY-MM-DD. */
function seoulToday(): string {
  return new Date(now().getTime() + 9 * 3600_000).toISOString().slice(0, 10);
}

function dateCell(value: string): string | null {
  const m = /^(\d{4})[-./](\d{1,2})[-./](\d{1,2})\.?$/.exec(value);
  if (!m) return null;
  const iso = `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
  const d = new Date(`${iso}T00:00:00Z`);
  return Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== iso ? null : iso;
}

/** Parse and check each row by itself; what needs the database is checked by `stage`. */
export async function readChart(text: string, report: Report = inRequest, total = 0): Promise<{ rows: ChartRow[]; problems: ChartProblem[]; count: number }> {
  const records = csvRecords(text);
  const problems: ChartProblem[] = [];
  const first = records.next();
  if (first.done) return { rows: [], problems: [{ line: 1, code: "empty-file", params: {} }], count: 0 };
  const cellsOfHeader = first.value.cells.map((c) => c.trim());
  const header = cellsOfHeader.map((c) => COLUMN_BY_HEADER.get(headerKey(c)) ?? null);
  const missing = CHART_REQUIRED.filter((c) => !header.includes(c));
  if (missing.length) {
    const unknown = cellsOfHeader.filter((h, i) => header[i] === null && h !== "");
    const columns = missing.map((c) => CHART_HEADERS[c].slice(0, 2).join(" / ")).join(", ");
    return { rows: [], problems: [{ line: 1, code: "missing-columns", params: { columns, unknown: unknown.join(", ") || "—" } }], count: 0 };
  }
  const at = CHART_COLUMNS.map((c) => header.indexOf(c));
  const today = seoulToday();
  const rows: ChartRow[] = [];
  const seen = new Map<string, number>();
  let count = 0;
  for (const { line, cells } of records) {
    if (++count % 5000 === 0) await report({ phase: "reading", done: count, total: Math.max(total, count) });
    const raw = Object.fromEntries(CHART_COLUMNS.map((c, k) => [c, at[k]! >= 0 ? (cells[at[k]!] ?? "") : ""])) as Record<ChartColumn, string>;
    const unreadable = CHART_COLUMNS.filter((c) => raw[c].includes("\u0000") || raw[c].includes("\uFFFD"));
    if (unreadable.length) {
      problems.push(...unreadable.map((column) => ({ line, code: "bad-character" as const, params: { column } })));
      continue;
    }
    const cell = (c: ChartColumn) => plainText(raw[c]);
    const before = problems.length;
    const code = cell("code");
    const action = ACTION_WORDS[cell("action").toUpperCase()];
    const mergedInto = cell("merged_into") || null;
    const ending = action === "END" || action === "MERGE" || (action === "KEEP" && mergedInto !== null);
    if (code === "") problems.push({ line, code: "empty", params: { column: "code", value: "" } });
    if (code.length > 40) problems.push({ line, code: "too-long", params: { column: "code", value: code.slice(0, 60), max: 40 } });
    if (action === undefined) problems.push({ line, code: "action-unknown", params: { column: "action", value: cell("action").slice(0, 60), allowed: "END, MERGE" } });
    if (action === "MERGE" && mergedInto === null) problems.push({ line, code: "merge-target-missing", params: { value: code } });
    if (mergedInto !== null && mergedInto === code) problems.push({ line, code: "merge-into-self", params: { value: code } });
    let kind: string | null = null;
    const nameKo = cell("name_ko");
    const nameEn = cell("name_en");
    const parentCode = cell("parent_code") || null;
    if (!ending) {
      for (const [column, value, max] of [["name_ko", nameKo, 200], ["name_en", nameEn, 200]] as const) {
        if (value === "") problems.push({ line, code: "empty", params: { column, value: "" } });
        else if (value.length > max) problems.push({ line, code: "too-long", params: { column, value: value.slice(0, 60), max } });
      }
      if (parentCode !== null && parentCode.length > 40) problems.push({ line, code: "too-long", params: { column: "parent_code", value: parentCode.slice(0, 60), max: 40 } });
      kind = kindOf(raw.kind);
      if (kind === null) problems.push({ line, code: "kind-unknown", params: { column: "kind", value: cell("kind").slice(0, 60), allowed: ORG_UNIT_KINDS.join(", ") } });
    }
    const dateText = cell("valid_from");
    const validFrom = dateText === "" ? today : dateCell(dateText);
    if (validFrom === null) problems.push({ line, code: "date-invalid", params: { column: "valid_from", value: dateText.slice(0, 60) } });
    else if (validFrom > today) problems.push({ line, code: "date-future", params: { column: "valid_from", value: validFrom } });
    if (code !== "") {
      const dup = seen.get(code);
      if (dup) problems.push({ line, code: "duplicate-code", params: { value: code, other: dup } });
      else seen.set(code, line);
    }
    if (problems.length > before) continue;
    rows.push({
      line,
      code,
      nameKo: ending ? null : nameKo,
      nameEn: ending ? null : nameEn,
      parentCode: ending ? null : parentCode,
      kind,
      validFrom: validFrom!,
      ending,
      mergedInto: ending ? mergedInto : null,
    });
  }
  await report({ phase: "reading", done: count, total: count });
  if (count === 0 && problems.length === 0) problems.push({ line: 1, code: "no-rows", params: {} });
  return { rows, problems, count };
}

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

/**
 * Load the rows into a temporary table and check them against the chart,
 * set-based (a handful of statements whatever the file's size): references,
 * the tree the file would leave (cycles, orphans), scope, history; then what
 * would change and whom it affects.
 */
async function stage(tx: Tx, rows: ChartRow[], scope: string[], report: Report = inRequest) {
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE chart_row (
    line int, code text PRIMARY KEY, name_ko text, name_en text, parent_code text, kind text, valid_from timestamptz, ending boolean, merged_into text
  ) ON COMMIT DROP`);
  const batch = IMPORT_LIMITS.stageBatchRows;
  for (let from = 0; from < rows.length; from += batch) {
    const part = rows.slice(from, from + batch);
    // A calendar day in Seoul starts at its midnight there.
    await tx.$executeRaw`
      INSERT INTO chart_row
      SELECT line, code, name_ko, name_en, parent_code, kind, (valid_from || ' 00:00:00+09')::timestamptz, ending, merged_into
      FROM unnest(${part.map((r) => r.line)}::int[], ${part.map((r) => r.code)}::text[], ${part.map((r) => r.nameKo)}::text[],
        ${part.map((r) => r.nameEn)}::text[], ${part.map((r) => r.parentCode)}::text[], ${part.map((r) => r.kind)}::text[],
        ${part.map((r) => r.validFrom)}::text[], ${part.map((r) => r.ending)}::boolean[], ${part.map((r) => r.mergedInto)}::text[])
        AS r(line, code, name_ko, name_en, parent_code, kind, valid_from, ending, merged_into)`;
    await report({ phase: "staging", done: from + part.length, total: rows.length });
  }
  await tx.$executeRawUnsafe(`ANALYZE chart_row`);
  // The tree as the file would leave it: every unit there is today that the file leaves alone,
  // then the file's own rows (a unit it ends keeps its parent, and is marked as ending).
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE chart_tree (code text PRIMARY KEY, parent_code text, ending boolean, line int) ON COMMIT DROP`);
  await tx.$executeRaw`
    INSERT INTO chart_tree
    SELECT u.code, pu.code, false, NULL FROM org_unit u LEFT JOIN org_unit pu ON pu.id = u.parent_id
    WHERE u.ended_at IS NULL AND NOT EXISTS (SELECT 1 FROM chart_row r WHERE r.code = u.code)`;
  await tx.$executeRaw`
    INSERT INTO chart_tree
    SELECT r.code, CASE WHEN r.ending THEN pu.code ELSE r.parent_code END, r.ending, r.line
    FROM chart_row r LEFT JOIN org_unit u ON u.code = r.code LEFT JOIN org_unit pu ON pu.id = u.parent_id`;
  await tx.$executeRawUnsafe(`CREATE INDEX ON chart_tree (parent_code)`);
  await tx.$executeRawUnsafe(`ANALYZE chart_tree`);
  // The units the uploader may change: their subtrees today, or everything.
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE chart_scope (id uuid PRIMARY KEY) ON COMMIT DROP`);
  if (scope.length > 0) {
    await tx.$executeRaw`
      WITH RECURSIVE s AS (
        SELECT id FROM org_unit WHERE id = ANY(${scope}::uuid[])
        UNION SELECT c.id FROM org_unit c JOIN s ON c.parent_id = s.id
      )
      INSERT INTO chart_scope SELECT id FROM s`;
  }
  await report({ phase: "comparing", done: 0, total: 2 });
  const everywhere = scope.length === 0;
  const found = await tx.$queryRaw<Array<{ line: number; code: ChartProblemCode; value: string; other: string | null }>>`
    WITH RECURSIVE
    -- From every top-level unit down, through units that stay: whatever a file row names and this
    -- walk does not reach hangs under a missing parent or lies on a cycle.
    reached AS (
      SELECT code FROM chart_tree WHERE parent_code IS NULL AND NOT ending
      UNION SELECT t.code FROM chart_tree t JOIN reached r ON t.parent_code = r.code WHERE NOT t.ending
    ),
    unreached AS (
      SELECT t.code, t.parent_code, t.line FROM chart_tree t
      WHERE t.line IS NOT NULL AND NOT t.ending AND NOT EXISTS (SELECT 1 FROM reached r WHERE r.code = t.code)
    ),
    -- Up from each unreached row until a code repeats: the row is on a cycle if the walk comes back to it.
    up (start, code) AS (
      SELECT u.code, u.parent_code FROM unreached u
      UNION SELECT up.start, t.parent_code FROM up JOIN chart_tree t ON t.code = up.code WHERE up.code <> up.start
    ),
    direct AS (
      SELECT org_unit_id AS unit_id, count(*)::int AS people FROM person
      WHERE status = 'ACTIVE' AND org_unit_id IN (SELECT u.id FROM org_unit u JOIN chart_row r ON r.code = u.code AND r.ending)
      GROUP BY org_unit_id
    )
    SELECT r.line, 'parent-unknown' AS code, r.parent_code AS value, NULL AS other
    FROM chart_row r WHERE NOT r.ending AND r.parent_code IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM chart_tree t WHERE t.code = r.parent_code)
      AND NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = r.parent_code)
    UNION ALL
    SELECT r.line, 'parent-ended', r.parent_code, NULL
    FROM chart_row r WHERE NOT r.ending AND r.parent_code IS NOT NULL
      AND (EXISTS (SELECT 1 FROM chart_tree t WHERE t.code = r.parent_code AND t.ending)
        OR (NOT EXISTS (SELECT 1 FROM chart_tree t WHERE t.code = r.parent_code) AND EXISTS (SELECT 1 FROM org_unit u WHERE u.code = r.parent_code)))
    UNION ALL
    SELECT u.line, 'cycle', u.code, u.parent_code FROM unreached u
    WHERE EXISTS (SELECT 1 FROM up WHERE up.start = u.code AND up.code = u.code)
    UNION ALL
    SELECT r.line, 'unit-unknown', r.code, NULL FROM chart_row r
    WHERE r.ending AND NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = r.code)
    UNION ALL
    SELECT r.line, 'unit-ended', r.code, NULL FROM chart_row r JOIN org_unit u ON u.code = r.code WHERE u.ended_at IS NOT NULL
    UNION ALL
    SELECT r.line, 'merge-target-unknown', r.merged_into, NULL FROM chart_row r
    WHERE r.merged_into IS NOT NULL AND NOT EXISTS (SELECT 1 FROM chart_tree t WHERE t.code = r.merged_into)
      AND NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = r.merged_into)
    UNION ALL
    SELECT r.line, 'merge-target-ended', r.merged_into, NULL FROM chart_row r
    WHERE r.merged_into IS NOT NULL AND r.merged_into <> r.code
      AND (EXISTS (SELECT 1 FROM chart_tree t WHERE t.code = r.merged_into AND t.ending)
        OR (NOT EXISTS (SELECT 1 FROM chart_tree t WHERE t.code = r.merged_into) AND EXISTS (SELECT 1 FROM org_unit u WHERE u.code = r.merged_into)))
    UNION ALL
    SELECT r.line, 'orphans-people', r.code, d.people::text FROM chart_row r JOIN org_unit u ON u.code = r.code JOIN direct d ON d.unit_id = u.id
    WHERE r.ending AND r.merged_into IS NULL AND d.people > 0
    UNION ALL
    SELECT r.line, 'orphans-units', r.code, min(t.code) FROM chart_row r JOIN chart_tree t ON t.parent_code = r.code AND NOT t.ending
    WHERE r.ending GROUP BY r.line, r.code
    UNION ALL
    SELECT r.line, 'date-before-history', r.code, to_char(v.valid_from AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD')
    FROM chart_row r JOIN org_unit u ON u.code = r.code JOIN org_unit_version v ON v.unit_id = u.id AND v.valid_to IS NULL
    WHERE r.valid_from < v.valid_from
    UNION ALL
    SELECT r.line, 'people-moved-since', r.code, to_char(max(pl.valid_from) AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD')
    FROM chart_row r JOIN org_unit u ON u.code = r.code
    JOIN person p ON p.org_unit_id = u.id AND p.status = 'ACTIVE'
    JOIN person_placement pl ON pl.person_id = p.id AND pl.valid_to IS NULL AND pl.valid_from > r.valid_from
    WHERE r.merged_into IS NOT NULL GROUP BY r.line, r.code
    UNION ALL
    -- An officer changes units of their own subtrees only: the unit, its new parent and a merge
    -- target must all lie there (a new unit under a new unit of the file is fine); a new top-level
    -- unit is the whole city's business.
    SELECT r.line, 'out-of-scope', r.code, NULL FROM chart_row r
    WHERE NOT ${everywhere} AND (
      EXISTS (SELECT 1 FROM org_unit u WHERE u.code = r.code AND u.id NOT IN (SELECT id FROM chart_scope))
      OR (NOT r.ending AND r.parent_code IS NULL)
      OR EXISTS (SELECT 1 FROM org_unit u WHERE u.code = r.parent_code AND u.id NOT IN (SELECT id FROM chart_scope))
      OR EXISTS (SELECT 1 FROM org_unit u WHERE u.code = r.merged_into AND u.id NOT IN (SELECT id FROM chart_scope)))
    ORDER BY 1`;
  const problems: ChartProblem[] = found.map(({ line, code, value, other }): ChartProblem => ({ line, code, params: other === null ? { value } : { value, other } }));
  await report({ phase: "comparing", done: 1, total: 2 });
  // What each row changes, and how many people it touches.
  const changes = await tx.$queryRaw<Array<ChartChange & { total: number }>>`
    WITH RECURSIVE
    moved AS (
      SELECT u.id FROM chart_row r JOIN org_unit u ON u.code = r.code LEFT JOIN org_unit pu ON pu.id = u.parent_id
      WHERE NOT r.ending AND r.parent_code IS DISTINCT FROM pu.code
    ),
    below (root, id) AS (
      SELECT id, id FROM moved
      UNION ALL SELECT b.root, c.id FROM org_unit c JOIN below b ON c.parent_id = b.id
    ),
    subtree AS (
      SELECT b.root AS unit_id, count(p.id)::int AS people FROM below b JOIN person p ON p.org_unit_id = b.id AND p.status = 'ACTIVE' GROUP BY b.root
    ),
    direct AS (
      SELECT p.org_unit_id AS unit_id, count(*)::int AS people FROM person p JOIN org_unit u ON u.id = p.org_unit_id JOIN chart_row r ON r.code = u.code
      WHERE p.status = 'ACTIVE' GROUP BY p.org_unit_id
    ),
    diff AS (
      SELECT r.line, r.code,
        array_remove(ARRAY[
          CASE WHEN u.id IS NULL THEN 'new' END,
          CASE WHEN u.id IS NOT NULL AND NOT r.ending AND (u.name_ko, u.name_en) IS DISTINCT FROM (r.name_ko, r.name_en) THEN 'rename' END,
          CASE WHEN u.id IS NOT NULL AND NOT r.ending AND r.parent_code IS DISTINCT FROM pu.code THEN 'move' END,
          CASE WHEN u.id IS NOT NULL AND NOT r.ending AND u.kind::text <> r.kind THEN 'kind' END,
          CASE WHEN r.ending AND r.merged_into IS NULL THEN 'end' END,
          CASE WHEN r.ending AND r.merged_into IS NOT NULL THEN 'merge' END
        ], NULL) AS changes,
        COALESCE(r.name_ko, u.name_ko) AS "nameKo", COALESCE(r.name_en, u.name_en) AS "nameEn",
        u.name_ko AS "oldNameKo", u.name_en AS "oldNameEn", pu.code AS "oldParent",
        CASE WHEN r.ending THEN pu.code ELSE r.parent_code END AS parent,
        u.kind::text AS "oldKind", COALESCE(r.kind, u.kind::text) AS kind, r.merged_into AS "mergedInto",
        to_char(r.valid_from AT TIME ZONE 'Asia/Seoul', 'YYYY-MM-DD') AS "validFrom",
        COALESCE(CASE WHEN r.ending OR r.parent_code IS NOT DISTINCT FROM pu.code THEN d.people ELSE s.people END, 0) AS people
      FROM chart_row r
      LEFT JOIN org_unit u ON u.code = r.code
      LEFT JOIN org_unit pu ON pu.id = u.parent_id
      LEFT JOIN direct d ON d.unit_id = u.id
      LEFT JOIN subtree s ON s.unit_id = u.id
    )
    SELECT diff.*, count(*) OVER ()::int AS total FROM diff ORDER BY line`;
  await report({ phase: "comparing", done: 2, total: 2 });
  return { problems, changes };
}

function summarise(rows: ChartRow[], problems: ChartProblem[], all: Array<ChartChange & { total: number }>): ChartSummary {
  const has = (k: ChartChangeKind) => all.filter((c) => c.changes.includes(k)).length;
  const changed = all.filter((c) => c.changes.length > 0).map(({ total: _total, ...c }) => c);
  return {
    chart: true,
    rows: rows.length,
    created: has("new"),
    renamed: has("rename"),
    moved: has("move"),
    rekinded: has("kind"),
    ended: has("end"),
    merged: has("merge"),
    unchanged: all.length - changed.length,
    peopleMoved: changed.filter((c) => c.changes.includes("merge")).reduce((n, c) => n + c.people, 0),
    problems: problems.sort((a, b) => a.line - b.line).slice(0, PROBLEMS_KEPT),
    changes: changed.slice(0, CHANGES_KEPT),
    changeCount: changed.length,
  };
}

function emptySummary(rows: ChartRow[], problems: ChartProblem[]): ChartSummary {
  return summarise(rows, problems, []);
}

class Rollback extends Error {
  constructor(public result: ChartSummary) {
    super("dry run");
  }
}

async function dryRun(rows: ChartRow[], problems: ChartProblem[], scope: string[], report: Report = inRequest, options?: typeof WORKER_TRANSACTION) {
  if (rows.length === 0) return emptySummary(rows, problems);
  try {
    await prisma.$transaction(async (tx) => {
      const staged = await stage(tx, rows, scope, report);
      throw new Rollback(summarise(rows, [...problems, ...staged.problems], staged.changes));
    }, options);
    throw new Error("unreachable");
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    return e.result;
  }
}

/**
 * Who may load a unit file: an administrator for the whole city, an HR
 * officer for the subtrees of their grants (never a new top-level unit).
 */
export function mayLoadChart(actor: Actor): boolean {
  return actor.roles.has("SYSTEM_ADMIN") || (actor.roles.has("HR_OFFICER") && actor.hrScopeUnitIds.length > 0);
}

function scopeOf(actor: Actor) {
  return actor.roles.has("SYSTEM_ADMIN") ? [] : actor.hrScopeUnitIds;
}

/**
 * Receive a unit file: a small one is checked now, a large one by the worker
 * (the officer follows it on the import's page).
 */
export async function submitChart(actor: Actor, fileName: string, text: string): Promise<{ id: string; queued: boolean }> {
  if (!mayLoadChart(actor)) throw new ImportError("forbidden");
  const rowCount = Math.max(0, countCsvRecords(text) - 1);
  const fields = {
    actorUserId: actor.userId,
    kind: "ORG_CHART" as const,
    fileName: fileName.slice(0, 200),
    sha256: createHash("sha256").update(text).digest("hex"),
    content: text.replaceAll("\u0000", "\uFFFD"),
    scopeUnitIds: scopeOf(actor),
    rowCount,
  };
  if (rowCount <= IMPORT_LIMITS.inRequestRows) {
    const { rows, problems } = await readChart(text);
    const summary = await dryRun(rows, problems, fields.scopeUnitIds);
    const saved = await prisma.personnelImport.create({ data: { ...fields, summary: summary as object }, select: { id: true } });
    return { id: saved.id, queued: false };
  }
  const saved = await prisma.personnelImport.create({
    data: { ...fields, status: "CHECKING", summary: emptySummary([], []) as object },
    select: { id: true },
  });
  try {
    await enqueueImport("check", saved.id);
  } catch (e) {
    await prisma.personnelImport.update({ where: { id: saved.id }, data: { status: "FAILED", error: "queue-unavailable" } });
    throw new ImportError("queue-unavailable", { cause: e });
  }
  return { id: saved.id, queued: true };
}

async function getChart(actor: Actor, id: string) {
  if (!isUuid(id)) return null;
  return prisma.personnelImport.findFirst({ where: { id, actorUserId: actor.userId, kind: "ORG_CHART" } });
}

/** Whether the uploader's import `id` is a unit file (the shared import page serves both kinds). */
export async function isChartImport(actor: Actor, id: string): Promise<boolean> {
  return (await getChart(actor, id)) !== null;
}

type SavedChart = NonNullable<Awaited<ReturnType<typeof getChart>>>;

/** The same file checked again against the chart as it is now, as a new import. */
export async function recheckChart(actor: Actor, id: string) {
  const saved = await getChart(actor, id);
  if (!saved) throw new ImportError("not-found");
  return submitChart(actor, saved.fileName, saved.content);
}

/**
 * Apply: a small file in the request, a large one by the worker. The
 * uploader must still be allowed to load a chart.
 */
export async function submitChartApply(actor: Actor, id: string): Promise<{ queued: boolean }> {
  if (!mayLoadChart(actor)) throw new ImportError("forbidden");
  const saved = await getChart(actor, id);
  if (!saved) throw new ImportError("not-found");
  if (saved.status === "APPLYING") throw new ImportError("in-progress");
  if (saved.status !== "CHECKED") throw new ImportError("already-applied");
  if ((saved.summary as unknown as ChartSummary).problems.length > 0) throw new ImportError("has-problems");
  if (saved.rowCount <= IMPORT_LIMITS.inRequestRows) {
    try {
      await applyInTransaction(saved, "CHECKED", inRequest, { timeout: 120_000 });
    } catch (e) {
      if (e instanceof ImportError && e.message === "has-problems") {
        await prisma.personnelImport.updateMany({ where: { id, status: "CHECKED" }, data: { error: e.message } });
      }
      throw e;
    }
    await followUpAfterCommit(id);
    return { queued: false };
  }
  const claimed = await prisma.personnelImport.updateMany({ where: { id, actorUserId: actor.userId, status: "CHECKED" }, data: { status: "APPLYING", error: null } });
  if (claimed.count === 0) throw new ImportError("already-applied");
  try {
    await enqueueImport("apply", id);
  } catch (e) {
    await prisma.personnelImport.updateMany({ where: { id, status: "APPLYING" }, data: { status: "CHECKED", error: "queue-unavailable" } });
    throw new ImportError("queue-unavailable", { cause: e });
  }
  return { queued: true };
}

/**
 * One transaction for the whole chart. It claims the import first (a second
 * apply finds nothing to claim), checks the file again against the chart as it
 * is now, and refuses with nothing changed if anything is wrong.
 */
async function applyInTransaction(saved: SavedChart, from: "CHECKED" | "APPLYING", report: Report, options: { timeout: number; maxWait?: number }) {
  const id = saved.id;
  const { rows, problems } = await readChart(saved.content, report, saved.rowCount);
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.personnelImport.updateMany({ where: { id, status: from }, data: { status: "APPLIED", appliedAt: now(), error: null } });
    if (claimed.count === 0) throw new ImportError("already-applied");
    await recordImportFollowUp(tx, id);
    const staged = await stage(tx, rows, saved.scopeUnitIds, report);
    const summary = summarise(rows, [...problems, ...staged.problems], staged.changes);
    if (summary.problems.length > 0 || rows.length === 0) throw new ImportError("has-problems");
    const step = (done: number) => report({ phase: "applying", done, total: 4 });
    await step(0);
    // This transaction writes the versions itself (the triggers that follow hand-made changes stand aside).
    await tx.$executeRaw`SELECT set_config('hredu.unit_file', 'on', true)`;
    // New units, then every row's parent by code (a parent may be new too).
    await tx.$executeRaw`
      INSERT INTO org_unit (code, kind, name_ko, name_en)
      SELECT r.code, r.kind::"OrgUnitKind", r.name_ko, r.name_en FROM chart_row r
      WHERE NOT r.ending AND NOT EXISTS (SELECT 1 FROM org_unit u WHERE u.code = r.code)`;
    await tx.$executeRawUnsafe(`CREATE TEMP TABLE chart_target ON COMMIT DROP AS
      SELECT u.id AS unit_id, pu.id AS parent_id, r.name_ko, r.name_en, r.kind::"OrgUnitKind" AS kind, r.valid_from,
        (u.parent_id, u.name_ko, u.name_en, u.kind) IS DISTINCT FROM (pu.id, r.name_ko, r.name_en, r.kind::"OrgUnitKind") AS changed
      FROM chart_row r JOIN org_unit u ON u.code = r.code LEFT JOIN org_unit pu ON pu.code = r.parent_code
      WHERE NOT r.ending`);
    await step(1);
    // A unit's open version ends the day its change takes effect and the new one starts then; a
    // change dated the same day as the open version corrects it. New units (no version yet) start on their day.
    await tx.$executeRaw`
      UPDATE org_unit_version v SET valid_to = t.valid_from
      FROM chart_target t WHERE v.unit_id = t.unit_id AND v.valid_to IS NULL AND t.changed AND v.valid_from < t.valid_from`;
    await tx.$executeRaw`
      UPDATE org_unit_version v SET parent_id = t.parent_id, name_ko = t.name_ko, name_en = t.name_en, kind = t.kind, import_id = ${id}::uuid
      FROM chart_target t WHERE v.unit_id = t.unit_id AND v.valid_to IS NULL AND t.changed`;
    await tx.$executeRaw`
      INSERT INTO org_unit_version (unit_id, parent_id, name_ko, name_en, kind, valid_from, import_id)
      SELECT t.unit_id, t.parent_id, t.name_ko, t.name_en, t.kind, t.valid_from, ${id}::uuid FROM chart_target t
      WHERE NOT EXISTS (SELECT 1 FROM org_unit_version v WHERE v.unit_id = t.unit_id AND v.valid_to IS NULL)`;
    await tx.$executeRaw`
      UPDATE org_unit u SET parent_id = t.parent_id, name_ko = t.name_ko, name_en = t.name_en, kind = t.kind
      FROM chart_target t WHERE u.id = t.unit_id AND t.changed`;
    await step(2);
    // Merges: the ended unit's people move to the target on the day, each with a placement from then.
    await tx.$executeRawUnsafe(`CREATE TEMP TABLE chart_moving ON COMMIT DROP AS
      SELECT p.id AS person_id, target.id AS target_id, r.valid_from
      FROM chart_row r JOIN org_unit u ON u.code = r.code JOIN org_unit target ON target.code = r.merged_into
      JOIN person p ON p.org_unit_id = u.id AND p.status = 'ACTIVE'
      WHERE r.ending AND r.merged_into IS NOT NULL`);
    await tx.$executeRaw`
      UPDATE person_placement pl SET valid_to = m.valid_from FROM chart_moving m WHERE pl.person_id = m.person_id AND pl.valid_to IS NULL`;
    await tx.$executeRaw`
      INSERT INTO person_placement (person_id, org_unit_id, valid_from) SELECT person_id, target_id, valid_from FROM chart_moving`;
    await tx.$executeRaw`
      UPDATE person p SET org_unit_id = m.target_id FROM chart_moving m WHERE p.id = m.person_id`;
    // Ended units keep their rows and history; their open version closes on the day.
    await tx.$executeRaw`
      UPDATE org_unit_version v SET valid_to = r.valid_from
      FROM chart_row r JOIN org_unit u ON u.code = r.code WHERE r.ending AND v.unit_id = u.id AND v.valid_to IS NULL`;
    await tx.$executeRaw`
      UPDATE org_unit u SET ended_at = r.valid_from FROM chart_row r WHERE r.ending AND u.code = r.code`;
    await step(3);
    await tx.personnelImport.update({ where: { id }, data: { summary: summary as object } });
    await recordAudit(
      {
        actorUserId: saved.actorUserId,
        action: "org.chart.apply",
        entityType: "personnel_import",
        entityId: id,
        reason: saved.fileName,
        data: {
          sha256: saved.sha256,
          created: summary.created,
          renamed: summary.renamed,
          moved: summary.moved,
          rekinded: summary.rekinded,
          ended: summary.ended,
          merged: summary.merged,
          peopleMoved: summary.peopleMoved,
        },
      },
      tx,
    );
    await step(4);
    return summary;
  }, options);
}

const isChart = (kind: string) => kind === "ORG_CHART";

/** The worker's dry run of a large unit file (runQueuedCheck). */
export function checkQueuedChart(id: string, report: Report) {
  return runQueuedCheck(id, isChart, async (saved) => {
    const { rows, problems } = await readChart(saved.content, report, saved.rowCount);
    return dryRun(rows, problems, saved.scopeUnitIds, report, WORKER_TRANSACTION);
  });
}

/** The worker's apply of a large unit file, all or nothing (runQueuedApply). */
export function applyQueuedChart(id: string, report: Report) {
  return runQueuedApply<ChartSummary>(id, isChart, (saved) => applyInTransaction(saved, "APPLYING", report, WORKER_TRANSACTION));
}

/** A file to start from: every column under its Korean header and two rows showing how they are written. */
export function chartTemplateCsv(): string {
  const header = CHART_COLUMNS.map((c) => CHART_HEADERS[c].find((h) => /[가-힣]/.test(h)) ?? c);
  return `${UTF8_BOM}${csvRow(header)}${csvRow(["D100", "인권담당관", "Human Rights Division", "B10", "DIVISION", seoulToday(), "", ""])}${csvRow(["D090", "", "", "", "", seoulToday(), "MERGE", "D100"])}`;
}
