import { createHash } from "node:crypto";
import { z } from "zod";
import { prisma } from "~/utils/db.server";
import { countCsvRecords, csvRecords } from "~/utils/csv-parse";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { JOB_FAMILIES } from "~/modules/org/coded-sets";
import { rollStaffCategories } from "~/modules/org/staff-categories.server";
import { recordPlacements } from "~/modules/org/org.server";
import { enqueueImport, readImportJob, type ImportJobKind } from "~/utils/queues.server";
import { carryOutImportFollowUp, followUpAfterCommit, recordImportFollowUp } from "./follow-up.server";
import { isUuid } from "~/utils/ids";
import { now } from "~/utils/clock.server";
import { getEnv } from "~/utils/env.server";
import { plainText } from "~/utils/text";
import { isDateKey } from "~/utils/i18n";
import { csvRow, UTF8_BOM } from "~/utils/csv";

/** The columns an HR system exports. No resident registration numbers, ever. */
export const IMPORT_COLUMNS = ["employee_no", "name", "email", "unit_code", "staff_category", "grade", "job_family", "is_head", "hired_on"] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
export const REQUIRED_COLUMNS = ["employee_no", "name", "email", "unit_code", "staff_category"] as const;
const REQUIRED = REQUIRED_COLUMNS;

/**
 * The headers each column is known by: its English name, then the Korean ones
 * an HR system or a hand-made sheet uses. Matched without case, spaces or
 * underscores, so "Employee No" and "직원 번호" are found too.
 */
export const COLUMN_HEADERS: Readonly<Record<ImportColumn, readonly string[]>> = {
  employee_no: ["employee_no", "직원번호", "사번", "사원번호"],
  name: ["name", "이름", "성명"],
  email: ["email", "이메일", "전자우편"],
  unit_code: ["unit_code", "부서코드", "조직코드"],
  staff_category: ["staff_category", "직원구분", "구분"],
  grade: ["grade", "직급"],
  job_family: ["job_family", "직무", "직무분야"],
  is_head: ["is_head", "부서장", "부서장여부"],
  hired_on: ["hired_on", "임용일", "입사일", "hire_date", "채용일"],
};

function headerKey(cell: string): string {
  return cell.replace(/^\uFEFF/, "").toLowerCase().replace(/[\s_\-()]/g, "");
}
const COLUMN_BY_HEADER: ReadonlyMap<string, ImportColumn> = new Map(
  IMPORT_COLUMNS.flatMap((c) => COLUMN_HEADERS[c].map((h) => [headerKey(h), c] as const)),
);

/**
 * Coded values are written one way on the roll, as the page and the template
 * list them: capitals and underscores (CIVIL_SERVANT, FRONT_DESK). Lower case
 * and hyphens (front-desk, as content/ spells job families) are read as the same code.
 */
function codeCell(value: string): string {
  return plainText(value).toUpperCase().replace(/[\s-]+/g, "_");
}

/** Whether someone heads their unit: Y or N (also 예/아니오, true/false, 1/0); empty keeps what the roll says. */
const HEAD_VALUES: Readonly<Record<string, boolean>> = { Y: true, YES: true, "예": true, TRUE: true, "1": true, N: false, NO: false, "아니오": false, FALSE: false, "0": false };
/**
 * A hire date as YYYY-MM-DD (also YYYY.MM.DD, YYYY/MM/DD, YYYYMMDD, as HR
 * systems and spreadsheets write it); null when empty, undefined when it is not
 * a date that exists. Empty keeps what the roll says (a new person: the day
 * the file is applied).
 */
export function hireDateCell(value: string): string | null | undefined {
  const v = plainText(value).trim();
  if (v === "") return null;
  const m = /^(\d{4})[-./]?(\d{1,2})[-./]?(\d{1,2})\.?$/.exec(v);
  if (!m) return undefined;
  const key = `${m[1]}-${m[2]!.padStart(2, "0")}-${m[3]!.padStart(2, "0")}`;
  return isDateKey(key) && key >= "1900-01-01" ? key : undefined;
}

export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

/**
 * A file with more data rows than `inRequestRows` is checked and applied by
 * the worker while the officer watches its progress; smaller ones are done in
 * the request. Rows reach the database `stageBatchRows` at a time. Tests lower
 * the first to exercise the worker with small files.
 */
export const IMPORT_LIMITS = { inRequestRows: 2000, stageBatchRows: 10_000 };
/** The worker reports reading progress every this many rows. */
const READ_REPORT_EVERY = 5000;
/** A city-sized roll takes seconds; this only stops a transaction that is stuck. */
const WORKER_TRANSACTION = { timeout: 10 * 60_000, maxWait: 30_000 };

/**
 * What the officer says a file is. A full roll is the whole roll of their
 * units: active people missing from it leave. A file of changes only adds,
 * updates and moves people; nobody leaves. There is no default.
 */
export const IMPORT_KINDS = ["FULL_ROLL", "CHANGES_ONLY"] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

export function isImportKind(value: unknown): value is ImportKind {
  return typeof value === "string" && (IMPORT_KINDS as readonly string[]).includes(value);
}

/** A saved import's kind as a personnel file; a unit file (ORG_CHART) is app/modules/org/chart-file.server.ts's. */
function rollKind(kind: string): ImportKind {
  if (!isImportKind(kind)) throw new ImportError("not-found");
  return kind;
}

/** How many leavers the check page lists at a time; every one is reachable page by page. Tests lower it. */
export const LEAVERS_PAGE = { size: 100 };

/**
 * What can be wrong with a file or a row. Each is a key of `import.problem` in
 * the locales, so the officer reads it in their own language; `params` fill it.
 */
export const PROBLEM_CODES = [
  "empty-file",
  "no-rows",
  "no-changes",
  "resident-number-column",
  "missing-columns",
  "empty",
  "too-long",
  "bad-character",
  "email-invalid",
  "staff-category-invalid",
  "grade-invalid",
  "job-family-invalid",
  "is-head-invalid",
  "hired-on-invalid",
  "duplicate-employee-no",
  "duplicate-email",
  "unit-unknown",
  "unit-out-of-scope",
  "employee-out-of-scope",
  "email-taken",
] as const;
export type ProblemCode = (typeof PROBLEM_CODES)[number];

export interface RowProblem {
  line: number;
  code: ProblemCode;
  /** The column, the value and whatever else the message names. */
  params: Record<string, string | number>;
  /** Summaries kept before problems had codes carry an English sentence instead. */
  reason?: string;
}

/**
 * The staff categories a file may name: those configured on the roll
 * (content/staff-categories.yaml), read from the database once per file. A
 * cell holds a category's code or its Korean name (계약직), written as the
 * table has it; `allowed` lists them for the officer.
 */
interface RollCategories {
  byCell: ReadonlyMap<string, string>;
  allowed: string;
}

async function readRollCategories(): Promise<RollCategories> {
  const categories = await rollStaffCategories();
  const byCell = new Map<string, string>();
  for (const c of categories) byCell.set(codeCell(c.nameKo), c.code);
  // A code wins over a name written the same way.
  for (const c of categories) byCell.set(c.code, c.code);
  return { byCell, allowed: categories.map((c) => `${c.code} (${c.nameKo})`).join(", ") };
}

// Zod messages are problem codes; the column comes from the issue's path.
const rowSchemaFor = (categories: RollCategories) => z.object({
  employee_no: z.string().transform(plainText).pipe(z.string().min(1, "empty").max(40, "too-long")),
  name: z.string().transform(plainText).pipe(z.string().min(1, "empty").max(100, "too-long")),
  email: z.string().transform((v) => plainText(v).toLowerCase()).pipe(z.string().email("email-invalid")),
  unit_code: z.string().transform(plainText).pipe(z.string().min(1, "empty").max(40, "too-long")),
  staff_category: z
    .string()
    .transform((v) => categories.byCell.get(codeCell(v)) ?? null)
    .refine((v): v is string => v !== null, "staff-category-invalid")
    .transform((v) => v!),
  grade: z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : Number(v)))
    .refine((v) => v === null || (Number.isInteger(v) && v >= 1 && v <= 9), "grade-invalid"),
  job_family: z
    .string()
    .transform((v) => (v.trim() === "" ? null : codeCell(v)))
    .refine((v) => v === null || JOB_FAMILY_SET.has(v), "job-family-invalid"),
  is_head: z
    .string()
    .transform((v) => (v.trim() === "" ? null : codeCell(v)))
    .refine((v) => v === null || Object.hasOwn(HEAD_VALUES, v), "is-head-invalid")
    .transform((v) => (v === null ? null : HEAD_VALUES[v]!)),
  hired_on: z
    .string()
    .transform(hireDateCell)
    .refine((v) => v !== undefined, "hired-on-invalid")
    .transform((v) => v ?? null),
});

type ParsedRow = z.output<ReturnType<typeof rowSchemaFor>>;
const emailSchema = z.string().email();
const JOB_FAMILY_SET: ReadonlySet<string> = new Set(JOB_FAMILIES);

/**
 * A valid row without the schema: the same checks and the same result as
 * `rowSchema`, at a fraction of its cost on a file of a hundred thousand rows.
 * Null when anything is wrong; the schema then names every problem.
 */
function acceptedRow(raw: Record<string, string>, categories: RollCategories): ParsedRow | null {
  const employeeNo = plainText(raw.employee_no!);
  const name = plainText(raw.name!);
  const email = plainText(raw.email!).toLowerCase();
  const unitCode = plainText(raw.unit_code!);
  const category = categories.byCell.get(codeCell(raw.staff_category!));
  const gradeText = raw.grade!.trim();
  const family = raw.job_family!.trim() === "" ? "" : codeCell(raw.job_family!);
  const headText = raw.is_head!.trim() === "" ? "" : codeCell(raw.is_head!);
  const hiredOn = hireDateCell(raw.hired_on!);
  if (hiredOn === undefined) return null;
  if (employeeNo.length < 1 || employeeNo.length > 40 || name.length < 1 || name.length > 100 || unitCode.length < 1 || unitCode.length > 40) return null;
  if (category === undefined) return null;
  const grade = gradeText === "" ? null : Number(gradeText);
  if (grade !== null && !(Number.isInteger(grade) && grade >= 1 && grade <= 9)) return null;
  if (family !== "" && !JOB_FAMILY_SET.has(family)) return null;
  if (headText !== "" && !Object.hasOwn(HEAD_VALUES, headText)) return null;
  if (!emailSchema.safeParse(email).success) return null;
  return {
    employee_no: employeeNo,
    name,
    email,
    unit_code: unitCode,
    staff_category: category,
    grade,
    job_family: family === "" ? null : family,
    is_head: headText === "" ? null : HEAD_VALUES[headText]!,
    hired_on: hiredOn,
  };
}

function isProblemCode(code: string): code is ProblemCode {
  return (PROBLEM_CODES as readonly string[]).includes(code);
}

/** One problem per thing wrong with a row, each naming its column. */
function rowProblems(line: number, raw: Record<string, string>, issues: z.ZodIssue[], categories: RollCategories): RowProblem[] {
  return issues.map((issue) => {
    const column = String(issue.path[0] ?? "");
    const code = isProblemCode(issue.message) ? issue.message : "empty";
    const params: Record<string, string | number> = { column, value: (raw[column] ?? "").trim().slice(0, 60) };
    if (issue.code === "too_big") params.max = Number(issue.maximum);
    if (code === "staff-category-invalid") params.allowed = categories.allowed;
    if (code === "job-family-invalid") params.allowed = JOB_FAMILIES.join(", ");
    if (code === "is-head-invalid") params.allowed = "Y, N";
    if (code === "hired-on-invalid") params.allowed = "YYYY-MM-DD";
    return { line, code, params };
  });
}

export interface ImportSummary {
  rows: number;
  created: number;
  moved: number;
  updated: number;
  unchanged: number;
  left: number;
  problems: RowProblem[];
  /** Employee numbers, for the officer to check before applying (first 50 of each). */
  samples: { created: string[]; moved: string[]; left: string[] };
  kind: ImportKind;
  /** Active people of the scope who can leave (they have an employee number), before applying. */
  active: number;
  /** Every employee number the file records as left, in order: exactly what applying does. */
  leavers: string[];
  /** Applying needs the officer to type the number of leavers (a full roll that empties much of the scope). */
  confirmLeavers: boolean;
}

type Row = {
  line: number;
  employeeNo: string;
  name: string;
  email: string;
  unitCode: string;
  staffCategory: string;
  grade: number | null;
  jobFamily: string | null;
  isHead: boolean | null;
  /** YYYY-MM-DD, or null when the file gives none. */
  hiredOn: string | null;
};

/** The steps a file goes through, in order; the worker reports which one it is in. */
export type ImportPhase = "reading" | "staging" | "comparing" | "applying";
export interface ImportProgress {
  phase: ImportPhase;
  done: number;
  total: number;
}
type Report = (progress: ImportProgress) => Promise<unknown>;
const inRequest: Report = async () => undefined;

/**
 * Parse and check every row; problems name the line and the reason. Between
 * slices of rows it reports progress, which also lets the worker's event loop
 * breathe (its job lock is renewed by a timer).
 */
async function readRows(text: string, report: Report = inRequest, total = 0): Promise<{ rows: Row[]; problems: RowProblem[]; count: number }> {
  const records = csvRecords(text);
  const problems: RowProblem[] = [];
  const first = records.next();
  if (first.done) return { rows: [], problems: [{ line: 1, code: "empty-file", params: {} }], count: 0 };
  const cellsOfHeader = first.value.cells.map((c) => c.trim());
  const header = cellsOfHeader.map((c) => COLUMN_BY_HEADER.get(headerKey(c)) ?? null);
  const missing = REQUIRED.filter((c) => !header.includes(c));
  const forbidden = cellsOfHeader.filter((h) => /resident|rrn|주민/i.test(h));
  if (forbidden.length) problems.push({ line: 1, code: "resident-number-column", params: { columns: forbidden.join(", ") } });
  if (missing.length) {
    // Each missing column by the names it is known by, and the headers that were not recognised (a misspelling shows there).
    const unknown = cellsOfHeader.filter((h, i) => header[i] === null && h !== "" && !forbidden.includes(h));
    const columns = missing.map((c) => COLUMN_HEADERS[c].slice(0, 2).join(" / ")).join(", ");
    return { rows: [], problems: [...problems, { line: 1, code: "missing-columns", params: { columns, unknown: unknown.join(", ") || "—" } }], count: 0 };
  }
  const at = IMPORT_COLUMNS.map((c) => header.indexOf(c));
  const categories = await readRollCategories();
  const rowSchema = rowSchemaFor(categories);
  const rows: Row[] = [];
  const seen = new Map<string, number>();
  const seenEmail = new Map<string, number>();
  let count = 0;
  for (const { line, cells } of records) {
    if (++count % READ_REPORT_EVERY === 0) await report({ phase: "reading", done: count, total: Math.max(total, count) });
    const raw: Record<string, string> = Object.fromEntries(IMPORT_COLUMNS.map((c, k) => [c, cells[at[k]!] ?? ""]));
    // A NUL (which the database cannot store, kept as U+FFFD) or a replacement character is never a real name or code.
    const unreadable = IMPORT_COLUMNS.filter((c) => raw[c]!.includes("\u0000") || raw[c]!.includes("\uFFFD"));
    if (unreadable.length) {
      problems.push(...unreadable.map((column) => ({ line, code: "bad-character" as const, params: { column } })));
      continue;
    }
    let r = acceptedRow(raw, categories);
    if (r === null) {
      const parsed = rowSchema.safeParse(raw);
      if (!parsed.success) {
        problems.push(...rowProblems(line, raw, parsed.error.issues, categories));
        continue;
      }
      r = parsed.data;
    }
    const dup = seen.get(r.employee_no);
    if (dup) problems.push({ line, code: "duplicate-employee-no", params: { value: r.employee_no, other: dup } });
    const dupEmail = seenEmail.get(r.email);
    if (dupEmail) problems.push({ line, code: "duplicate-email", params: { value: r.email, other: dupEmail } });
    seen.set(r.employee_no, line);
    seenEmail.set(r.email, line);
    rows.push({
      line,
      employeeNo: r.employee_no,
      name: r.name,
      email: r.email,
      unitCode: r.unit_code.trim(),
      staffCategory: r.staff_category,
      grade: r.grade,
      jobFamily: r.job_family,
      isHead: r.is_head,
      hiredOn: r.hired_on,
    });
  }
  await report({ phase: "reading", done: count, total: count });
  return { rows, problems, count };
}

/**
 * Read a file as the kind the officer said it is. A file with a header and no
 * data rows is refused: as a full roll it would record everyone in the scope
 * as left, and as changes it changes nothing.
 */
async function readFile(text: string, kind: ImportKind, report: Report = inRequest, total = 0) {
  const read = await readRows(text, report, total);
  if (read.count === 0 && read.problems.length === 0) {
    read.problems.push({ line: 1, code: kind === "FULL_ROLL" ? "no-rows" : "no-changes", params: {} });
  }
  return read;
}

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

/**
 * Load the rows into a temporary table and compare them with the roll,
 * set-based: references, scope, and what would change. Rows go in batches of
 * one INSERT each, so a large file never becomes one enormous statement and
 * the worker can report after every batch.
 */
async function stage(tx: Tx, rows: Row[], scope: string[], kind: ImportKind, report: Report = inRequest) {
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE import_row (
    line int, employee_no text, name text, email text, unit_code text, staff_category text, grade int, job_family text, is_head boolean,
    hired_on date
  ) ON COMMIT DROP`);
  const batch = IMPORT_LIMITS.stageBatchRows;
  for (let from = 0; from < rows.length; from += batch) {
    const part = rows.slice(from, from + batch);
    await tx.$executeRaw`
      INSERT INTO import_row
      SELECT * FROM unnest(${part.map((r) => r.line)}::int[], ${part.map((r) => r.employeeNo)}::text[], ${part.map((r) => r.name)}::text[],
        ${part.map((r) => r.email)}::text[], ${part.map((r) => r.unitCode)}::text[], ${part.map((r) => r.staffCategory)}::text[],
        ${part.map((r) => r.grade)}::int[], ${part.map((r) => r.jobFamily)}::text[], ${part.map((r) => r.isHead)}::boolean[],
        ${part.map((r) => r.hiredOn)}::date[])`;
    await report({ phase: "staging", done: from + part.length, total: rows.length });
  }
  // Temporary tables are never analysed automatically; without statistics the
  // planner takes a large file for a tiny one when it joins it with the roll.
  await tx.$executeRawUnsafe(`ANALYZE import_row`);
  // The units this file may touch: the uploader's subtrees, or everything.
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE import_scope (id uuid PRIMARY KEY) ON COMMIT DROP`);
  await tx.$executeRaw`
    WITH RECURSIVE scope AS (
      SELECT id FROM org_unit WHERE (cardinality(${scope}::uuid[]) = 0 AND parent_id IS NULL) OR id = ANY(${scope}::uuid[])
      UNION SELECT c.id FROM org_unit c JOIN scope s ON c.parent_id = s.id
    )
    INSERT INTO import_scope SELECT id FROM scope`;
  await report({ phase: "comparing", done: 0, total: 2 });
  const found = await tx.$queryRaw<Array<{ line: number; code: ProblemCode; value: string; other: string | null }>>`
    SELECT r.line, 'unit-unknown' AS code, r.unit_code AS value, NULL AS other
    FROM import_row r LEFT JOIN org_unit u ON u.code = r.unit_code WHERE u.id IS NULL
    UNION ALL
    SELECT r.line, 'unit-out-of-scope', r.unit_code, NULL
    FROM import_row r JOIN org_unit u ON u.code = r.unit_code WHERE u.id NOT IN (SELECT id FROM import_scope)
    UNION ALL
    SELECT r.line, 'employee-out-of-scope', r.employee_no, NULL
    FROM import_row r JOIN person p ON p.employee_no = r.employee_no
    WHERE p.org_unit_id IS NOT NULL AND p.org_unit_id NOT IN (SELECT id FROM import_scope)
    UNION ALL
    SELECT r.line, 'email-taken', r.email, COALESCE(p.employee_no, '—')
    FROM import_row r JOIN person p ON lower(p.email) = r.email AND p.employee_no IS DISTINCT FROM r.employee_no
    ORDER BY 1`;
  const problems: RowProblem[] = found.map(({ line, code, value, other }): RowProblem => ({ line, code, params: other === null ? { value } : { value, other } }));
  await report({ phase: "comparing", done: 1, total: 2 });
  // Only a full roll says who has left: a file of changes leaves nobody out.
  const [diff] = await tx.$queryRaw<Array<{ created: string[]; moved: string[]; updated: string[]; unchanged: number; left: string[]; active: number }>>`
    WITH j AS (
      SELECT r.*, p.id AS person_id, p.org_unit_id AS old_unit, u.id AS new_unit,
        (p.name, p.email, p.staff_category::text, p.grade, p.job_family::text, p.status::text, p.is_unit_head, p.hired_on)
          IS DISTINCT FROM (r.name, r.email, r.staff_category, r.grade, r.job_family, 'ACTIVE', COALESCE(r.is_head, p.is_unit_head), COALESCE(r.hired_on, p.hired_on)) AS changed
      FROM import_row r JOIN org_unit u ON u.code = r.unit_code
      LEFT JOIN person p ON p.employee_no = r.employee_no
    )
    SELECT
      COALESCE(array_agg(employee_no ORDER BY line) FILTER (WHERE person_id IS NULL), '{}') AS created,
      COALESCE(array_agg(employee_no ORDER BY line) FILTER (WHERE person_id IS NOT NULL AND old_unit IS DISTINCT FROM new_unit), '{}') AS moved,
      COALESCE(array_agg(employee_no ORDER BY line) FILTER (WHERE person_id IS NOT NULL AND old_unit IS NOT DISTINCT FROM new_unit AND changed), '{}') AS updated,
      count(*) FILTER (WHERE person_id IS NOT NULL AND old_unit IS NOT DISTINCT FROM new_unit AND NOT changed)::int AS unchanged,
      (SELECT COALESCE(array_agg(p.employee_no ORDER BY p.employee_no), '{}') FROM person p
        WHERE ${kind} = 'FULL_ROLL' AND p.status = 'ACTIVE' AND p.org_unit_id IN (SELECT id FROM import_scope)
          AND p.employee_no IS NOT NULL AND NOT EXISTS (SELECT 1 FROM import_row r WHERE r.employee_no = p.employee_no)) AS left,
      (SELECT count(*)::int FROM person p
        WHERE p.status = 'ACTIVE' AND p.org_unit_id IN (SELECT id FROM import_scope) AND p.employee_no IS NOT NULL) AS active
    FROM j`;
  await report({ phase: "comparing", done: 2, total: 2 });
  return { problems, diff: diff! };
}

/** A full roll that records more than IMPORT_LEAVER_CONFIRM_PERCENT of the scope's active people as left. */
function needsConfirmation(kind: ImportKind, left: number, active: number) {
  return kind === "FULL_ROLL" && left > 0 && left * 100 > getEnv().IMPORT_LEAVER_CONFIRM_PERCENT * active;
}

function summarise(kind: ImportKind, rows: Row[], problems: RowProblem[], diff: Awaited<ReturnType<typeof stage>>["diff"]): ImportSummary {
  return {
    rows: rows.length,
    created: diff.created.length,
    moved: diff.moved.length,
    updated: diff.updated.length,
    unchanged: diff.unchanged,
    left: diff.left.length,
    problems: problems.sort((a, b) => a.line - b.line).slice(0, 500),
    samples: { created: diff.created.slice(0, 50), moved: diff.moved.slice(0, 50), left: diff.left.slice(0, 50) },
    kind,
    active: diff.active,
    leavers: diff.left,
    confirmLeavers: needsConfirmation(kind, diff.left.length, diff.active),
  };
}

class Rollback extends Error {
  constructor(public result: unknown) {
    super("dry run");
  }
}

/** Stage and compare inside a transaction that is always rolled back: nothing changes. */
async function dryRun(kind: ImportKind, rows: Row[], problems: RowProblem[], scope: string[], report: Report = inRequest, options?: typeof WORKER_TRANSACTION) {
  // No valid row at all: the file is refused by its problems (a header-only file has one too).
  if (rows.length === 0) return summarise(kind, rows, problems, { created: [], moved: [], updated: [], unchanged: 0, left: [], active: 0 });
  try {
    await prisma.$transaction(async (tx) => {
      const staged = await stage(tx, rows, scope, kind, report);
      throw new Rollback(summarise(kind, rows, [...problems, ...staged.problems], staged.diff));
    }, options);
    throw new Error("unreachable");
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
    return e.result as ImportSummary;
  }
}

function scopeOf(actor: Actor) {
  return actor.roles.has("SYSTEM_ADMIN") ? [] : actor.hrScopeUnitIds;
}

function fileFields(actor: Actor, fileName: string, text: string, kind: ImportKind) {
  return {
    actorUserId: actor.userId,
    kind,
    fileName: fileName.slice(0, 200),
    sha256: createHash("sha256").update(text).digest("hex"),
    // Text columns cannot hold NUL; the row check reports it by line and column.
    content: text.replaceAll("\u0000", "\uFFFD"),
    scopeUnitIds: scopeOf(actor),
  };
}

/** The dry run: check everything, change nothing, keep the file for applying. */
export async function checkImport(actor: Actor, fileName: string, text: string, kind: ImportKind) {
  const { rows, problems, count } = await readFile(text, kind);
  const summary = await dryRun(kind, rows, problems, scopeOf(actor));
  const saved = await prisma.personnelImport.create({
    data: { ...fileFields(actor, fileName, text, kind), rowCount: count, summary: summary as object },
  });
  return { id: saved.id, summary };
}

/**
 * Receive an uploaded file. A small one is checked here and now; a large one
 * is kept as CHECKING and handed to the worker, and the officer follows its
 * progress on the import's page.
 */
export async function submitImport(actor: Actor, fileName: string, text: string, kind: ImportKind): Promise<{ id: string; queued: boolean }> {
  const rowCount = Math.max(0, countCsvRecords(text) - 1);
  if (rowCount <= IMPORT_LIMITS.inRequestRows) return { id: (await checkImport(actor, fileName, text, kind)).id, queued: false };
  const saved = await prisma.personnelImport.create({
    data: { ...fileFields(actor, fileName, text, kind), status: "CHECKING", rowCount, summary: pendingSummary(kind) as object },
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

function pendingSummary(kind: ImportKind): ImportSummary {
  return {
    rows: 0, created: 0, moved: 0, updated: 0, unchanged: 0, left: 0, problems: [], samples: { created: [], moved: [], left: [] },
    kind, active: 0, leavers: [], confirmLeavers: false,
  };
}

/**
 * Check the same file again, as a new import, against the roll as it is now:
 * what the officer does when the people in scope changed after the check.
 */
export async function recheckImport(actor: Actor, id: string) {
  const saved = await getImport(actor, id);
  if (!saved) throw new ImportError("not-found");
  return submitImport(actor, saved.fileName, saved.content, rollKind(saved.kind));
}

/**
 * Why a step could not finish, as the code the page translates: one of
 * ImportError's codes, "interrupted" (the worker stopped), or "unexpected".
 * The stored text may carry the technical detail after a colon.
 */
export function importErrorCode(error: string | null): string | null {
  return error === null ? null : error.split(":")[0]!;
}

export class ImportError extends Error {
  constructor(
    code: string,
    options?: ErrorOptions & { params?: Record<string, string | number> },
    /** What the message names (the number of leavers to type). */
    public params: Record<string, string | number> = options?.params ?? {},
  ) {
    super(code, options);
  }
}

/**
 * The number of leavers the officer typed, when the check asked for it
 * (ignoring spaces and thousands separators); refused unless it is exactly
 * the number the check showed. Null when no confirmation is needed.
 */
export function confirmedLeavers(summary: ImportSummary, typed: string | null | undefined): number | null {
  if (!summary.confirmLeavers) return null;
  const text = (typed ?? "").replace(/[\s,]/g, "");
  const params = { number: summary.left };
  if (text === "") throw new ImportError("confirm-missing", { params });
  if (!/^\d+$/.test(text) || Number(text) !== summary.left) throw new ImportError("confirm-wrong", { params });
  return summary.left;
}

export function getImport(actor: Actor, id: string) {
  if (!isUuid(id)) return null;
  return prisma.personnelImport.findFirst({ where: { id, actorUserId: actor.userId, kind: { in: [...IMPORT_KINDS] } } });
}

/**
 * Apply a checked file, all or nothing: new people are added, moved people
 * keep their records and count in their new unit, and, for a full roll, the
 * people the check listed as missing leave (their records stay). One audit
 * event holds the whole change. `typed` is the number of leavers the officer
 * typed, needed when the check asked for it.
 */
export async function applyImport(actor: Actor, id: string, typed?: string | null): Promise<ImportSummary> {
  const saved = await getImport(actor, id);
  if (!saved) throw new ImportError("not-found");
  if (saved.status !== "CHECKED") throw new ImportError("already-applied");
  const confirmed = confirmedLeavers(saved.summary as unknown as ImportSummary, typed);
  const summary = await applyInTransaction(saved, "CHECKED", inRequest, { timeout: 120_000 }, confirmed);
  await followUpAfterCommit(id);
  return summary;
}

/** Failures of an apply in the request that the page keeps showing, as the worker's are kept. */
const KEPT_FAILURES = new Set(["has-problems", "leavers-changed"]);

/**
 * The officer's "apply": a small file is applied in the request; a large one
 * is marked APPLYING and handed to the worker. Either way the typed number of
 * leavers is checked first, so a file that needs it is never queued without it.
 */
export async function submitApply(actor: Actor, id: string, typed?: string | null): Promise<{ queued: boolean }> {
  if (!isUuid(id)) throw new ImportError("not-found");
  const saved = await prisma.personnelImport.findFirst({ where: { id, actorUserId: actor.userId }, omit: { content: true } });
  if (!saved) throw new ImportError("not-found");
  if (saved.rowCount <= IMPORT_LIMITS.inRequestRows) {
    try {
      await applyImport(actor, id, typed);
    } catch (e) {
      if (e instanceof ImportError && KEPT_FAILURES.has(e.message)) {
        await prisma.personnelImport.updateMany({ where: { id, status: "CHECKED" }, data: { error: e.message } });
      }
      throw e;
    }
    return { queued: false };
  }
  if (saved.status === "APPLYING") throw new ImportError("in-progress");
  if (saved.status !== "CHECKED") throw new ImportError("already-applied");
  if ((saved.summary as unknown as ImportSummary).problems.length > 0) throw new ImportError("has-problems");
  const confirmed = confirmedLeavers(saved.summary as unknown as ImportSummary, typed);
  const claimed = await prisma.personnelImport.updateMany({
    where: { id, actorUserId: actor.userId, status: "CHECKED" },
    data: { status: "APPLYING", error: null, confirmedLeavers: confirmed },
  });
  if (claimed.count === 0) throw new ImportError("already-applied");
  try {
    await enqueueImport("apply", id);
  } catch (e) {
    await prisma.personnelImport.updateMany({ where: { id, status: "APPLYING" }, data: { status: "CHECKED", error: "queue-unavailable" } });
    throw new ImportError("queue-unavailable", { cause: e });
  }
  return { queued: true };
}

type SavedImport = NonNullable<Awaited<ReturnType<typeof getImport>>>;

/**
 * One transaction for the whole change. It starts by moving the import from
 * `from` to APPLIED, which also locks its row until the end: a second apply
 * waits and then finds nothing to claim, and a failure leaves it as it was.
 */
async function applyInTransaction(
  saved: SavedImport,
  from: "CHECKED" | "APPLYING",
  report: Report,
  options: { timeout: number; maxWait?: number },
  confirmed: number | null = saved.confirmedLeavers,
) {
  const id = saved.id;
  const checked = saved.summary as unknown as Partial<ImportSummary>;
  const kind = rollKind(saved.kind);
  const { rows, problems } = await readFile(saved.content, kind, report, saved.rowCount);
  return prisma.$transaction(async (tx) => {
    const claimed = await tx.personnelImport.updateMany({
      where: { id, status: from },
      data: { status: "APPLIED", appliedAt: now(), error: null, confirmedLeavers: confirmed },
    });
    if (claimed.count === 0) throw new ImportError("already-applied");
    await recordImportFollowUp(tx, id);
    const staged = await stage(tx, rows, saved.scopeUnitIds, kind, report);
    const summary = summarise(kind, rows, [...problems, ...staged.problems], staged.diff);
    if (summary.problems.length > 0) throw new ImportError("has-problems");
    // Exactly the leavers the officer was shown, or nothing (a check from before the full list was kept shows none).
    const leavers = summary.leavers;
    if (!sameList(checked.leavers, leavers)) throw new ImportError("leavers-changed");
    if (checked.confirmLeavers && confirmed !== leavers.length) throw new ImportError("confirm-missing", { params: { number: leavers.length } });
    const step = (done: number) => report({ phase: "applying", done, total: 5 });
    await step(0);
    await tx.$executeRaw`
      INSERT INTO person (employee_no, name, email, org_unit_id, staff_category, grade, job_family, is_unit_head, hired_on)
      SELECT r.employee_no, r.name, r.email, u.id, r.staff_category, r.grade, r.job_family::"JobFamily", COALESCE(r.is_head, false),
        -- The hire date the file gives; without one, the day the file is applied.
        COALESCE(r.hired_on, (${now()}::timestamptz AT TIME ZONE 'Asia/Seoul')::date)
      FROM import_row r JOIN org_unit u ON u.code = r.unit_code
      WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.employee_no = r.employee_no)`;
    await step(1);
    // Someone who comes back gets their account again (same person, same account), before they turn ACTIVE below.
    await tx.$executeRaw`
      UPDATE app_user usr SET disabled_at = NULL
      FROM person p JOIN import_row r ON r.employee_no = p.employee_no
      WHERE usr.person_id = p.id AND p.status = 'LEFT' AND usr.disabled_at IS NOT NULL`;
    // Only rows that differ are written: people just added, and the unchanged
    // majority of a monthly roll, are left alone.
    await tx.$executeRaw`
      UPDATE person p SET name = r.name, email = r.email, org_unit_id = u.id,
        staff_category = r.staff_category, grade = r.grade, job_family = r.job_family::"JobFamily",
        is_unit_head = COALESCE(r.is_head, p.is_unit_head), status = 'ACTIVE', left_on = NULL,
        hired_on = COALESCE(r.hired_on, p.hired_on)
      FROM import_row r JOIN org_unit u ON u.code = r.unit_code
      WHERE p.employee_no = r.employee_no
        AND (p.name, p.email, p.org_unit_id, p.staff_category::text, p.grade, p.job_family::text, p.status::text, p.left_on, p.is_unit_head, p.hired_on)
          IS DISTINCT FROM (r.name, r.email, u.id, r.staff_category, r.grade, r.job_family, 'ACTIVE', NULL::date, COALESCE(r.is_head, p.is_unit_head),
            COALESCE(r.hired_on, p.hired_on))`;
    await step(2);
    const left = await tx.$executeRaw`
      UPDATE person p SET status = 'LEFT', left_on = (${now()}::timestamptz AT TIME ZONE 'Asia/Seoul')::date
      WHERE p.employee_no = ANY(${leavers}::text[]) AND p.status = 'ACTIVE' AND p.org_unit_id IN (SELECT id FROM import_scope)`;
    if (left !== leavers.length) throw new ImportError("leavers-changed");
    // This file's leavers' accounts are disabled and their sessions end now; open invitations die with
    // them. Only theirs: someone who left earlier, or outside the officer's scope, is not this file's to touch.
    await tx.$executeRaw`
      WITH gone AS (
        UPDATE app_user usr SET disabled_at = now() FROM person p
        WHERE usr.person_id = p.id AND p.employee_no = ANY(${leavers}::text[]) AND p.status = 'LEFT' AND usr.disabled_at IS NULL
        RETURNING usr.id
      )
      DELETE FROM session s USING gone WHERE s.user_id = gone.id`;
    await tx.$executeRaw`
      DELETE FROM verification v USING person p
      WHERE v.person_id = p.id AND p.employee_no = ANY(${leavers}::text[]) AND p.status = 'LEFT'`;
    await step(3);
    await recordPlacements(tx);
    await step(4);
    await tx.personnelImport.update({ where: { id }, data: { summary: summary as object } });
    await recordAudit(
      {
        actorUserId: saved.actorUserId,
        action: "personnel.import",
        entityType: "personnel_import",
        entityId: id,
        reason: saved.fileName,
        data: {
          sha256: saved.sha256,
          kind: saved.kind,
          ...(confirmed === null ? {} : { confirmedLeavers: confirmed }),
          created: staged.diff.created,
          moved: staged.diff.moved,
          updated: staged.diff.updated,
          left: staged.diff.left,
        },
      },
      tx,
    );
    await step(5);
    return summary;
  }, options);
}

function sameList(a: string[] | undefined, b: string[]) {
  return a !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

// ---------------------------------------------------------------- in the worker

/** What a failed file's row records as its error: the refusal's code, or what went wrong unexpectedly. */
export function importFailure(e: unknown) {
  if (e instanceof ImportError) return e.message;
  return `unexpected: ${e instanceof Error ? e.message : String(e)}`.slice(0, 1000);
}

type QueuedFile = NonNullable<Awaited<ReturnType<typeof prisma.personnelImport.findUnique>>>;

/**
 * The worker's dry run of a large file of any kind (the personnel file, the unit file). A repeated
 * delivery of the job finds the file no longer CHECKING and does nothing. If it fails, the file is
 * FAILED with the reason, and the error goes on to the job.
 */
export async function runQueuedCheck<S extends object>(id: string, ofKind: (kind: string) => boolean, check: (saved: QueuedFile) => Promise<S>): Promise<S | null> {
  const saved = await prisma.personnelImport.findUnique({ where: { id } });
  if (!saved || saved.status !== "CHECKING" || !ofKind(saved.kind)) return null;
  try {
    const summary = await check(saved);
    await prisma.personnelImport.updateMany({ where: { id, status: "CHECKING" }, data: { status: "CHECKED", summary } });
    return summary;
  } catch (e) {
    await prisma.personnelImport.updateMany({ where: { id, status: "CHECKING" }, data: { status: "FAILED", error: importFailure(e) } });
    throw e;
  }
}

/**
 * The worker's apply of a large file of any kind, all or nothing as in the request. If it fails,
 * nothing was applied: the file goes back to CHECKED with the reason, so the officer can read it and
 * apply again. Delivered again after its worker died, an applied file has what follows it carried out.
 */
export async function runQueuedApply<S>(
  id: string,
  ofKind: (kind: string) => boolean,
  apply: (saved: QueuedFile) => Promise<S>,
): Promise<S | null> {
  const saved = await prisma.personnelImport.findUnique({ where: { id } });
  if (!saved || !ofKind(saved.kind)) return null;
  if (saved.status === "APPLIED") return (await carryOutImportFollowUp(id)) ? (saved.summary as unknown as S) : null;
  if (saved.status !== "APPLYING") return null;
  let summary: S;
  try {
    summary = await apply(saved);
  } catch (e) {
    await prisma.personnelImport.updateMany({ where: { id, status: "APPLYING" }, data: { status: "CHECKED", error: importFailure(e) } });
    throw e;
  }
  await followUpAfterCommit(id);
  return summary;
}

const isRoll = (kind: string) => kind !== "ORG_CHART";

/** The worker's dry run of a large personnel file (runQueuedCheck). */
export function checkQueuedImport(id: string, report: Report) {
  return runQueuedCheck(id, isRoll, async (saved) => {
    const kind = rollKind(saved.kind);
    const { rows, problems } = await readFile(saved.content, kind, report, saved.rowCount);
    return dryRun(kind, rows, problems, saved.scopeUnitIds, report, WORKER_TRANSACTION);
  });
}

/** The worker's apply of a large personnel file (runQueuedApply). */
export function applyQueuedImport(id: string, report: Report) {
  return runQueuedApply<ImportSummary>(id, isRoll, (saved) => applyInTransaction(saved, "APPLYING", report, WORKER_TRANSACTION));
}

// ---------------------------------------------------------------- progress for the page

/** Each phase's share of the bar, roughly its share of the time on a large file. */
const PHASE_WEIGHTS: Record<ImportJobKind, Partial<Record<ImportPhase, number>>> = {
  check: { reading: 30, staging: 35, comparing: 35 },
  apply: { reading: 10, staging: 20, comparing: 20, applying: 50 },
};

const progressSchema = z.object({
  phase: z.enum(["reading", "staging", "comparing", "applying"]),
  done: z.number().int().min(0),
  total: z.number().int().min(0),
});

export interface ImportProgressView {
  /** "queued" until the worker picks the job up. */
  phase: ImportPhase | "queued";
  step: number;
  steps: number;
  percent: number;
}

/** Where a job stands, as the page shows it: the phase, its place among the steps, and one percentage for the whole job. */
export function progressView(kind: ImportJobKind, progress: unknown): ImportProgressView {
  const weights = PHASE_WEIGHTS[kind];
  const phases = Object.keys(weights) as ImportPhase[];
  const parsed = progressSchema.safeParse(progress);
  if (!parsed.success || !(parsed.data.phase in weights)) return { phase: "queued", step: 0, steps: phases.length, percent: 0 };
  const { phase, done, total } = parsed.data;
  const index = phases.indexOf(phase);
  const before = phases.slice(0, index).reduce((sum, p) => sum + weights[p]!, 0);
  const within = total > 0 ? Math.min(done / total, 1) : 0;
  // 100 is for the result itself; the bar stops just short while the job finishes.
  const percent = Math.min(99, Math.floor(before + weights[phase]! * within));
  return { phase, step: index + 1, steps: phases.length, percent };
}

/**
 * One import for its uploader's page, without the file itself. While the
 * worker has it, the job's last reported progress comes too. A job that died
 * without recording why (its worker was killed and it ran out of chances)
 * would leave the import waiting forever: the page settles it as interrupted,
 * unless the job's own transaction still holds the row.
 */
export async function getImportView(actor: Actor, id: string) {
  if (!isUuid(id)) return null;
  const find = () => prisma.personnelImport.findFirst({ where: { id, actorUserId: actor.userId }, omit: { content: true } });
  const saved = await find();
  if (!saved || (saved.status !== "CHECKING" && saved.status !== "APPLYING")) return saved ? { ...saved, progress: null } : null;
  const kind: ImportJobKind = saved.status === "CHECKING" ? "check" : "apply";
  let job: Awaited<ReturnType<typeof readImportJob>>;
  try {
    job = await readImportJob(kind, id);
  } catch {
    // Redis is unreachable: the page shows the work as under way with no figure.
    return { ...saved, progress: null };
  }
  if (job === null || job.state === "failed" || job.state === "completed") {
    await prisma.$executeRaw`
      UPDATE personnel_import
      SET status = (CASE status WHEN 'CHECKING' THEN 'FAILED' ELSE 'CHECKED' END)::"ImportStatus", error = 'interrupted'
      WHERE id = (SELECT id FROM personnel_import WHERE id = ${id}::uuid AND status IN ('CHECKING', 'APPLYING') FOR UPDATE SKIP LOCKED)`;
    const settled = await find();
    return settled ? { ...settled, progress: null } : null;
  }
  return { ...saved, progress: progressView(kind, job.state === "active" ? job.progress : null) };
}

// ---------------------------------------------------------------- the leavers, page by page

export interface LeaverRow {
  employeeNo: string;
  name: string | null;
  unitCode: string | null;
  unitNameKo: string | null;
  unitNameEn: string | null;
}

/**
 * One page of the leavers a summary lists, with each person's name and unit,
 * so that the officer can see every one before applying. Summaries from
 * before the full list was kept have only the first 50.
 */
export async function leaversPage(summary: ImportSummary, page: number) {
  const all = (summary as Partial<ImportSummary>).leavers ?? summary.samples.left;
  const pages = Math.max(1, Math.ceil(all.length / LEAVERS_PAGE.size));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pages);
  const numbers = all.slice((current - 1) * LEAVERS_PAGE.size, current * LEAVERS_PAGE.size);
  const people = await prisma.person.findMany({
    where: { employeeNo: { in: numbers } },
    select: { employeeNo: true, name: true, orgUnit: { select: { code: true, nameKo: true, nameEn: true } } },
  });
  const byNo = new Map(people.map((p) => [p.employeeNo, p]));
  const rows: LeaverRow[] = numbers.map((employeeNo) => {
    const p = byNo.get(employeeNo);
    return { employeeNo, name: p?.name ?? null, unitCode: p?.orgUnit?.code ?? null, unitNameKo: p?.orgUnit?.nameKo ?? null, unitNameEn: p?.orgUnit?.nameEn ?? null };
  });
  return { rows, page: current, pages, total: all.length, complete: (summary as Partial<ImportSummary>).leavers !== undefined };
}

/**
 * The file to start from: every column under its Korean header, and one row
 * showing how each is written, placed in `unitCode` (the officer's own unit).
 */
export function importTemplateCsv(unitCode: string): string {
  const header = IMPORT_COLUMNS.map((c) => COLUMN_HEADERS[c].find((h) => /[가-힣]/.test(h)) ?? c);
  const sample = ["E2026001", "홍길동", "hong.gildong@example.go.kr", unitCode, "CIVIL_SERVANT", "7", "FRONT_DESK", "N", "2026-03-02"];
  return `${UTF8_BOM}${csvRow(header)}${csvRow(sample)}`;
}
