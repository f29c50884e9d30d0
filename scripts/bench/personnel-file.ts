/**
 * P5: a personnel file built from the bench city at measure time, the
 * hand-written bound that loads it with COPY and validates and upserts it in
 * set-based SQL, and what it takes to put the city back as it was between runs.
 *
 * Nothing here changes what the generator builds: the file, the snapshot of
 * the rows it touches and the bound's staging tables exist only while P5 runs.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { JOB_FAMILY_SPELLINGS, kebab } from "~/modules/org/coded-sets";

/** Shares of the file, per thousand people on the roll (a month of a city's changes, and then some). */
const LEAVERS = 5; // under the 10% that asks the officer to type the number of leavers
const MOVERS = 20;
const GRADE_CHANGES = 10;
const NEW_HIRES = 10;
/** Above this many active people the file is the roll of part of the city, about this size. */
const FILE_ROWS = 100_000;

export const P5_SNAPSHOT_TABLES = ["bench_p5_person", "bench_p5_placement", "bench_p5_user", "bench_p5_session", "bench_p5_verification"];

export interface PersonnelFile {
  /** The officer's scope roots: the city, or top-level units that add up to about FILE_ROWS people. */
  roots: string[];
  text: string;
  rows: number;
  leavers: number;
  movers: number;
  gradeChanges: number;
  newHires: number;
  newEmployeeNos: string[];
}

const HEADER = "employee_no,name,email,unit_code,staff_category,grade,job_family";

function cell(v: string | number | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** The category a new hire of a unit has, by the unit's branch of the tree (as the generator places people). */
function categoryOf(code: string): { category: string; grade: number | null } {
  if (code.startsWith("A")) return { category: "AFFILIATED_STAFF", grade: null };
  if (code.startsWith("F")) return { category: "WELFARE_FACILITY_STAFF", grade: null };
  if (code.startsWith("E")) return { category: "EDUCATIONAL_STAFF", grade: null };
  return { category: "CIVIL_SERVANT", grade: 9 };
}

/** A full roll of the scope with movers, new hires, grade changes and a few leavers; also snapshots what it touches. */
export async function buildPersonnelFile(db: pg.Client, cityId: string): Promise<PersonnelFile> {
  const active = Number((await db.query("SELECT count(*) AS n FROM person WHERE status = 'ACTIVE' AND employee_no IS NOT NULL")).rows[0].n);
  let roots = [cityId];
  if (active > FILE_ROWS * 1.2) {
    // A nation's roll is far beyond one file (MAX_IMPORT_BYTES): take the top-level units, in code
    // order, outside the bureau that holds the welfare facilities, until they hold about FILE_ROWS people.
    const tops = await db.query(
      `WITH RECURSIVE sub AS (
         SELECT id AS root, id FROM org_unit WHERE parent_id = $1 AND code <> 'B0'
         UNION ALL SELECT s.root, c.id FROM org_unit c JOIN sub s ON c.parent_id = s.id
       )
       SELECT s.root, min(u.code) AS code, count(p.id)::int AS n FROM sub s JOIN org_unit u ON u.id = s.root
       LEFT JOIN person p ON p.org_unit_id = s.id AND p.status = 'ACTIVE' AND p.employee_no IS NOT NULL
       GROUP BY s.root ORDER BY min(u.code)`,
      [cityId],
    );
    roots = [];
    let sum = 0;
    for (const t of tops.rows as Array<{ root: string; n: number }>) {
      if (sum >= FILE_ROWS) break;
      roots.push(t.root);
      sum += t.n;
    }
  }
  await db.query(`CREATE TEMP TABLE p5_scope AS
    WITH RECURSIVE s AS (SELECT id FROM org_unit WHERE id = ANY($1::uuid[]) UNION SELECT c.id FROM org_unit c JOIN s ON c.parent_id = s.id)
    SELECT id FROM s`, [roots]);
  const units = (await db.query("SELECT u.code FROM org_unit u JOIN p5_scope s ON s.id = u.id WHERE u.kind <> 'CITY' ORDER BY u.code")).rows.map((r) => r.code as string);
  const byBranch = new Map<string, string[]>();
  for (const code of units) byBranch.set(code[0]!, [...(byBranch.get(code[0]!) ?? []), code]);

  const people = await db.query(
    `SELECT p.employee_no, p.name, p.email, u.code, p.staff_category::text AS category, p.grade, p.job_family::text AS family,
       abs(hashtext(p.employee_no || ':p5')) % 1000 AS h, abs(hashtext(p.employee_no || ':p5-unit')) AS pick
     FROM person p JOIN org_unit u ON u.id = p.org_unit_id JOIN p5_scope s ON s.id = u.id
     WHERE p.status = 'ACTIVE' AND p.employee_no IS NOT NULL ORDER BY p.employee_no`,
  );
  const lines = [HEADER];
  const touched: string[] = [];
  let leavers = 0;
  let movers = 0;
  let gradeChanges = 0;
  for (const p of people.rows as Array<{ employee_no: string; name: string; email: string; code: string; category: string; grade: number | null; family: string | null; h: number; pick: number }>) {
    let { code, grade, family } = p;
    if (p.h < LEAVERS) {
      leavers++;
      touched.push(p.employee_no);
      continue;
    }
    if (p.h < LEAVERS + MOVERS) {
      const branch = byBranch.get(code[0]!) ?? units;
      const to = branch[p.pick % branch.length]!;
      if (to !== code) {
        code = to;
        movers++;
        touched.push(p.employee_no);
      }
    } else if (p.h < LEAVERS + MOVERS + GRADE_CHANGES) {
      if (grade !== null) grade = grade === 9 ? 8 : grade + 1;
      else family = family === "WELFARE" ? "FRONT_DESK" : "WELFARE";
      gradeChanges++;
      touched.push(p.employee_no);
    }
    lines.push([p.employee_no, p.name, p.email, code, p.category, grade, family === null ? null : kebab(family)].map(cell).join(","));
  }
  const newHires = Math.max(1, Math.round((people.rows.length * NEW_HIRES) / 1000));
  const newEmployeeNos: string[] = [];
  for (let i = 0; i < newHires; i++) {
    const code = units[(i * 7919) % units.length]!;
    const { category, grade } = categoryOf(code);
    const no = `N${String(i + 1).padStart(8, "0")}`;
    newEmployeeNos.push(no);
    lines.push([no, `신규${i + 1}`, `new${i + 1}@staff.bench.test`, code, category, grade, "front-desk"].map(cell).join(","));
  }

  // What the file changes, kept to put back after every run.
  await dropSnapshot(db);
  await db.query("CREATE TABLE bench_p5_person AS SELECT * FROM person WHERE employee_no = ANY($1::text[])", [touched]);
  await db.query("ALTER TABLE bench_p5_person ADD PRIMARY KEY (id)");
  await db.query("CREATE TABLE bench_p5_placement AS SELECT pl.* FROM person_placement pl JOIN bench_p5_person p ON p.id = pl.person_id");
  // Applying a file also disables the accounts of everyone already recorded as left that are still enabled.
  await db.query(`CREATE TABLE bench_p5_user AS SELECT u.id, u.disabled_at FROM app_user u JOIN person p ON p.id = u.person_id
    WHERE p.status = 'LEFT' OR p.id IN (SELECT id FROM bench_p5_person)`);
  await db.query("CREATE TABLE bench_p5_session AS SELECT s.* FROM session s JOIN bench_p5_user u ON u.id = s.user_id");
  await db.query(`CREATE TABLE bench_p5_verification AS SELECT v.* FROM verification v JOIN person p ON p.id = v.person_id
    WHERE p.status = 'LEFT' OR p.id IN (SELECT id FROM bench_p5_person)`);
  await db.query("DROP TABLE p5_scope");
  return { roots, text: lines.join("\r\n") + "\r\n", rows: lines.length - 1, leavers, movers, gradeChanges, newHires, newEmployeeNos };
}

export async function dropSnapshot(db: pg.Client) {
  for (const t of P5_SNAPSHOT_TABLES) await db.query(`DROP TABLE IF EXISTS ${t}`);
}

/**
 * Put the city back as it was before the file: the people it added and what
 * followed them go, the people it changed get their rows, placements,
 * accounts and sessions back, and the imports with their audit trail go.
 * Returns the outbox ids removed (their delivery jobs are the caller's).
 */
export async function restoreCity(db: pg.Client, f: PersonnelFile, since: { wall: Date; clock: Date }): Promise<string[]> {
  await db.query("BEGIN");
  try {
    await db.query("DELETE FROM audit_event WHERE entity_type = 'personnel_import'");
    await db.query("DELETE FROM pending_work WHERE kind = 'import-follow-up'");
    await db.query("DELETE FROM personnel_import WHERE created_at >= $1", [since.wall]);
    const outbox = (await db.query("DELETE FROM outbox_email WHERE created_at >= $1 RETURNING id", [since.wall])).rows.map((r) => r.id as string);
    await db.query("DELETE FROM assignment a USING cycle c WHERE c.id = a.cycle_id AND c.status = 'OPEN' AND a.assigned_at >= $1", [since.clock]);
    await db.query("DELETE FROM person_placement pl USING person p WHERE p.id = pl.person_id AND p.employee_no = ANY($1::text[])", [f.newEmployeeNos]);
    await db.query("DELETE FROM person WHERE employee_no = ANY($1::text[])", [f.newEmployeeNos]);
    await db.query(`UPDATE person p SET name = s.name, email = s.email, org_unit_id = s.org_unit_id, staff_category = s.staff_category,
        grade = s.grade, job_family = s.job_family, status = s.status, left_on = s.left_on
      FROM bench_p5_person s WHERE s.id = p.id
        AND (p.name, p.email, p.org_unit_id, p.staff_category, p.grade, p.job_family, p.status, p.left_on)
          IS DISTINCT FROM (s.name, s.email, s.org_unit_id, s.staff_category, s.grade, s.job_family, s.status, s.left_on)`);
    await db.query(`DELETE FROM person_placement pl USING bench_p5_person p
      WHERE pl.person_id = p.id AND NOT EXISTS (SELECT 1 FROM bench_p5_placement s WHERE s.id = pl.id)`);
    await db.query(`UPDATE person_placement pl SET valid_to = s.valid_to FROM bench_p5_placement s
      WHERE s.id = pl.id AND pl.valid_to IS DISTINCT FROM s.valid_to`);
    await db.query("UPDATE app_user u SET disabled_at = s.disabled_at FROM bench_p5_user s WHERE s.id = u.id AND u.disabled_at IS DISTINCT FROM s.disabled_at");
    await db.query("INSERT INTO session SELECT * FROM bench_p5_session ON CONFLICT DO NOTHING");
    await db.query("INSERT INTO verification SELECT * FROM bench_p5_verification ON CONFLICT DO NOTHING");
    await db.query("COMMIT");
    return outbox;
  } catch (e) {
    await db.query("ROLLBACK");
    throw e;
  }
}

/** What the file can change, as one line to compare: people, placements, accounts, open assignments and notices. */
export async function cityChecksum(db: pg.Client): Promise<string> {
  const r = await db.query(`SELECT
    (SELECT md5(string_agg(concat_ws('|', p.employee_no, p.name, p.email, u.code, p.staff_category, p.grade, p.job_family, p.status, p.left_on, p.hired_on), ',' ORDER BY p.employee_no))
       FROM person p LEFT JOIN org_unit u ON u.id = p.org_unit_id) AS people,
    (SELECT md5(string_agg(concat_ws('|', p.employee_no, u.code, pl.valid_to IS NULL), ',' ORDER BY p.employee_no, pl.valid_from, u.code))
       FROM person_placement pl JOIN person p ON p.id = pl.person_id JOIN org_unit u ON u.id = pl.org_unit_id) AS placements,
    (SELECT count(*) FILTER (WHERE disabled_at IS NOT NULL) FROM app_user) AS disabled,
    (SELECT count(*) FROM session) AS sessions,
    (SELECT md5(string_agg(concat_ws('|', p.employee_no, a.cycle_id, a.due_at, a.notified_at IS NULL), ',' ORDER BY p.employee_no, a.cycle_id))
       FROM assignment a JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN' JOIN person p ON p.id = a.person_id) AS assignments,
    (SELECT count(*) FROM outbox_email WHERE template = 'assignment-notice') AS notices`);
  const x = r.rows[0];
  return [x.people, x.placements, x.disabled, x.sessions, x.assignments, x.notices].join(" ");
}

export interface BoundCounts {
  created: number;
  moved: number;
  updated: number;
  unchanged: number;
  left: number;
  problems: number;
}

/**
 * The bound: COPY the file into a staging table, validate every row and
 * compare it with the roll in a few statements; with `apply`, upsert the
 * people, record leavers, placements, accounts, the open cycles' assignments
 * and their notices, in one transaction. A dry run rolls back.
 */
export async function boundImport(db: pg.Client, f: PersonnelFile, apply: boolean, at: Date, lateJoinerDays: number): Promise<BoundCounts> {
  await db.query("BEGIN");
  try {
    await db.query(`CREATE TEMP TABLE p5_raw (employee_no text, name text, email text, unit_code text, staff_category text, grade text, job_family text) ON COMMIT DROP`);
    await pipeline(Readable.from([f.text]), db.query(copyFrom("COPY p5_raw FROM STDIN WITH (FORMAT csv, HEADER true)")));
    await db.query(`CREATE TEMP TABLE p5_scope ON COMMIT DROP AS
      WITH RECURSIVE s AS (SELECT id FROM org_unit WHERE id = ANY($1::uuid[]) UNION SELECT c.id FROM org_unit c JOIN s ON c.parent_id = s.id)
      SELECT id FROM s`, [f.roots]);
    await db.query(`CREATE TEMP TABLE p5_row ON COMMIT DROP AS
      SELECT trim(r.employee_no) AS employee_no, trim(r.name) AS name, lower(trim(r.email)) AS email, trim(r.unit_code) AS unit_code, u.id AS unit_id,
        r.staff_category, trim(coalesce(r.grade, '')) AS grade, trim(coalesce(r.job_family, '')) AS job_family,
        count(*) OVER (PARTITION BY trim(r.employee_no)) AS same_no, count(*) OVER (PARTITION BY lower(trim(r.email))) AS same_email
      FROM p5_raw r LEFT JOIN org_unit u ON u.code = trim(r.unit_code)`);
    await db.query("ANALYZE p5_row");
    const problems = Number(
      (
        await db.query(
          `SELECT
             (SELECT count(*) FROM p5_row WHERE coalesce(employee_no, '') = '' OR length(employee_no) > 40 OR coalesce(name, '') = '' OR length(name) > 100
                OR coalesce(email, '') !~ '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$' OR coalesce(unit_code, '') = '' OR length(unit_code) > 40
                OR NOT coalesce(staff_category IN (SELECT code FROM staff_category WHERE on_roll), false) OR NOT (grade = '' OR grade ~ '^[1-9]$')
                OR NOT (job_family = '' OR job_family = ANY($1::text[])) OR same_no > 1 OR same_email > 1
                OR unit_id IS NULL OR unit_id NOT IN (SELECT id FROM p5_scope))
           + (SELECT count(*) FROM p5_row r JOIN person p ON p.employee_no = r.employee_no WHERE p.org_unit_id NOT IN (SELECT id FROM p5_scope))
           + (SELECT count(*) FROM p5_row r JOIN person p ON lower(p.email) = r.email AND p.employee_no IS DISTINCT FROM r.employee_no) AS n`,
          [JOB_FAMILY_SPELLINGS],
        )
      ).rows[0].n,
    );
    const diff = (
      await db.query(`
        WITH j AS (
          SELECT r.*, p.id AS person_id, p.org_unit_id AS old_unit,
            (p.name, p.email, p.staff_category::text, p.grade, p.job_family::text, p.status::text)
              IS DISTINCT FROM (r.name, r.email, r.staff_category, NULLIF(r.grade, '')::int, NULLIF(upper(replace(r.job_family, '-', '_')), ''), 'ACTIVE') AS changed
          FROM p5_row r LEFT JOIN person p ON p.employee_no = r.employee_no
        )
        SELECT count(*) FILTER (WHERE person_id IS NULL)::int AS created,
          count(*) FILTER (WHERE person_id IS NOT NULL AND old_unit IS DISTINCT FROM unit_id)::int AS moved,
          count(*) FILTER (WHERE person_id IS NOT NULL AND old_unit = unit_id AND changed)::int AS updated,
          count(*) FILTER (WHERE person_id IS NOT NULL AND old_unit = unit_id AND NOT changed)::int AS unchanged,
          (SELECT count(*)::int FROM person p WHERE p.status = 'ACTIVE' AND p.org_unit_id IN (SELECT id FROM p5_scope) AND p.employee_no IS NOT NULL
             AND NOT EXISTS (SELECT 1 FROM p5_row r WHERE r.employee_no = p.employee_no)) AS left
        FROM j`)
    ).rows[0] as Omit<BoundCounts, "problems">;
    if (!apply || problems > 0) {
      await db.query("ROLLBACK");
      return { ...diff, problems };
    }
    const today = "($1::timestamptz AT TIME ZONE 'Asia/Seoul')::date";
    await db.query(
      `UPDATE app_user usr SET disabled_at = NULL FROM person p JOIN p5_row r ON r.employee_no = p.employee_no
       WHERE usr.person_id = p.id AND p.status = 'LEFT' AND usr.disabled_at IS NOT NULL`,
    );
    await db.query(
      `INSERT INTO person AS p (employee_no, name, email, org_unit_id, staff_category, grade, job_family, hired_on)
       SELECT r.employee_no, r.name, r.email, r.unit_id, r.staff_category, NULLIF(r.grade, '')::int,
         NULLIF(upper(replace(r.job_family, '-', '_')), '')::"JobFamily", ${today}
       FROM p5_row r
       ON CONFLICT (employee_no) DO UPDATE SET name = excluded.name, email = excluded.email, org_unit_id = excluded.org_unit_id,
         staff_category = excluded.staff_category, grade = excluded.grade, job_family = excluded.job_family, status = 'ACTIVE', left_on = NULL
       WHERE (p.name, p.email, p.org_unit_id, p.staff_category, p.grade, p.job_family, p.status, p.left_on)
         IS DISTINCT FROM (excluded.name, excluded.email, excluded.org_unit_id, excluded.staff_category, excluded.grade, excluded.job_family, 'ACTIVE', NULL::date)`,
      [at],
    );
    const leavers = await db.query(
      `UPDATE person p SET status = 'LEFT', left_on = ${today}
       WHERE p.status = 'ACTIVE' AND p.org_unit_id IN (SELECT id FROM p5_scope) AND p.employee_no IS NOT NULL
         AND NOT EXISTS (SELECT 1 FROM p5_row r WHERE r.employee_no = p.employee_no)
       RETURNING p.id`,
      [at],
    );
    // Only this file's leavers lose their accounts, sessions and invitations.
    const leftIds = leavers.rows.map((r: { id: string }) => r.id);
    await db.query(
      `WITH gone AS (UPDATE app_user usr SET disabled_at = now() WHERE usr.person_id = ANY($1::uuid[]) AND usr.disabled_at IS NULL RETURNING usr.id)
       DELETE FROM session s USING gone WHERE s.user_id = gone.id`,
      [leftIds],
    );
    await db.query("DELETE FROM verification v WHERE v.person_id = ANY($1::uuid[])", [leftIds]);
    await db.query(
      `WITH stale AS (
         SELECT p.id AS person_id, p.org_unit_id, pl.id AS placement_id FROM p5_row r JOIN person p ON p.employee_no = r.employee_no
         LEFT JOIN person_placement pl ON pl.person_id = p.id AND pl.valid_to IS NULL
         WHERE pl.org_unit_id IS DISTINCT FROM p.org_unit_id
       ),
       closed AS (UPDATE person_placement SET valid_to = $1 WHERE id IN (SELECT placement_id FROM stale))
       INSERT INTO person_placement (person_id, org_unit_id, valid_from) SELECT person_id, org_unit_id, $1 FROM stale`,
      [at],
    );
    // The open cycles' audience, as a cycle's opening assigns it, with a late joiner's fair deadline (at the end of a
    // Seoul day), only while the cycle's period lasts (a cycle left open after it takes nobody new); then one
    // notice per person.
    await db.query(
      `INSERT INTO assignment (cycle_id, person_id, course_id, due_at, assigned_at)
       SELECT c.id, p.id, r.course_id, CASE WHEN c.opened_at IS NULL THEN c.due_at
         ELSE GREATEST(c.due_at, ((($1::timestamptz AT TIME ZONE 'Asia/Seoul')::date + $2::int) + time '23:59:59.999') AT TIME ZONE 'Asia/Seoul') END, $1
       FROM cycle c JOIN obligation o ON o.id = c.obligation_id
       JOIN obligation_route r ON r.obligation_id = o.id AND (r.period = '' OR r.period = c.period)
       JOIN person p ON p.staff_category = r.staff_category AND p.status = 'ACTIVE'
       JOIN org_unit u ON u.id = p.org_unit_id AND u.kind = ANY(o.unit_kinds)
       WHERE c.status = 'OPEN' AND (c.opened_at IS NULL OR ($1::timestamptz AT TIME ZONE 'Asia/Seoul')::date <= c.ends_on)
       ON CONFLICT (cycle_id, person_id) DO NOTHING`,
      [at, lateJoinerDays],
    );
    await db.query(
      `WITH marked AS (
         UPDATE assignment a SET notified_at = $1 FROM cycle c, person p
         WHERE c.id = a.cycle_id AND c.status = 'OPEN' AND p.id = a.person_id AND p.status = 'ACTIVE' AND p.org_unit_id IN (SELECT id FROM p5_scope)
           AND a.notified_at IS NULL AND a.status IN ('ASSIGNED', 'IN_PROGRESS')
         RETURNING a.id, a.person_id
       )
       INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
       SELECT 'assignment-notice:' || m.person_id || ':' || md5(string_agg(m.id::text, ',' ORDER BY m.id)), p.email, 'assignment-notice', 'ko',
         jsonb_build_object('personId', m.person_id, 'assignmentIds', jsonb_agg(m.id ORDER BY m.id))
       FROM marked m JOIN person p ON p.id = m.person_id GROUP BY m.person_id, p.email
       ON CONFLICT (dedupe_key) DO NOTHING`,
      [at],
    );
    await db.query("COMMIT");
    return { ...diff, problems };
  } catch (e) {
    await db.query("ROLLBACK").catch(() => undefined);
    throw e;
  }
}
