/**
 * A city (or a nation) of realistic shape for the benchmark, in its own
 * database. The organization, the people and their placement history are
 * generated here and loaded with COPY; two years of cycles, assignments,
 * learning, in-person sessions with attendance, certificates, exemptions and
 * mail history then follow from them in set-based SQL.
 *
 * Shape per 100,000 people: about 45% city staff in a tree five levels deep
 * (city, bureaus, divisions, teams, sections), 30% in 250 affiliated bodies
 * with their own departments and teams, 20% in about a thousand welfare
 * facilities, 5% in educational institutions; 2% senior officials, 3% who
 * left this year, 8% who moved with their history kept, 4% hired this year.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";
import { Readable } from "node:stream";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** The benchmark's "today": a Monday in office hours, three weeks before the year's deadline. */
export const BENCH_NOW = new Date("2026-12-07T10:00:00+09:00");
/** The past day every as-of measure reads. */
export const BENCH_AS_OF = new Date("2026-06-30T23:59:59+09:00");

/** The code of the city's top unit: Seoul's, as content/obligations/*.yaml and the demo name it. */
export const CITY_CODE = "SEOUL";

type Kind = "CITY" | "BUREAU" | "DIVISION" | "TEAM" | "AFFILIATED_ORG" | "WELFARE_FACILITY" | "EDUCATIONAL_INSTITUTION";
type Category = "SENIOR_OFFICIAL" | "CIVIL_SERVANT" | "AFFILIATED_STAFF" | "WELFARE_FACILITY_STAFF" | "EDUCATIONAL_STAFF";

interface Unit {
  id: string;
  code: string;
  kind: Kind;
  parentId: string | null;
  depth: number;
  /** The group a person can move within (city staff move between city units, and so on). */
  group: "city" | "affiliated" | "welfare" | "education";
  /** People to place here. */
  staff: number;
  category: Category;
}

const SURNAMES = ["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "오", "서", "신", "권", "황", "안", "송", "류", "홍"];
const GIVEN = ["민준", "서연", "지훈", "하은", "도윤", "수아", "예준", "지우", "현우", "서윤", "준서", "지민", "유진", "승현", "다은", "태희", "성민", "은지", "재원", "소영", "하준", "채원", "시우", "예린"];
const FAMILIES = ["WORKPLACE", "PROCUREMENT", "WELFARE", "HOUSING", "FRONT_DESK", "CALL_CENTRE", "CARE_FACILITY", "POLICY"];

/** A small deterministic generator, so every run of one size builds the same organization. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 0x1_0000_0000;
  };
}

function spread(total: number, parts: number): number[] {
  const base = Math.floor(total / parts);
  const extra = total - base * parts;
  return Array.from({ length: parts }, (_, i) => base + (i < extra ? 1 : 0));
}

/** The organization tree for `people` people, with how many sit in each unit. */
export function buildUnits(people: number): Unit[] {
  const random = rng(people);
  const units: Unit[] = [];
  const add = (u: Omit<Unit, "id" | "staff"> & { staff?: number }) => {
    const unit = { id: randomUUID(), staff: 0, ...u };
    units.push(unit);
    return unit;
  };
  // The top unit has Seoul's code, which the shipped obligation files name (audience.units).
  const city = add({ code: CITY_CODE, kind: "CITY", parentId: null, depth: 0, group: "city", category: "CIVIL_SERVANT" });

  // City staff: bureaus of 8 divisions of 5 teams, half of the teams with two sections.
  const cityPeople = Math.round(people * 0.45);
  const bureaus = Math.max(2, Math.round(people / 4000));
  const cityUnits: Unit[] = [];
  for (let b = 0; b < bureaus; b++) {
    const bureau = add({ code: `B${b}`, kind: "BUREAU", parentId: city.id, depth: 1, group: "city", category: "CIVIL_SERVANT" });
    cityUnits.push(bureau);
    for (let d = 0; d < 8; d++) {
      const division = add({ code: `B${b}-D${d}`, kind: "DIVISION", parentId: bureau.id, depth: 2, group: "city", category: "CIVIL_SERVANT" });
      cityUnits.push(division);
      for (let t = 0; t < 5; t++) {
        const team = add({ code: `B${b}-D${d}-T${t}`, kind: "TEAM", parentId: division.id, depth: 3, group: "city", category: "CIVIL_SERVANT" });
        cityUnits.push(team);
        if (t % 2 === 0) {
          for (let s = 0; s < 2; s++) {
            cityUnits.push(add({ code: `B${b}-D${d}-T${t}-S${s}`, kind: "TEAM", parentId: team.id, depth: 4, group: "city", category: "CIVIL_SERVANT" }));
          }
        }
      }
    }
  }
  spread(cityPeople, cityUnits.length).forEach((n, i) => (cityUnits[i]!.staff = n));

  // Affiliated bodies, each with three departments of two teams.
  const affiliatedPeople = Math.round(people * 0.3);
  const bodies = Math.max(1, Math.round(people / 400));
  const affiliatedUnits: Unit[] = [];
  for (let a = 0; a < bodies; a++) {
    const body = add({ code: `A${a}`, kind: "AFFILIATED_ORG", parentId: city.id, depth: 1, group: "affiliated", category: "AFFILIATED_STAFF" });
    affiliatedUnits.push(body);
    for (let d = 0; d < 3; d++) {
      const dept = add({ code: `A${a}-D${d}`, kind: "DIVISION", parentId: body.id, depth: 2, group: "affiliated", category: "AFFILIATED_STAFF" });
      affiliatedUnits.push(dept);
      for (let t = 0; t < 2; t++) {
        affiliatedUnits.push(add({ code: `A${a}-D${d}-T${t}`, kind: "TEAM", parentId: dept.id, depth: 3, group: "affiliated", category: "AFFILIATED_STAFF" }));
      }
    }
  }
  spread(affiliatedPeople, affiliatedUnits.length).forEach((n, i) => (affiliatedUnits[i]!.staff = n));

  // Welfare facilities, affiliated by funding, under the welfare bureau's facility division.
  const welfarePeople = Math.round(people * 0.2);
  const facilities = Math.max(1, Math.round(people / 100));
  const facilityParent = units.find((u) => u.code === "B0-D0")!;
  const facilityUnits: Unit[] = [];
  for (let f = 0; f < facilities; f++) {
    facilityUnits.push(add({ code: `F${f}`, kind: "WELFARE_FACILITY", parentId: facilityParent.id, depth: 3, group: "welfare", category: "WELFARE_FACILITY_STAFF" }));
  }
  // Facilities differ in size: between a third and five thirds of the mean.
  const weights = facilityUnits.map(() => 1 / 3 + (4 / 3) * random());
  const sum = weights.reduce((a, b) => a + b, 0);
  let left = welfarePeople;
  facilityUnits.forEach((u, i) => {
    u.staff = i === facilityUnits.length - 1 ? left : Math.min(left, Math.round((welfarePeople * weights[i]!) / sum));
    left -= u.staff;
  });

  const schoolPeople = people - cityPeople - affiliatedPeople - welfarePeople;
  const schools = Math.max(1, Math.round(people / 1000));
  const schoolUnits: Unit[] = [];
  for (let s = 0; s < schools; s++) {
    schoolUnits.push(add({ code: `E${s}`, kind: "EDUCATIONAL_INSTITUTION", parentId: city.id, depth: 1, group: "education", category: "EDUCATIONAL_STAFF" }));
  }
  spread(schoolPeople, schoolUnits.length).forEach((n, i) => (schoolUnits[i]!.staff = n));
  return units;
}

function csv(values: Array<string | number | null>): string {
  return values.map((v) => (v === null ? "" : typeof v === "number" ? String(v) : `"${v.replace(/"/g, '""')}"`)).join(",") + "\n";
}

async function copyRows(client: pg.ClientBase, table: string, columns: string[], rows: Iterable<string>) {
  const stream = client.query(copyFrom(`COPY ${table} (${columns.join(", ")}) FROM STDIN WITH (FORMAT csv)`));
  // Rows are produced as COPY takes them, in chunks, so a million people never sit in memory.
  async function* chunks() {
    let buf: string[] = [];
    for (const r of rows) {
      buf.push(r);
      if (buf.length >= 5000) {
        yield buf.join("");
        buf = [];
      }
    }
    if (buf.length > 0) yield buf.join("");
  }
  await pipeline(Readable.from(chunks()), stream);
}

function isoDay(d: Date) {
  return d.toISOString().slice(0, 10);
}

/** Load the organization, people and placements with COPY. */
async function loadPeople(client: pg.ClientBase, units: Unit[], log: (s: string) => void) {
  await copyRows(
    client,
    "org_unit",
    ["id", "code", "kind", "name_ko", "name_en", "parent_id"],
    (function* () {
      for (const u of units) yield csv([u.id, u.code, u.kind, `${u.code} 기관`, `Unit ${u.code}`, u.parentId]);
    })(),
  );
  log(`  ${units.length} organization units`);

  const random = rng(7);
  const byGroup = new Map<string, Unit[]>();
  for (const u of units) if (u.staff > 0 || u.kind !== "CITY") byGroup.set(u.group, [...(byGroup.get(u.group) ?? []), u]);
  const placements: string[] = [];
  let n = 0;
  const people = (function* () {
    for (const u of units) {
      for (let i = 0; i < u.staff; i++) {
        n++;
        const id = randomUUID();
        const r = random();
        const senior = u.group === "city" && (u.kind === "BUREAU" || u.kind === "DIVISION") && i === 0;
        // About 2% senior officials: heads of bureaus and divisions, and a share of the rest of city staff.
        const category: Category = senior || (u.group === "city" && r < 0.02) ? "SENIOR_OFFICIAL" : u.category;
        const grade = category === "SENIOR_OFFICIAL" ? 3 + Math.floor(random() * 2) : category === "CIVIL_SERVANT" ? 5 + Math.floor(random() * 5) : null;
        const family = category === "SENIOR_OFFICIAL" ? "POLICY" : FAMILIES[Math.floor(random() * FAMILIES.length)]!;
        const fate = random();
        const newHire = fate < 0.04;
        const leaver = fate >= 0.04 && fate < 0.07;
        const mover = fate >= 0.07 && fate < 0.15;
        const hiredOn = newHire ? new Date(Date.UTC(2026, Math.floor(random() * 11), 1 + Math.floor(random() * 28))) : new Date(Date.UTC(2005 + Math.floor(random() * 19), Math.floor(random() * 12), 1 + Math.floor(random() * 28)));
        const leftOn = leaver ? new Date(Date.UTC(2026, Math.floor(random() * 11), 1 + Math.floor(random() * 28))) : null;
        const since = hiredOn < new Date("2024-01-01") ? new Date("2024-01-01T00:00:00+09:00") : new Date(`${isoDay(hiredOn)}T09:00:00+09:00`);
        if (mover) {
          const pool = byGroup.get(u.group)!;
          const from = pool[Math.floor(random() * pool.length)]!;
          const movedAt = new Date(Date.UTC(2025, 2 + Math.floor(random() * 19), 1 + Math.floor(random() * 28), 0));
          placements.push(csv([id, from.id, since.toISOString(), movedAt.toISOString()]));
          placements.push(csv([id, u.id, movedAt.toISOString(), null]));
        } else {
          placements.push(csv([id, u.id, since.toISOString(), null]));
        }
        yield csv([
          id,
          `E${String(n).padStart(8, "0")}`,
          SURNAMES[Math.floor(random() * SURNAMES.length)]! + GIVEN[Math.floor(random() * GIVEN.length)]!,
          `p${n}@staff.bench.test`,
          u.id,
          category,
          grade,
          family,
          leaver ? "LEFT" : "ACTIVE",
          isoDay(hiredOn),
          leftOn ? isoDay(leftOn) : null,
        ]);
      }
    }
  })();
  await copyRows(client, "person", ["id", "employee_no", "name", "email", "org_unit_id", "staff_category", "grade", "job_family", "status", "hired_on", "left_on"], people);
  log(`  ${n} people`);
  await copyRows(client, "person_placement", ["person_id", "org_unit_id", "valid_from", "valid_to"], placements);
  log(`  ${placements.length} placements`);
}

/** Two years of cycles, learning, sessions, certificates, exemptions and mail, set-based. */
async function loadYears(client: pg.ClientBase, log: (s: string) => void) {
  const q = (sql: string, params: unknown[] = []) => client.query(sql, params);
  // HR officers: one for the city, one per bureau and per affiliated body; a fifth of the staff have signed in.
  await q(`INSERT INTO app_user (email, password_hash, display_name)
    SELECT 'hr-' || CASE WHEN kind = 'CITY' THEN 'city' ELSE lower(code) END || '@bench.test', '!', 'HR ' || code FROM org_unit WHERE kind IN ('CITY', 'BUREAU', 'AFFILIATED_ORG')`);
  await q(`INSERT INTO role_grant (user_id, role, org_unit_id)
    SELECT u.id, 'HR_OFFICER', o.id FROM app_user u
    JOIN org_unit o ON u.email = 'hr-' || CASE WHEN o.kind = 'CITY' THEN 'city' ELSE lower(o.code) END || '@bench.test'`);
  await q(`INSERT INTO app_user (email, password_hash, display_name, person_id, locale)
    SELECT p.email, '!', p.name, p.id, CASE WHEN abs(hashtext(p.id::text)) % 10 = 0 THEN 'en' ELSE 'ko' END::"Locale"
    FROM person p WHERE abs(hashtext(p.id::text || 'u')) % 5 = 0`);

  // Cycles: 2025 (annual, H1, H2) closed; 2026 H1 past its deadline but not yet closed; 2026 annual and H2 running; 2027 planned.
  await q(`INSERT INTO cycle (obligation_id, label, period, starts_on, ends_on, due_at, status, grace_days, opened_at, closed_at)
    SELECT o.id, y || CASE WHEN per = '' THEN '' ELSE '-' || per END, per,
      make_date(y, CASE per WHEN 'H2' THEN 7 ELSE 1 END, 1),
      make_date(y, CASE per WHEN 'H1' THEN 6 ELSE 12 END, CASE per WHEN 'H1' THEN 30 ELSE 31 END),
      (make_date(y, CASE per WHEN 'H1' THEN 6 ELSE 12 END, CASE per WHEN 'H1' THEN 30 ELSE 31 END) + time '23:59:59.999') AT TIME ZONE 'Asia/Seoul',
      CASE WHEN y = 2027 THEN 'PLANNED' WHEN y = 2025 THEN 'CLOSED' ELSE 'OPEN' END::"CycleStatus",
      o.grace_days,
      CASE WHEN y < 2027 THEN (make_date(y, CASE per WHEN 'H2' THEN 7 ELSE 1 END, 2) + time '09:00') AT TIME ZONE 'Asia/Seoul' END,
      CASE WHEN y = 2025 THEN (make_date(y + 1, 1, 20) + time '09:00') AT TIME ZONE 'Asia/Seoul' END
    FROM obligation o
    CROSS JOIN generate_series(2025, 2027) y
    CROSS JOIN LATERAL unnest(CASE o.cycle_kind WHEN 'ANNUAL' THEN ARRAY[''] ELSE ARRAY['H1', 'H2'] END) per`);

  // Assignments of every opened cycle: the audience as it stood (kind of unit, category, on the roll during the cycle).
  await q(`CREATE TEMP TABLE gen_assignment AS
    SELECT c.id AS cycle_id, p.id AS person_id, r.course_id,
      (SELECT id FROM course_version v WHERE v.course_id = r.course_id ORDER BY version DESC LIMIT 1) AS course_version_id,
      GREATEST(c.opened_at, (p.hired_on + time '09:00') AT TIME ZONE 'Asia/Seoul') AS assigned_at,
      CASE WHEN p.hired_on > c.starts_on THEN GREATEST(c.due_at, (p.hired_on + 30 + time '23:59') AT TIME ZONE 'Asia/Seoul') ELSE c.due_at END AS due_at,
      LEAST(c.due_at, $1::timestamptz) AS horizon,
      (abs(hashtext(p.id::text || c.id::text)) % 100000) / 100000.0 AS r1,
      (abs(hashtext(c.id::text || p.id::text)) % 100000) / 100000.0 AS r2,
      c.label, c.status AS cycle_status, c.due_at < $1::timestamptz AS past
    FROM cycle c
    JOIN obligation o ON o.id = c.obligation_id
    JOIN obligation_route r ON r.obligation_id = o.id AND (r.period = '' OR r.period = c.period)
    JOIN person p ON p.staff_category = r.staff_category
    JOIN org_unit u ON u.id = p.org_unit_id AND u.kind = ANY(o.unit_kinds)
    WHERE c.status <> 'PLANNED' AND p.hired_on <= c.ends_on AND (p.left_on IS NULL OR p.left_on > c.starts_on)
      AND GREATEST(c.opened_at, (p.hired_on + time '09:00') AT TIME ZONE 'Asia/Seoul') < $1::timestamptz`, [BENCH_NOW]);
  await q(`INSERT INTO assignment (id, cycle_id, person_id, course_id, course_version_id, status, due_at, assigned_at, started_at,
      completed_at, completion_mode, exempt_reason, exempted_at, notified_at, last_reminder_stage)
    SELECT gen_random_uuid(), g.cycle_id, g.person_id, g.course_id,
      CASE WHEN s.state <> 'ASSIGNED' THEN g.course_version_id END,
      s.state::"AssignmentStatus", g.due_at, g.assigned_at,
      CASE WHEN s.state IN ('IN_PROGRESS', 'COMPLETED') THEN g.assigned_at + (s.done_at - g.assigned_at) * 0.6 END,
      CASE WHEN s.state = 'COMPLETED' THEN s.done_at END,
      CASE WHEN s.state = 'COMPLETED' THEN (CASE WHEN g.r2 < 0.15 THEN 'IN_PERSON' ELSE 'ONLINE' END)::"CompletionMode" END,
      CASE WHEN s.state = 'EXEMPTED' THEN (ARRAY['육아휴직', '병가', '파견 근무'])[1 + floor(g.r2 * 3)::int] END,
      CASE WHEN s.state = 'EXEMPTED' THEN s.done_at END,
      g.assigned_at,
      CASE WHEN g.label LIKE '%-H1' AND g.past AND s.state IN ('ASSIGNED', 'IN_PROGRESS') THEN 8 ELSE 0 END
    FROM gen_assignment g
    CROSS JOIN LATERAL (
      SELECT
        CASE
          WHEN g.r1 < 0.012 THEN 'EXEMPTED'
          WHEN g.r1 < 0.012 + (CASE WHEN g.label LIKE '2025%' THEN 0.92 WHEN g.past THEN 0.85 WHEN g.label = '2026' THEN 0.42 ELSE 0.35 END) THEN 'COMPLETED'
          WHEN g.r1 < 0.212 + (CASE WHEN g.label LIKE '2025%' THEN 0.92 WHEN g.past THEN 0.85 WHEN g.label = '2026' THEN 0.42 ELSE 0.35 END) THEN 'IN_PROGRESS'
          ELSE 'ASSIGNED'
        END AS state,
        -- Learning spread through the cycle, more of it toward the deadline.
        g.assigned_at + (g.horizon - g.assigned_at) * sqrt(g.r2) AS done_at
    ) s`);
  await q(`UPDATE assignment SET exempted_by_id = (SELECT id FROM app_user WHERE email = 'hr-city@bench.test') WHERE status = 'EXEMPTED'`);
  log(`  ${(await q("SELECT count(*)::int AS n FROM assignment")).rows[0].n} assignments over ${(await q("SELECT count(*)::int AS n FROM cycle WHERE status <> 'PLANNED'")).rows[0].n} cycles`);

  // In-person completions: sessions of up to 30 people per top-level unit and cycle, with attendance.
  await q(`CREATE TEMP TABLE gen_ip AS
    WITH RECURSIVE top AS (
      SELECT id, id AS root FROM org_unit WHERE parent_id = (SELECT id FROM org_unit WHERE parent_id IS NULL)
      UNION ALL SELECT u.id, t.root FROM org_unit u JOIN top t ON u.parent_id = t.id
    )
    SELECT a.id AS assignment_id, a.person_id, a.cycle_id, t.root, a.completed_at,
      (row_number() OVER (PARTITION BY a.cycle_id, t.root ORDER BY a.completed_at) - 1) / 30 AS grp
    FROM assignment a JOIN person p ON p.id = a.person_id JOIN top t ON t.id = p.org_unit_id
    WHERE a.completion_mode = 'IN_PERSON'`);
  await q(`CREATE TEMP TABLE gen_session AS
    SELECT md5('session' || cycle_id || root || grp)::uuid AS id, cycle_id, root, grp,
      (min(completed_at) AT TIME ZONE 'Asia/Seoul')::date AS held_on
    FROM gen_ip GROUP BY cycle_id, root, grp`);
  await q(`INSERT INTO evidence_file (id, file_name, media_type, size, sha256, content, uploaded_by_id)
    SELECT id, 'attendance.pdf', 'application/pdf', 9, md5(id::text), '%PDF-1.4'::bytea, (SELECT id FROM app_user WHERE email = 'hr-city@bench.test')
    FROM gen_session`);
  await q(`INSERT INTO training_session (id, title, held_on, minutes, place, org_unit_id, evidence_id, recorded_by_id)
    SELECT id, '장애인 인권 집합교육', held_on, 120, '인권교육원 강의실', root, id, (SELECT id FROM app_user WHERE email = 'hr-city@bench.test') FROM gen_session`);
  await q(`INSERT INTO training_session_cycle (session_id, cycle_id) SELECT id, cycle_id FROM gen_session`);
  await q(`INSERT INTO session_attendance (id, session_id, person_id)
    SELECT md5('attendance' || i.assignment_id)::uuid, s.id, i.person_id
    FROM gen_ip i JOIN gen_session s ON s.cycle_id = i.cycle_id AND s.root = i.root AND s.grp = i.grp`);
  await q(`UPDATE assignment a SET attendance_id = md5('attendance' || i.assignment_id)::uuid,
      completed_at = LEAST((s.held_on + time '18:00') AT TIME ZONE 'Asia/Seoul', $1::timestamptz)
    FROM gen_ip i JOIN gen_session s ON s.cycle_id = i.cycle_id AND s.root = i.root AND s.grp = i.grp
    WHERE a.id = i.assignment_id`, [BENCH_NOW]);
  log(`  ${(await q("SELECT count(*)::int AS n FROM training_session")).rows[0].n} in-person sessions`);

  // Lessons done in the running cycles.
  await q(`INSERT INTO lesson_progress (assignment_id, lesson_id, completed_at)
    SELECT a.id, l.id, a.started_at + (COALESCE(a.completed_at, $1::timestamptz) - a.started_at) * (l.position::float8 / 20)
    FROM assignment a JOIN cycle c ON c.id = a.cycle_id AND c.status = 'OPEN'
    JOIN lesson l ON l.course_version_id = a.course_version_id
    WHERE a.status = 'COMPLETED' AND a.completion_mode = 'ONLINE'
       OR a.status = 'IN_PROGRESS' AND l.position <= 1 + abs(hashtext(a.id::text)) % 3`, [BENCH_NOW]);

  // Certificates of every completion.
  await q(`INSERT INTO certificate (number, verification_code, assignment_id, person_id, course_version_id, holder_name,
      course_title_ko, course_title_en, obligation_title_ko, obligation_title_en, cycle_label, completed_at, issued_at)
    SELECT 'SHRA-' || extract(year FROM a.completed_at) || '-' || lpad(row_number() OVER (ORDER BY a.completed_at, a.id)::text, 7, '0'),
      upper(substr(md5(a.id::text), 1, 12)), a.id, a.person_id, v.id, p.name, v.title_ko, v.title_en, o.title_ko, o.title_en, c.label,
      a.completed_at, a.completed_at
    FROM assignment a JOIN person p ON p.id = a.person_id JOIN cycle c ON c.id = a.cycle_id JOIN obligation o ON o.id = c.obligation_id
    JOIN course_version v ON v.id = COALESCE(a.course_version_id, (SELECT id FROM course_version WHERE course_id = a.course_id ORDER BY version DESC LIMIT 1))
    WHERE a.status = 'COMPLETED'`);

  // Mail history: a notice per assignment, reminders to those who were late, all delivered.
  await q(`INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload, status, attempts, created_at, sent_at)
    SELECT 'assignment-notice:' || a.person_id || ':' || a.id, p.email, 'assignment-notice', 'ko',
      jsonb_build_object('personId', a.person_id, 'assignmentIds', jsonb_build_array(a.id)), 'SENT', 1, a.assigned_at, a.assigned_at
    FROM assignment a JOIN person p ON p.id = a.person_id`);
  await q(`INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload, status, attempts, created_at, sent_at)
    SELECT 'reminder:' || a.person_id || ':' || md5(a.id::text || ':4'), p.email, 'reminder-digest', 'ko',
      jsonb_build_object('personId', a.person_id, 'items', jsonb_build_array(jsonb_build_object('assignmentId', a.id, 'stage', 4, 'overdue', false))),
      'SENT', 1, a.due_at - interval '1 day', a.due_at - interval '1 day'
    FROM assignment a JOIN person p ON p.id = a.person_id JOIN cycle c ON c.id = a.cycle_id
    WHERE c.due_at < $1::timestamptz AND (a.completed_at IS NULL OR a.completed_at > a.due_at - interval '1 day')`, [BENCH_NOW]);
  await q(`INSERT INTO audit_event (actor_user_id, action, entity_type, entity_id, reason, created_at)
    SELECT exempted_by_id, 'assignment.exempt', 'assignment', id::text, exempt_reason, exempted_at FROM assignment WHERE status = 'EXEMPTED'`);
}

export interface Generated {
  units: number;
  people: number;
  assignments: number;
  seconds: number;
}

/** Empty the bench database and build a city of `people` people in it. */
export async function generate(url: string, people: number, log: (s: string) => void): Promise<Generated> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    const { deployMigrations } = await import("../../prisma/migrate");
    await deployMigrations(url, { log: () => {} });
    const { readContentTree } = await import("~/modules/content/source.server");
    const { loadContent } = await import("~/modules/content/load.server");
    await loadContent(readContentTree(join(process.cwd(), "content")));
    const units = buildUnits(people);
    await client.query("SET synchronous_commit = off");
    await loadPeople(client, units, log);
    await client.query("ANALYZE");
    await loadYears(client, log);
    await client.query("VACUUM ANALYZE");
    const counts = (await client.query("SELECT (SELECT count(*) FROM org_unit)::int AS units, (SELECT count(*) FROM person)::int AS people, (SELECT count(*) FROM assignment)::int AS assignments")).rows[0];
    return { ...counts, seconds: (performance.now() - started) / 1000 };
  } finally {
    await client.end();
  }
}
