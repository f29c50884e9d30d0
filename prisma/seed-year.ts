/**
 * What happens in a year after the cycles open, for the demo's Welfare Policy
 * Office: an in-person session recorded with its signed sheet, an exemption,
 * a move between divisions, a leaver and a late joiner. Each goes through the
 * same module functions an HR officer's clicks and imports go through, and
 * each is dated between the start of the current half-year and today.
 */
import PDFDocument from "pdfkit";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { seoulDateKey } from "~/utils/i18n";
import type { Actor } from "~/modules/auth/permissions.server";
import { recordSession } from "~/modules/attendance/sessions.server";
import { exempt } from "~/modules/obligations/exemptions.server";
import { openCycle } from "~/modules/obligations/cycles.server";
import { recordPlacements } from "~/modules/org/org.server";
import { now } from "~/utils/clock.server";


/** A one-page attendance sheet, as a scanner would produce it: names, numbers and a signature line. */
function attendanceSheet(title: string, heldOn: string, people: Array<{ name: string; employeeNo: string | null }>): Promise<Buffer> {
  const env = getEnv();
  const doc = new PDFDocument({ size: "A4", margin: 48, info: { Title: `출석부 ${title}` }, lang: "ko-KR" });
  doc.registerFont("body", env.CERT_FONT_PATH);
  doc.registerFont("bold", env.CERT_FONT_BOLD_PATH);
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  doc.font("bold").fontSize(18).text(`출석부 · ${title}`);
  doc.font("body").fontSize(11).text(`${heldOn} · 서울시청 서소문청사 대회의실`).moveDown();
  let y = doc.y;
  for (const [i, p] of people.entries()) {
    doc.text(`${i + 1}. ${p.employeeNo ?? ""}  ${p.name}`, 48, y);
    doc.moveTo(320, y + 12).lineTo(520, y + 12).stroke();
    y += 26;
  }
  doc.end();
  return done;
}

/** The Seoul day a given share of the way from `from` to `to`. */
function dayBetween(from: Date, to: Date, share: number): string {
  return seoulDateKey(new Date(from.getTime() + (to.getTime() - from.getTime()) * share));
}

export async function seedYearEvents(opts: { today: Date; hrUserId: string; welfareUnitId: string; annualCycleId: string; halfCycleId: string }) {
  const log = (m: string) => console.log(`  ${m}`);
  const hr = await prisma.user.findUniqueOrThrow({ where: { id: opts.hrUserId } });
  const actor: Actor = {
    userId: hr.id,
    user: { id: hr.id, email: hr.email, displayName: hr.displayName, locale: hr.locale, personId: hr.personId },
    refreshCookie: null,
    sessionId: "seed",
    roles: new Set(["LEARNER", "HR_OFFICER"]),
    hrScopeUnitIds: [opts.welfareUnitId],
  };
  const unit = (code: string) => prisma.orgUnit.findUniqueOrThrow({ where: { code } });
  const eld = await unit("WEL-ELD");
  const dis = await unit("WEL-DIS");
  const team = await unit("WEL-DIS-T1");
  const open = (unitId: string, take: number) =>
    prisma.person.findMany({
      where: { orgUnitId: unitId, status: "ACTIVE", user: { is: null }, assignments: { some: { cycleId: opts.annualCycleId, status: { in: ["ASSIGNED", "IN_PROGRESS"] } } } },
      orderBy: { employeeNo: "asc" },
      take,
    });

  const cycles = await prisma.cycle.findMany({ where: { id: { in: [opts.annualCycleId, opts.halfCycleId] }, status: "OPEN" } });
  const half = cycles.find((c) => c.id === opts.halfCycleId)!;
  const halfStart = new Date(`${seoulDateKey(half.startsOn)}T09:00:00+09:00`);
  const sinceHalf = halfStart < opts.today ? halfStart : opts.today;
  const day = (share: number) => dayBetween(sinceHalf, opts.today, share);

  // A classroom session for the Senior Welfare Division a week ago (or on the first day of the
  // half-year, if that is later), counted toward both duties where its date lies in both cycles.
  // On the half-year's first day nothing has been taught yet.
  const heldOn = [seoulDateKey(new Date(opts.today.getTime() - 7 * 86400_000)), seoulDateKey(sinceHalf)].sort()[1]!;
  if (heldOn < seoulDateKey(opts.today)) {
    const attendees = await open(eld.id, 10);
    const cycleIds = cycles.filter((c) => seoulDateKey(c.startsOn) <= heldOn && heldOn <= seoulDateKey(c.endsOn)).map((c) => c.id);
    const title = "장애인 인권과 차별 금지 집합교육";
    const sheet = await attendanceSheet(title, heldOn, attendees);
    const session = await recordSession(actor, {
      title,
      heldOn,
      minutes: 120,
      place: "서울시청 서소문청사 대회의실",
      orgUnitId: eld.id,
      cycleIds,
      attendees: attendees.map((p) => p.employeeNo).join("\n"),
      evidence: { fileName: `attendance-${heldOn}.pdf`, bytes: sheet },
    });
    log(`In-person session on ${heldOn}: ${session.attendees} attended, ${session.completed} assignments completed in person`);
  } else {
    log("No in-person session yet: the half-year began today");
  }

  // Parental leave: exempted from the annual duty, with the reason on record.
  const [onLeave] = await open(dis.id, 1);
  const leaveAssignment = await prisma.assignment.findFirstOrThrow({ where: { personId: onLeave!.id, cycleId: opts.annualCycleId } });
  const leaveFrom = day(0.25);
  const leaveYear = Number(leaveFrom.slice(0, 4));
  await exempt(actor, leaveAssignment.id, `육아휴직 (${leaveFrom}부터 1년), 인사발령 제${leaveYear}-412호`);
  log(`Exempted ${onLeave!.name} (${onLeave!.employeeNo}): parental leave`);

  // A move half-way through the half-year so far: counted in the new division from then on, in the old one before.
  const [mover] = await prisma.person.findMany({
    where: { orgUnitId: eld.id, status: "ACTIVE", assignments: { some: { cycleId: opts.annualCycleId, status: "COMPLETED", completionMode: "ONLINE" } } },
    orderBy: { employeeNo: "desc" },
    take: 1,
  });
  if (mover) {
    await prisma.person.update({ where: { id: mover.id }, data: { orgUnitId: dis.id } });
    const movedOn = day(0.5);
    await recordPlacements(prisma, new Date(`${movedOn}T00:00:00+09:00`), [mover.id]);
    log(`Moved ${mover.name} (${mover.employeeNo}) from ${eld.code} to ${dis.code} on ${movedOn}`);
  }

  // A leaver three quarters of the way: out of today's numbers, still in the as-of view before that day.
  const [leaver] = await open(dis.id, 2).then((p) => p.slice(1));
  if (leaver) {
    const leftOn = day(0.75);
    await prisma.person.update({ where: { id: leaver.id }, data: { status: "LEFT", leftOn: new Date(`${leftOn}T00:00:00Z`) } });
    log(`${leaver.name} (${leaver.employeeNo}) left on ${leftOn}; their record stays`);
  }

  // A new hire in the team, assigned to every open cycle with a fair deadline.
  const hire = await prisma.person.create({
    data: {
      employeeNo: "E300001",
      name: "윤새봄",
      email: "new.hire@demo.seoul.kr",
      orgUnitId: team.id,
      staffCategory: "CIVIL_SERVANT",
      grade: 9,
      jobFamily: "WELFARE",
      hiredOn: new Date(`${seoulDateKey(opts.today)}T00:00:00Z`),
    },
  });
  await recordPlacements(prisma, now(), [hire.id]);
  for (const c of await prisma.cycle.findMany({ where: { status: "OPEN" } })) await openCycle(c.id, null);
  const hireDue = await prisma.assignment.findFirst({ where: { personId: hire.id, cycleId: opts.annualCycleId } });
  log(`New hire ${hire.name} (${hire.employeeNo}) joined ${team.code}: due ${hireDue?.dueAt?.toISOString().slice(0, 10)}`);
}

/**
 * The demo's learning happens in seconds; a real year's happens over months.
 * Spread what was seeded since `since` over the year, so that the dashboard's
 * view as of a past date shows a year that filled up: each cycle opened on its
 * first day, and each person's work dated on a day of the cycle chosen from
 * their assignment's id (the same every time), never after today. Lessons,
 * quiz attempts and certificates follow their assignment. A closed cycle
 * closed the day after it ended.
 */
export async function spreadOverTheYear(since: Date): Promise<void> {
  const at = now();
  await prisma.$transaction(async (tx) => {
    await tx.$executeRaw`
      UPDATE cycle SET
        opened_at = LEAST((starts_on + time '09:00') AT TIME ZONE 'Asia/Seoul', ${at}::timestamptz),
        closed_at = CASE WHEN status = 'CLOSED' THEN LEAST((ends_on + 1 + time '09:00') AT TIME ZONE 'Asia/Seoul', ${at}::timestamptz) END
      WHERE opened_at >= ${since}`;
    // share(seed): a fraction in [0, 1) drawn from the assignment id.
    await tx.$executeRaw`
      WITH span AS (
        SELECT a.id, c.opened_at AS start,
          LEAST(${at}::timestamptz, (c.ends_on + time '18:00') AT TIME ZONE 'Asia/Seoul') AS stop,
          ('x' || substr(md5(a.id::text), 1, 8))::bit(32)::bigint / 4294967296.0 AS f1,
          ('x' || substr(md5(a.id::text), 9, 8))::bit(32)::bigint / 4294967296.0 AS f2
        FROM assignment a JOIN cycle c ON c.id = a.cycle_id
        WHERE a.assigned_at >= ${since} AND c.opened_at <= ${at}::timestamptz
      ),
      dated AS (
        SELECT id, start,
          start + (stop - start) * f1 AS done,
          start + (stop - start) * f1 - (stop - start) * f1 * f2 * 0.1 AS began
        FROM span
      )
      UPDATE assignment a SET
        assigned_at = d.start,
        started_at = CASE WHEN a.started_at IS NULL THEN NULL WHEN a.completed_at IS NULL THEN d.done ELSE d.began END,
        completed_at = CASE WHEN a.completed_at IS NULL THEN NULL ELSE d.done END
      FROM dated d WHERE d.id = a.id`;
    await tx.$executeRaw`
      UPDATE lesson_progress lp SET completed_at = COALESCE(a.completed_at, a.started_at)
      FROM assignment a WHERE a.id = lp.assignment_id AND lp.completed_at >= ${since}`;
    await tx.$executeRaw`
      UPDATE quiz_attempt q SET created_at = CASE WHEN q."set" = 'PRETEST' THEN a.started_at ELSE COALESCE(a.completed_at, a.started_at) END
      FROM assignment a WHERE a.id = q.assignment_id AND q.created_at >= ${since}`;
    await tx.$executeRaw`
      UPDATE certificate ct SET completed_at = a.completed_at, issued_at = a.completed_at
      FROM assignment a WHERE a.id = ct.assignment_id AND ct.issued_at >= ${since} AND a.completed_at IS NOT NULL`;
  });
}
