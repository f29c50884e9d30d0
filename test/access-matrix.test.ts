import { readdirSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { issueCertificate } from "~/modules/certificates/certificates.server";
import { checkImport } from "~/modules/personnel/import.server";
import { loadActor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { now } from "~/utils/clock.server";
import { createAnnualObligation, createPerson, createUser, createWorld, openTestCycle } from "./factories";
import { getRequest, postForm, respond, sessionCookieFor } from "./http";

/**
 * Who may read what: every route's loader, asked by every kind of reader for
 * resources of one organization (A) and one person (the owner, in A). A new
 * route without a row here fails the test, so access is decided, not assumed.
 *
 * Readers: anonymous, the owner (a learner in A), another learner (in B), an
 * HR officer of A, an HR officer of B, an academy administrator, a system
 * administrator. Outcomes: o = shown (2xx, or sent on to a page of the app
 * other than sign-in; also 409, a reader who may see it but not yet, such as a
 * quiz before its lessons), l = sent to sign in, d = refused (401, 403, 404,
 * 410), - = no loader (a page that only renders its form, or only acts).
 *
 * Certificates are shown to their holder, to HR officers over the holder's
 * unit, and to academy and system administrators (who issue and revoke them).
 */
const READERS = ["anonymous", "owner", "otherLearner", "hrA", "hrB", "academy", "admin"] as const;
type Reader = (typeof READERS)[number];
type Outcome = "o" | "l" | "d" | "-";

interface Fixture {
  cycleA: string;
  divisionA: string;
  ownerPerson: string;
  assignmentA: string;
  attemptA: string;
  certificateA: string;
  certificateCode: string;
  importA: string;
  sessionA: string;
  /** An assignment of the owner's completed by a recognised equivalent course. */
  equivalentA: string;
  lessonSlug: string;
  /** A class for the staff of organization A. */
  offeringA: string;
  /** A lecture request from a welfare facility. */
  lectureRequestA: string;
  /** A lecturer recruitment round open now, and the owner's application to it. */
  roundA: string;
  applicationA: string;
}

/** Route file → the address its loader is asked for, and the outcome for each reader in READERS order. */
const MATRIX: Record<string, { path: (f: Fixture) => string; expect: string }> = {
  "_index.tsx": { path: () => "/", expect: "ooooooo" },
  "academy._index.tsx": { path: () => "/academy", expect: "lddddoo" },
  "academy.cycles.tsx": { path: (f) => `/academy/cycles?cycle=${f.cycleA}&do=open`, expect: "lddddoo" },
  "academy.notices.tsx": { path: () => "/academy/notices", expect: "lddddoo" },
  "academy.classes[.csv].tsx": { path: () => "/academy/classes.csv?year=2026", expect: "lddddoo" },
  "academy.lecturer-feedback.tsx": { path: () => "/academy/lecturer-feedback", expect: "lddddoo" },
  // Lecturers only: none of the readers holds the role.
  "lecturer.feedback.tsx": { path: () => "/lecturer/feedback", expect: "ldddddd" },
  "academy.offerings._index.tsx": { path: () => "/academy/offerings", expect: "lddddoo" },
  "academy.practicums.tsx": { path: () => "/academy/practicums", expect: "lddddoo" },
  "assess._index.tsx": { path: () => "/assess", expect: "ldddddd" },
  "assess.$attemptId.tsx": { path: () => "/assess/00000000-0000-4000-8000-000000000000", expect: "ldddddd" },
  "lecturer.practicum.tsx": { path: () => "/lecturer/practicum", expect: "loooooo" },
  "lecturer.profile.tsx": { path: () => "/lecturer/profile", expect: "loooooo" },
  "lecturers.directory.tsx": { path: () => "/lecturers/directory", expect: "ooooooo" },
  "academy.offerings.new.tsx": { path: () => "/academy/offerings/new", expect: "lddddoo" },
  "academy.offerings.$offeringId.tsx": { path: (f) => `/academy/offerings/${f.offeringA}`, expect: "lddddoo" },
  "catalog_.offerings.$offeringId.tsx": { path: (f) => `/catalog/offerings/${f.offeringA}`, expect: "dodoooo" },
  "lecturers.request.tsx": { path: () => "/lecturers/request", expect: "ooooooo" },
  "academy.lecture-requests._index.tsx": { path: () => "/academy/lecture-requests", expect: "lddddod" },
  "academy.lecture-requests.$requestId.tsx": { path: (f) => `/academy/lecture-requests/${f.lectureRequestA}`, expect: "lddddod" },
  "academy.lecturers.activity[.csv].tsx": { path: () => "/academy/lecturers/activity.csv?year=2026", expect: "lddddod" },
  "lecturer.requests.tsx": { path: () => "/lecturer/requests", expect: "ldddddd" },
  "lecturer.activity.tsx": { path: () => "/lecturer/activity", expect: "ldddddd" },
  "catalog_.offerings.$offeringId_.feedback.tsx": { path: (f) => `/catalog/offerings/${f.offeringA}/feedback`, expect: "ldddddd" },
  "academy.offerings.$offeringId_.check-in.tsx": { path: (f) => `/academy/offerings/${f.offeringA}/check-in`, expect: "lddddoo" },
  "check-in.$offeringId.tsx": { path: (f) => `/check-in/${f.offeringA}?code=1.aaaaaaaaaaaaaaaaaaaaaa`, expect: "ooooooo" },
  "account._index.tsx": { path: () => "/account", expect: "loooooo" },
  "account.data[.json].tsx": { path: () => "/account/data.json", expect: "loooooo" },
  "account.verify.tsx": { path: () => "/account/verify?code=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", expect: "ddddddd" },
  "admin.access-log.tsx": { path: () => "/admin/access-log", expect: "ldddddo" },
  "admin.access-log[.csv].tsx": { path: () => "/admin/access-log.csv", expect: "ldddddo" },
  "admin.roles.tsx": { path: () => "/admin/roles", expect: "ldddddo" },
  "admin.seal.tsx": { path: () => "/admin/seal", expect: "ldddddo" },
  "auth.sso.tsx": { path: () => "/auth/sso", expect: "lllllll" },
  "auth.sso_.callback.tsx": { path: () => "/auth/sso/callback", expect: "ddddddd" },
  "catalog.tsx": { path: () => "/catalog", expect: "ooooooo" },
  "certificates.$certificateId[.pdf].tsx": { path: (f) => `/certificates/${f.certificateA}.pdf`, expect: "lododoo" },
  "forgot-password.tsx": { path: () => "/forgot-password", expect: "-------" },
  "healthz.tsx": { path: () => "/healthz", expect: "ooooooo" },
  "help.tsx": { path: () => "/help", expect: "ooooooo" },
  "hr._index.tsx": { path: (f) => `/hr?cycle=${f.cycleA}`, expect: "lddoddd" }, // B's officer is not offered A's cycles
  "hr.assignments.$assignmentId.tsx": { path: (f) => `/hr/assignments/${f.assignmentA}`, expect: "lddoddd" },
  "hr.assignments.$assignmentId.equivalent-evidence.tsx": { path: (f) => `/hr/assignments/${f.equivalentA}/equivalent-evidence`, expect: "lddoddd" },
  "hr.delegates.tsx": { path: () => "/hr/delegates", expect: "lddoodd" },
  "hr.download.tsx": { path: (f) => `/hr/download?report=compliance&format=csv&cycle=${f.cycleA}`, expect: "lddoodd" },
  "hr.export[.csv].tsx": { path: (f) => `/hr/export.csv?cycle=${f.cycleA}`, expect: "lddoddd" },
  "hr.export[.xlsx].tsx": { path: (f) => `/hr/export.xlsx?cycle=${f.cycleA}`, expect: "lddoddd" },
  "hr.hours.tsx": { path: () => "/hr/hours", expect: "lddoodd" },
  "hr.hours[.csv].tsx": { path: () => "/hr/hours.csv?year=2026", expect: "lddoodd" },
  "hr.import.$importId.tsx": { path: (f) => `/hr/import/${f.importA}`, expect: "lddoddd" },
  "hr.import._index.tsx": { path: () => "/hr/import", expect: "lddoodo" },
  "hr.import.template[.csv].tsx": { path: () => "/hr/import/template.csv", expect: "lddoodo" },
  "hr.org-chart._index.tsx": { path: () => "/hr/org-chart", expect: "lddoodo" },
  "hr.org-chart.import.tsx": { path: () => "/hr/org-chart/import", expect: "lddoodo" },
  "hr.org-chart.template[.csv].tsx": { path: () => "/hr/org-chart/template.csv", expect: "lddoodo" },
  "hr.oversight.tsx": { path: () => "/hr/oversight", expect: "lddoodo" },
  "hr.oversight[.pdf].tsx": { path: () => "/hr/oversight.pdf?year=2026", expect: "lddoodo" },
  "hr.oversight[.xlsx].tsx": { path: () => "/hr/oversight.xlsx?year=2026", expect: "lddoodo" },
  "hr.people.$personId.invitation.tsx": { path: (f) => `/hr/people/${f.ownerPerson}/invitation`, expect: "ddddddd" },
  "hr.reports.tsx": { path: () => "/hr/reports", expect: "lddoodd" },
  "hr.sessions.$sessionId._index.tsx": { path: (f) => `/hr/sessions/${f.sessionA}`, expect: "lddoddd" },
  "hr.sessions.$sessionId.evidence.tsx": { path: (f) => `/hr/sessions/${f.sessionA}/evidence`, expect: "lddoddd" },
  "hr.sessions._index.tsx": { path: () => "/hr/sessions", expect: "lddoodd" },
  "hr.sessions.new.tsx": { path: () => "/hr/sessions/new", expect: "lddoodd" },
  "hr.units.$unitId.tsx": { path: (f) => `/hr/units/${f.divisionA}?cycle=${f.cycleA}`, expect: "lddoddd" },
  "language.tsx": { path: () => "/language", expect: "ooooooo" },
  "learn.$assignmentId._index.tsx": { path: (f) => `/learn/${f.assignmentA}`, expect: "loddddd" },
  "learn.$assignmentId.lessons.$slug.tsx": { path: (f) => `/learn/${f.assignmentA}/lessons/${f.lessonSlug}`, expect: "loddddd" },
  "learn.$assignmentId.pretest.tsx": { path: (f) => `/learn/${f.assignmentA}/pretest`, expect: "loddddd" },
  "learn.$assignmentId.quiz.$attemptId.tsx": { path: (f) => `/learn/${f.assignmentA}/quiz/${f.attemptA}`, expect: "loddddd" },
  "learn.$assignmentId.quiz._index.tsx": { path: (f) => `/learn/${f.assignmentA}/quiz`, expect: "loddddd" },
  "login.tsx": { path: () => "/login", expect: "ooooooo" },
  "login_.two-factor.tsx": { path: () => "/login/two-factor", expect: "lllllll" },
  "logout.tsx": { path: () => "/logout", expect: "ooooooo" },
  "record.tsx": { path: () => "/record", expect: "loodddd" },
  "record[.pdf].tsx": { path: () => "/record.pdf", expect: "loodddd" },
  "register.tsx": { path: () => "/register", expect: "-------" },
  "verify.$code.tsx": { path: (f) => `/verify/${f.certificateCode}`, expect: "ooooooo" },
  "verify._index.tsx": { path: () => "/verify", expect: "-------" },
  "team.tsx": { path: () => "/team", expect: "ldddddd" },
  "lecturers._index.tsx": { path: () => "/lecturers", expect: "ooooooo" },
  "lecturers.rounds.$roundId.apply.tsx": { path: (f) => `/lecturers/rounds/${f.roundA}/apply`, expect: "loodddd" },
  "lecturer._index.tsx": { path: () => "/lecturer", expect: "loodddd" },
  "academy.lecturers._index.tsx": { path: () => "/academy/lecturers", expect: "lddddod" },
  "academy.lecturers.rounds.$roundId.tsx": { path: (f) => `/academy/lecturers/rounds/${f.roundA}`, expect: "lddddod" },
  "academy.lecturers.applications.$applicationId.tsx": { path: (f) => `/academy/lecturers/applications/${f.applicationA}`, expect: "lddddod" },
};

/**
 * Route file → the outcome of posting an empty form to its action, per reader (READERS order).
 * o = the action took it up (a 2xx, a redirect other than to sign in, or a 400 naming what is
 * missing), l = sent to sign in, d = refused before reading the form (401, 403, 404, 405, 410).
 * The form is empty on purpose: who may act, and on what, is decided before what they sent is
 * read. (Enrolling needs a person on the roll, so staff accounts without one are refused; a
 * download form without a file named is a 404 for everyone; signing out leads to the sign-in page. A class's page
 * registers a person on the roll, so accounts without one are refused unless they post an HR
 * officer's bulk registration.)
 */
const ACTIONS: Record<string, { path: (f: Fixture) => string; expect: string }> = {
  "_index.tsx": { path: () => "/", expect: "loooooo" },
  "academy.cycles.tsx": { path: () => "/academy/cycles", expect: "lddddoo" },
  "academy.notices.tsx": { path: () => "/academy/notices", expect: "lddddoo" },
  "academy.offerings.new.tsx": { path: () => "/academy/offerings/new", expect: "lddddoo" },
  "academy.offerings.$offeringId.tsx": { path: (f) => `/academy/offerings/${f.offeringA}`, expect: "lddddoo" },
  "academy.practicums.tsx": { path: () => "/academy/practicums", expect: "lddddoo" },
  "assess.$attemptId.tsx": { path: () => "/assess/00000000-0000-4000-8000-000000000000", expect: "ldddddd" },
  "lecturer.practicum.tsx": { path: () => "/lecturer/practicum", expect: "loooooo" },
  "lecturer.profile.tsx": { path: () => "/lecturer/profile", expect: "loooooo" },
  "catalog_.offerings.$offeringId.tsx": { path: (f) => `/catalog/offerings/${f.offeringA}`, expect: "loddddd" },
  "lecturers.request.tsx": { path: () => "/lecturers/request", expect: "ooooooo" },
  "academy.lecture-requests.$requestId.tsx": { path: (f) => `/academy/lecture-requests/${f.lectureRequestA}`, expect: "lddddod" },
  "lecturer.requests.tsx": { path: () => "/lecturer/requests", expect: "ldddddd" },
  "catalog_.offerings.$offeringId_.feedback.tsx": { path: (f) => `/catalog/offerings/${f.offeringA}/feedback`, expect: "ldddddd" },
  "check-in.$offeringId.tsx": { path: (f) => `/check-in/${f.offeringA}`, expect: "ooooooo" },
  "account._index.tsx": { path: () => "/account", expect: "loooooo" },
  "account.verify.tsx": { path: () => "/account/verify", expect: "ooooooo" },
  "admin.roles.tsx": { path: () => "/admin/roles", expect: "ldddddo" },
  "admin.seal.tsx": { path: () => "/admin/seal", expect: "ldddddo" },
  "auth.sso.tsx": { path: () => "/auth/sso", expect: "ddddddd" },
  "catalog.tsx": { path: () => "/catalog", expect: "loodddd" },
  "forgot-password.tsx": { path: () => "/forgot-password", expect: "ooooooo" },
  "hr._index.tsx": { path: (f) => `/hr?cycle=${f.cycleA}`, expect: "lddoddd" },
  "hr.assignments.$assignmentId.tsx": { path: (f) => `/hr/assignments/${f.assignmentA}`, expect: "lddoddd" },
  "hr.units.$unitId.tsx": { path: (f) => `/hr/units/${f.divisionA}?cycle=${f.cycleA}`, expect: "lddoddd" },
  "hr.delegates.tsx": { path: () => "/hr/delegates", expect: "lddoodd" },
  "hr.download.tsx": { path: () => "/hr/download", expect: "ldddddd" },
  "hr.import.$importId.tsx": { path: (f) => `/hr/import/${f.importA}`, expect: "lddoddd" },
  "hr.import._index.tsx": { path: () => "/hr/import", expect: "lddoodo" },
  "hr.org-chart.import.tsx": { path: () => "/hr/org-chart/import", expect: "lddoodo" },
  "hr.oversight.tsx": { path: () => "/hr/oversight", expect: "lddoodo" },
  "hr.people.$personId.invitation.tsx": { path: (f) => `/hr/people/${f.ownerPerson}/invitation`, expect: "lddoddd" },
  "hr.reports.tsx": { path: () => "/hr/reports", expect: "lddoodd" },
  "hr.sessions.$sessionId._index.tsx": { path: (f) => `/hr/sessions/${f.sessionA}`, expect: "lddoddd" },
  "hr.sessions.new.tsx": { path: () => "/hr/sessions/new", expect: "lddoodd" },
  "language.tsx": { path: () => "/language", expect: "ooooooo" },
  "learn.$assignmentId.lessons.$slug.tsx": { path: (f) => `/learn/${f.assignmentA}/lessons/${f.lessonSlug}`, expect: "loddddd" },
  "learn.$assignmentId.pretest.tsx": { path: (f) => `/learn/${f.assignmentA}/pretest`, expect: "loddddd" },
  "learn.$assignmentId.quiz._index.tsx": { path: (f) => `/learn/${f.assignmentA}/quiz`, expect: "loddddd" },
  "login.tsx": { path: () => "/login", expect: "ooooooo" },
  "login_.two-factor.tsx": { path: () => "/login/two-factor", expect: "ddddddd" },
  "logout.tsx": { path: () => "/logout", expect: "lllllll" },
  "register.tsx": { path: () => "/register", expect: "ooooooo" },
  "verify._index.tsx": { path: () => "/verify", expect: "ooooooo" },
  "lecturers.rounds.$roundId.apply.tsx": { path: (f) => `/lecturers/rounds/${f.roundA}/apply`, expect: "loodddd" },
  "academy.lecturers._index.tsx": { path: () => "/academy/lecturers", expect: "lddddod" },
  "academy.lecturers.applications.$applicationId.tsx": { path: (f) => `/academy/lecturers/applications/${f.applicationA}`, expect: "lddddod" },
};

function outcome(res: Response, posted = false): Outcome | `unexpected ${number}` {
  if ((res.status >= 200 && res.status < 300) || res.status === 409 || (posted && [400, 413, 422, 429].includes(res.status))) return "o";
  if (res.status >= 300 && res.status < 400) return (res.headers.get("Location") ?? "").startsWith("/login") ? "l" : "o";
  if ([401, 403, 404, 405, 410].includes(res.status)) return "d";
  return `unexpected ${res.status}`;
}

describe("access matrix: every route, every reader, another organization's and another person's resources", () => {
  let fixture: Fixture;
  const cookies: Partial<Record<Reader, string>> = {};

  beforeAll(async () => {
    const a = await createWorld();
    const b = await createWorld();
    const ownerPerson = await createPerson(a.division.id, "CIVIL_SERVANT", "주인공");
    const owner = await createUser({ personId: ownerPerson.id });
    const otherPerson = await createPerson(b.division.id, "CIVIL_SERVANT", "다른사람");
    const other = await createUser({ personId: otherPerson.id });
    const hrA = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: a.bureau.id }] });
    const hrB = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: b.bureau.id }] });
    const academy = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    const admin = await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] });
    const cycleA = (await openTestCycle(a.obligation.id)).cycle.id;
    const version = await prisma.courseVersion.findFirstOrThrow({
      where: { courseId: a.course.id },
      orderBy: { version: "desc" },
      select: { id: true, lessons: { orderBy: { position: "asc" }, take: 1, select: { slug: true } } },
    });
    const assignmentA = (
      await prisma.assignment.update({ where: { cycleId_personId: { cycleId: cycleA, personId: ownerPerson.id } }, data: { courseVersionId: version.id } })
    ).id;

    // A finished duty of the owner's, with its certificate.
    const done = await createAnnualObligation(a, "끝낸 의무교육", "A finished duty");
    const doneCycle = (await openTestCycle(done.id)).cycle.id;
    const finished = await prisma.assignment.update({
      where: { cycleId_personId: { cycleId: doneCycle, personId: ownerPerson.id } },
      data: { status: "COMPLETED", completedAt: now(), completionMode: "ONLINE", courseVersionId: version.id },
    });
    const certificateA = await prisma.$transaction((tx) => issueCertificate(tx, finished.id));
    const certificateCode = (await prisma.certificate.findUniqueOrThrow({ where: { id: certificateA } })).verificationCode;

    const attemptA = (
      await prisma.quizAttempt.create({
        data: { assignmentId: assignmentA, courseVersionId: version.id, answers: {}, correctCount: 0, questionCount: 10, scorePercent: 0, passed: false },
      })
    ).id;

    const hrACookie = await sessionCookieFor(hrA.id);
    const hrActor = await loadActor((await getCurrentSession(getRequest("/", hrACookie)))!);
    const importA = (await checkImport(hrActor, "roll.csv", "employee_no,name,email,unit_code,staff_category,grade,job_family\n", "CHANGES_ONLY")).id;
    const evidence = await prisma.evidenceFile.create({
      data: { fileName: "sheet.pdf", mediaType: "application/pdf", size: 8, sha256: "0".repeat(64), content: Buffer.from("%PDF-1.4"), uploadedById: hrA.id },
    });
    const sessionA = (
      await prisma.trainingSession.create({
        data: { title: "집합교육", heldOn: new Date("2026-11-20T00:00:00Z"), minutes: 60, place: "시청", orgUnitId: a.division.id, evidenceId: evidence.id, recordedById: hrA.id },
      })
    ).id;

    // A duty of the owner's met by a course taken elsewhere, with its certificate of completion.
    const elsewhere = await createAnnualObligation(a, "다른 기관 이수 의무", "A duty met elsewhere");
    const elsewhereCycle = (await openTestCycle(elsewhere.id)).cycle.id;
    const equivalentA = (
      await prisma.assignment.update({
        where: { cycleId_personId: { cycleId: elsewhereCycle, personId: ownerPerson.id } },
        data: { status: "COMPLETED", completedAt: now(), completionMode: "EQUIVALENT" },
      })
    ).id;
    await prisma.equivalentTraining.create({
      data: {
        assignmentId: equivalentA,
        courseName: "인권의 이해",
        provider: "국가인권위원회",
        completedOn: new Date("2026-10-14T00:00:00Z"),
        minutes: 120,
        evidenceId: evidence.id,
        reason: "같은 주제의 교육 이수",
        recordedById: hrA.id,
      },
    });

    const roundA = (
      await prisma.lecturerRound.create({
        data: { titleKo: "강사 모집", titleEn: "Lecturers", opensAt: new Date(now().getTime() - 86_400_000), closesAt: new Date(now().getTime() + 86_400_000), places: 5, fields: ["GENERAL"], createdById: academy.id },
      })
    ).id;
    const applicationA = (
      await prisma.lecturerApplication.create({
        data: { roundId: roundA, personId: ownerPerson.id, background: "활동", motivation: "동기", fields: ["GENERAL"], consentAt: now(), consentVersion: "v", submittedAt: now() },
      })
    ).id;

    fixture = {
      roundA,
      applicationA,
      cycleA,
      divisionA: a.division.id,
      ownerPerson: ownerPerson.id,
      assignmentA,
      attemptA,
      certificateA,
      certificateCode,
      importA,
      sessionA,
      equivalentA,
      offeringA: (
        await prisma.offering.create({
          data: {
            seriesId: a.city.id,
            obligationId: a.obligation.id,
            titleKo: "A 기관 대면 교육",
            titleEn: "In person for A",
            topic: "GENERAL",
            format: "IN_PERSON",
            startsAt: new Date(now().getTime() + 10 * 86_400_000),
            endsAt: new Date(now().getTime() + 10 * 86_400_000 + 7_200_000),
            place: "시청",
            district: "JUNG",
            capacity: 10,
            audience: "UNITS",
            audienceUnitIds: [a.bureau.id],
            registrationClosesAt: new Date(now().getTime() + 9 * 86_400_000),
            cancellationClosesAt: new Date(now().getTime() + 9 * 86_400_000),
            createdById: admin.id,
          },
        })
      ).id,
      lessonSlug: version.lessons[0]!.slug,
      lectureRequestA: (
        await prisma.lectureRequest.create({
          data: {
            organizationName: "행복복지관",
            organizationKind: "FACILITY",
            contactName: "김담당",
            contactEmail: "contact@facility.example",
            topic: "DISABILITY",
            field: "DISABILITY",
            audienceDescription: "시설 이용자",
            audienceSize: 30,
            preferredFrom: new Date(now().getTime() + 10 * 86_400_000),
            preferredTo: new Date(now().getTime() + 14 * 86_400_000),
            durationMinutes: 120,
            place: "마포구",
            district: "MAPO",
            accessibilityNeeds: [],
          },
        })
      ).id,
    };
    cookies.owner = await sessionCookieFor(owner.id);
    cookies.otherLearner = await sessionCookieFor(other.id);
    cookies.hrA = hrACookie;
    cookies.hrB = await sessionCookieFor(hrB.id);
    cookies.academy = await sessionCookieFor(academy.id);
    cookies.admin = await sessionCookieFor(admin.id);
  });

  it("has a row for every route file", () => {
    const files = readdirSync(join(process.cwd(), "app/routes")).filter((f) => f.endsWith(".tsx"));
    expect(files.filter((f) => !(f in MATRIX)), "routes without a row in the access matrix").toEqual([]);
    expect(Object.keys(MATRIX).filter((f) => !files.includes(f)), "rows for routes that no longer exist").toEqual([]);
  });

  it("gives each reader exactly what their row says", async () => {
    const actual: Record<string, string> = {};
    for (const [file, row] of Object.entries(MATRIX)) {
      const mod = (await import(`~/routes/${file.replace(/\.tsx$/, "")}`)) as { loader?: (args: unknown) => Promise<unknown> };
      const url = row.path(fixture);
      let line = "";
      for (const reader of READERS) {
        if (!mod.loader) {
          line += "-";
          continue;
        }
        const request = getRequest(url, cookies[reader] ?? undefined);
        const params = paramsFor(file, url);
        const res = await respond(() => mod.loader!({ request, params, context: {} }));
        const got = outcome(res);
        line += got.length === 1 ? got : "?";
        if (got.length !== 1) console.warn(`${file} as ${reader}: ${got}`);
      }
      actual[file] = line;
    }
    const expected = Object.fromEntries(Object.entries(MATRIX).map(([f, r]) => [f, r.expect]));
    expect(actual).toEqual(expected);
  });

  it("lets each reader act exactly as the actions' rows say", async () => {
    // Signing out last: it ends the readers' sessions.
    const files = readdirSync(join(process.cwd(), "app/routes"))
      .filter((f) => f.endsWith(".tsx"))
      .sort((x, y) => Number(x === "logout.tsx") - Number(y === "logout.tsx"));
    const actual: Record<string, string> = {};
    for (const file of files) {
      const mod = (await import(`~/routes/${file.replace(/\.tsx$/, "")}`)) as { action?: (args: unknown) => Promise<unknown> };
      if (!mod.action) continue;
      expect(ACTIONS[file], `${file} has an action but no row in ACTIONS`).toBeDefined();
      const url = ACTIONS[file]!.path(fixture);
      let line = "";
      for (const reader of READERS) {
        const request = postForm(url, {}, cookies[reader] ?? undefined);
        const res = await respond(() => mod.action!({ request, params: paramsFor(file, url), context: {} }));
        const got = outcome(res, true);
        line += got.length === 1 ? got : "?";
        if (got.length !== 1) console.warn(`${file} action as ${reader}: ${got}`);
      }
      actual[file] = line;
    }
    expect(actual).toEqual(Object.fromEntries(Object.entries(ACTIONS).map(([f, r]) => [f, r.expect])));
  });
});

/** The route's parameters from the address, by the route file's `$name` segments. */
function paramsFor(file: string, url: string): Record<string, string> {
  const names = file.replace(/\.tsx$/, "").replace(/\[\.(\w+)\]/g, ".$1").split(".");
  const path = new URL(url, "http://x").pathname.replace(/\.(pdf|csv|xlsx|json)$/, "").split("/").filter(Boolean);
  const params: Record<string, string> = {};
  names.forEach((n, i) => {
    if (n.startsWith("$") && path[i]) params[n.slice(1).replace(/_$/, "")] = path[i]!; // "$id_" names the param "id" (a segment that does not nest)
  });
  return params;
}
