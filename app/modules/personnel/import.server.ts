import { createHash } from "node:crypto";
import { z } from "zod";
import { prisma } from "~/utils/db.server";
import { parseCsv } from "~/utils/csv-parse";
import { recordAudit } from "~/modules/audit/audit.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { JOB_FAMILY } from "~/modules/content/load.server";
import { openCycle } from "~/modules/obligations/cycles.server";
import { recordPlacements } from "~/modules/org/org.server";
import { enqueueCycleOpened } from "~/utils/queues.server";

/** The columns an HR system exports. No resident registration numbers, ever. */
export const IMPORT_COLUMNS = ["employee_no", "name", "email", "unit_code", "staff_category", "grade", "job_family"] as const;
const REQUIRED = ["employee_no", "name", "email", "unit_code", "staff_category"] as const;
export const MAX_IMPORT_BYTES = 20 * 1024 * 1024;

const rowSchema = z.object({
  employee_no: z.string().trim().min(1, "employee_no is empty").max(40),
  name: z.string().trim().min(1, "name is empty").max(100),
  email: z.string().trim().toLowerCase().email("email is not an e-mail address"),
  unit_code: z.string().trim().min(1, "unit_code is empty"),
  staff_category: z.enum(["SENIOR_OFFICIAL", "CIVIL_SERVANT", "AFFILIATED_STAFF", "WELFARE_FACILITY_STAFF", "EDUCATIONAL_STAFF"], {
    errorMap: () => ({ message: "staff_category must be SENIOR_OFFICIAL, CIVIL_SERVANT, AFFILIATED_STAFF, WELFARE_FACILITY_STAFF or EDUCATIONAL_STAFF" }),
  }),
  grade: z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : Number(v)))
    .refine((v) => v === null || (Number.isInteger(v) && v >= 1 && v <= 9), "grade must be a whole number from 1 to 9, or empty"),
  job_family: z
    .string()
    .trim()
    .transform((v) => (v === "" ? null : v))
    .refine((v) => v === null || v in JOB_FAMILY, `job_family must be empty or one of ${Object.keys(JOB_FAMILY).join(", ")}`),
});

export interface RowProblem {
  line: number;
  reason: string;
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
}

type Row = { line: number; employeeNo: string; name: string; email: string; unitCode: string; staffCategory: string; grade: number | null; jobFamily: string | null };

/** Parse and check every row; problems name the line and the reason. */
function readRows(text: string): { rows: Row[]; problems: RowProblem[] } {
  const records = parseCsv(text);
  const problems: RowProblem[] = [];
  if (records.length === 0) return { rows: [], problems: [{ line: 1, reason: "the file is empty" }] };
  const header = records[0]!.cells.map((c) => c.trim().toLowerCase());
  const missing = REQUIRED.filter((c) => !header.includes(c));
  const forbidden = header.filter((h) => /resident|rrn|주민/.test(h));
  if (forbidden.length) problems.push({ line: 1, reason: `the file must not contain resident registration numbers (column ${forbidden.join(", ")})` });
  if (missing.length) return { rows: [], problems: [...problems, { line: 1, reason: `missing column(s): ${missing.join(", ")}` }] };
  const rows: Row[] = [];
  const seen = new Map<string, number>();
  const seenEmail = new Map<string, number>();
  for (const { line, cells } of records.slice(1)) {
    const raw = Object.fromEntries(IMPORT_COLUMNS.map((c) => [c, cells[header.indexOf(c)] ?? ""]));
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push({ line, reason: parsed.error.issues.map((i) => i.message).join("; ") });
      continue;
    }
    const r = parsed.data;
    const dup = seen.get(r.employee_no);
    if (dup) problems.push({ line, reason: `employee_no ${r.employee_no} also on line ${dup}` });
    const dupEmail = seenEmail.get(r.email);
    if (dupEmail) problems.push({ line, reason: `email ${r.email} also on line ${dupEmail}` });
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
      jobFamily: r.job_family ? JOB_FAMILY[r.job_family as keyof typeof JOB_FAMILY] : null,
    });
  }
  return { rows, problems };
}

type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

/**
 * Load the rows into a temporary table in one statement and compare them with
 * the roll, set-based: references, scope, and what would change.
 */
async function stage(tx: Tx, rows: Row[], scope: string[]) {
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE import_row (
    line int, employee_no text, name text, email text, unit_code text, staff_category text, grade int, job_family text
  ) ON COMMIT DROP`);
  await tx.$executeRaw`
    INSERT INTO import_row
    SELECT * FROM unnest(${rows.map((r) => r.line)}::int[], ${rows.map((r) => r.employeeNo)}::text[], ${rows.map((r) => r.name)}::text[],
      ${rows.map((r) => r.email)}::text[], ${rows.map((r) => r.unitCode)}::text[], ${rows.map((r) => r.staffCategory)}::text[],
      ${rows.map((r) => r.grade)}::int[], ${rows.map((r) => r.jobFamily)}::text[])`;
  // The units this file may touch: the uploader's subtrees, or everything.
  await tx.$executeRawUnsafe(`CREATE TEMP TABLE import_scope (id uuid PRIMARY KEY) ON COMMIT DROP`);
  await tx.$executeRaw`
    WITH RECURSIVE scope AS (
      SELECT id FROM org_unit WHERE (cardinality(${scope}::uuid[]) = 0 AND parent_id IS NULL) OR id = ANY(${scope}::uuid[])
      UNION SELECT c.id FROM org_unit c JOIN scope s ON c.parent_id = s.id
    )
    INSERT INTO import_scope SELECT id FROM scope`;
  const problems = await tx.$queryRaw<RowProblem[]>`
    SELECT r.line, 'unit_code ' || r.unit_code || ' does not exist' AS reason
    FROM import_row r LEFT JOIN org_unit u ON u.code = r.unit_code WHERE u.id IS NULL
    UNION ALL
    SELECT r.line, 'unit_code ' || r.unit_code || ' is outside the units you manage'
    FROM import_row r JOIN org_unit u ON u.code = r.unit_code WHERE u.id NOT IN (SELECT id FROM import_scope)
    UNION ALL
    SELECT r.line, 'employee_no ' || r.employee_no || ' belongs to someone outside the units you manage'
    FROM import_row r JOIN person p ON p.employee_no = r.employee_no
    WHERE p.org_unit_id IS NOT NULL AND p.org_unit_id NOT IN (SELECT id FROM import_scope)
    UNION ALL
    SELECT r.line, 'email ' || r.email || ' is used by another person (' || COALESCE(p.employee_no, 'no employee number') || ')'
    FROM import_row r JOIN person p ON lower(p.email) = r.email AND p.employee_no IS DISTINCT FROM r.employee_no
    ORDER BY 1`;
  const [diff] = await tx.$queryRaw<Array<{ created: string[]; moved: string[]; updated: string[]; unchanged: number; left: string[] }>>`
    WITH j AS (
      SELECT r.*, p.id AS person_id, p.org_unit_id AS old_unit, u.id AS new_unit,
        (p.name, p.email, p.staff_category::text, p.grade, p.job_family::text, p.status::text)
          IS DISTINCT FROM (r.name, r.email, r.staff_category, r.grade, r.job_family, 'ACTIVE') AS changed
      FROM import_row r JOIN org_unit u ON u.code = r.unit_code
      LEFT JOIN person p ON p.employee_no = r.employee_no
    )
    SELECT
      COALESCE(array_agg(employee_no ORDER BY line) FILTER (WHERE person_id IS NULL), '{}') AS created,
      COALESCE(array_agg(employee_no ORDER BY line) FILTER (WHERE person_id IS NOT NULL AND old_unit IS DISTINCT FROM new_unit), '{}') AS moved,
      COALESCE(array_agg(employee_no ORDER BY line) FILTER (WHERE person_id IS NOT NULL AND old_unit IS NOT DISTINCT FROM new_unit AND changed), '{}') AS updated,
      count(*) FILTER (WHERE person_id IS NOT NULL AND old_unit IS NOT DISTINCT FROM new_unit AND NOT changed)::int AS unchanged,
      (SELECT COALESCE(array_agg(p.employee_no ORDER BY p.employee_no), '{}') FROM person p
        WHERE p.status = 'ACTIVE' AND p.org_unit_id IN (SELECT id FROM import_scope)
          AND p.employee_no IS NOT NULL AND p.employee_no NOT IN (SELECT employee_no FROM import_row)) AS left
    FROM j`;
  return { problems, diff: diff! };
}

function summarise(rows: Row[], problems: RowProblem[], diff: Awaited<ReturnType<typeof stage>>["diff"]): ImportSummary {
  return {
    rows: rows.length,
    created: diff.created.length,
    moved: diff.moved.length,
    updated: diff.updated.length,
    unchanged: diff.unchanged,
    left: diff.left.length,
    problems: problems.sort((a, b) => a.line - b.line).slice(0, 500),
    samples: { created: diff.created.slice(0, 50), moved: diff.moved.slice(0, 50), left: diff.left.slice(0, 50) },
  };
}

class Rollback extends Error {
  constructor(public result: unknown) {
    super("dry run");
  }
}

/** The dry run: check everything, change nothing, keep the file for applying. */
export async function checkImport(actor: Actor, fileName: string, text: string) {
  const scope = actor.roles.has("SYSTEM_ADMIN") ? [] : actor.hrScopeUnitIds;
  const { rows, problems } = readRows(text);
  let summary: ImportSummary;
  if (rows.length === 0) summary = summarise(rows, problems, { created: [], moved: [], updated: [], unchanged: 0, left: [] });
  else {
    try {
      await prisma.$transaction(async (tx) => {
        const staged = await stage(tx, rows, scope);
        throw new Rollback(summarise(rows, [...problems, ...staged.problems], staged.diff));
      });
      throw new Error("unreachable");
    } catch (e) {
      if (!(e instanceof Rollback)) throw e;
      summary = e.result as ImportSummary;
    }
  }
  const saved = await prisma.personnelImport.create({
    data: {
      actorUserId: actor.userId,
      fileName: fileName.slice(0, 200),
      sha256: createHash("sha256").update(text).digest("hex"),
      content: text,
      scopeUnitIds: scope,
      summary: summary as object,
    },
  });
  return { id: saved.id, summary };
}

export class ImportError extends Error {}

export function getImport(actor: Actor, id: string) {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  return prisma.personnelImport.findFirst({ where: { id, actorUserId: actor.userId } });
}

/**
 * Apply a checked file, all or nothing: new people are added, moved people
 * keep their records and count in their new unit, people missing from the
 * file leave (their records stay). One audit event holds the whole change.
 */
export async function applyImport(actor: Actor, id: string): Promise<ImportSummary> {
  const summary = await applyInTransaction(actor, id);
  // New hires owe every open cycle of their audience: assign them now (idempotent).
  const open = await prisma.cycle.findMany({ where: { status: "OPEN" }, select: { id: true } });
  for (const c of open) {
    if ((await openCycle(c.id, actor.userId)) > 0) await enqueueCycleOpened(c.id, `import-${id}`).catch(() => undefined);
  }
  return summary;
}

async function applyInTransaction(actor: Actor, id: string): Promise<ImportSummary> {
  const saved = await getImport(actor, id);
  if (!saved) throw new ImportError("not-found");
  if (saved.status !== "CHECKED") throw new ImportError("already-applied");
  const { rows, problems } = readRows(saved.content);
  return prisma.$transaction(
    async (tx) => {
      const claimed = await tx.personnelImport.updateMany({ where: { id, status: "CHECKED" }, data: { status: "APPLIED", appliedAt: new Date() } });
      if (claimed.count === 0) throw new ImportError("already-applied");
      const staged = await stage(tx, rows, saved.scopeUnitIds);
      const summary = summarise(rows, [...problems, ...staged.problems], staged.diff);
      if (summary.problems.length > 0) throw new ImportError("has-problems");
      await tx.$executeRaw`
        INSERT INTO person (employee_no, name, email, org_unit_id, staff_category, grade, job_family, hired_on)
        SELECT r.employee_no, r.name, r.email, u.id, r.staff_category::"StaffCategory", r.grade, r.job_family::"JobFamily",
          (now() AT TIME ZONE 'Asia/Seoul')::date
        FROM import_row r JOIN org_unit u ON u.code = r.unit_code
        WHERE NOT EXISTS (SELECT 1 FROM person p WHERE p.employee_no = r.employee_no)`;
      await tx.$executeRaw`
        UPDATE person p SET name = r.name, email = r.email, org_unit_id = u.id,
          staff_category = r.staff_category::"StaffCategory", grade = r.grade, job_family = r.job_family::"JobFamily",
          status = 'ACTIVE', left_on = NULL
        FROM import_row r JOIN org_unit u ON u.code = r.unit_code
        WHERE p.employee_no = r.employee_no`;
      await tx.$executeRaw`
        UPDATE person p SET status = 'LEFT', left_on = (now() AT TIME ZONE 'Asia/Seoul')::date
        WHERE p.status = 'ACTIVE' AND p.org_unit_id IN (SELECT id FROM import_scope)
          AND p.employee_no IS NOT NULL AND p.employee_no NOT IN (SELECT employee_no FROM import_row)`;
      await recordPlacements(tx);
      await tx.personnelImport.update({ where: { id }, data: { summary: summary as object } });
      await recordAudit(
        {
          actorUserId: actor.userId,
          action: "personnel.import",
          entityType: "personnel_import",
          entityId: id,
          reason: saved.fileName,
          data: { sha256: saved.sha256, created: staged.diff.created, moved: staged.diff.moved, updated: staged.diff.updated, left: staged.diff.left },
        },
        tx,
      );
      return summary;
    },
    { timeout: 120_000 },
  );
}
