import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loadActor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { recordSession } from "~/modules/attendance/sessions.server";
import { submitImport } from "~/modules/personnel/import.server";
import { submitChart } from "~/modules/org/chart-file.server";
import { postNotice, withdrawNotice } from "~/modules/notices/notices.server";
import { scheduleOffering, toSeoulLocal } from "~/modules/offerings/offerings.server";
import { currentCode } from "~/modules/offerings/check-in.server";
import { closeRoll } from "~/modules/offerings/roll.server";
import { now } from "~/utils/clock.server";
import { seoulDateKey } from "~/utils/i18n";
import { createPerson, createUser, createWorld, openTestCycle, TEST_PASSWORD } from "../factories";
import { getRequest, sessionCookieFor } from "../http";
import { launchChromium, signIn, startApp } from "./app-server";
import { expectAccessible } from "./axe";
import { takeCourse } from "./player";
import { clockYear } from "../clock";
import { createAppointedLecturer, openRound } from "../lecturers";
import { createLectureRequest, offerLecture } from "~/modules/lecturers/requests.server";
import { acceptOffer } from "~/modules/lecturers/offers.server";
import { appointLecturer } from "~/modules/lecturers/appointments.server";
import { saveProfile } from "~/modules/lecturers/directory.server";
import { bookPracticum, scorePracticum, currentRubric } from "~/modules/lecturers/practicum.server";
import { createAssessor, createDemonstration, createTrainee, startDemonstration } from "../practicum";

const SHOTS = join(process.cwd(), "test-results", "screens", "reflow");
const PDF = new TextEncoder().encode("%PDF-1.4\n% attendance sheet\n%%EOF\n");

/**
 * WCAG 1.4.10 (reflow): every page reads without scrolling sideways on a phone (375 CSS px)
 * and at 200% zoom of a 1280 px window (640 CSS px), nor on the desktop (1280). Only a wide table
 * may scroll, inside its own region. Every page is read in Korean, then again in English.
 */
const WIDTHS = [
  { width: 375, height: 740 },
  { width: 640, height: 800 },
  { width: 1280, height: 800 },
] as const;

describe("reflow: every page fits a phone and 200% zoom", { timeout: 300_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const axeFailures: string[] = [];
  const measured: Array<{ page: string; width: number; scrollWidth: number; clientWidth: number }> = [];
  let learnerEmail: string;
  let hrEmail: string;
  let academyEmail: string;
  let adminEmail: string;
  let cycleId: string;
  let divisionId: string;
  let assignmentId: string;
  let sessionId: string;
  let importId: string;
  let chartImportId: string;
  let noticeId = "";
  let adminId = "";
  let offeringId = "";
  let checkInCode = "";
  let runningClassId = "";
  let closedClassId = "";
  let participantEmail = "";
  let lecturerEmail = "";
  let lectureRequestId = "";
  let lecturerRoundId = "";
  let lecturerApplicationId = "";

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const world = await createWorld();
    divisionId = world.division.id;
    const learner = await createPerson(world.division.id, "CIVIL_SERVANT", "김하늘");
    const others = [
      await createPerson(world.division.id, "CIVIL_SERVANT", "이서윤"),
      await createPerson(world.division.id, "CIVIL_SERVANT", "남궁민수"),
    ];
    await prisma.person.update({ where: { id: learner.id }, data: { isUnitHead: true } });
    learnerEmail = (await createUser({ personId: learner.id })).email;
    const hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    hrEmail = hr.email;
    const academy = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    academyEmail = academy.email;
    const admin = await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] });
    adminEmail = admin.email;
    adminId = admin.id;
    const { cycle } = await openTestCycle(world.obligation.id);
    cycleId = cycle.id;
    assignmentId = (await prisma.assignment.findFirstOrThrow({ where: { cycleId, personId: others[0]!.id } })).id;

    const actor = await loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(hr.id))))!);
    sessionId = (
      await recordSession(actor, {
        title: "장애인식 개선 집합교육 (시청 다목적홀, 오후반)",
        heldOn: seoulDateKey(now()),
        minutes: 120,
        place: "서울특별시청 본관 8층 다목적홀",
        orgUnitId: world.bureau.id,
        cycleIds: [cycleId],
        attendees: others.map((p) => p.employeeNo).join("\n"),
        evidence: { fileName: "signed-attendance-sheet-2026-bureau-afternoon.pdf", bytes: PDF },
      })
    ).sessionId;
    const csv = [
      "employee_no,name,email,unit_code,staff_category,grade,job_family",
      `X1,홍길순,hong.gilsoon.very.long.address@seoul-metropolitan-government.example,${world.division.code},CIVIL_SERVANT,7,`,
      "X2,박지민,park@test.example,NO-SUCH-UNIT-CODE-WITH-A-VERY-LONG-NAME-0000000000,CIVIL_SERVANT,7,",
    ].join("\n");
    importId = (await submitImport(actor, "personnel-roll-changes-2026-12-05-bureau-of-citizen-rights.csv", csv, "CHANGES_ONLY")).id;
    // A unit file with a new team, a rename and a problem line, for its check page.
    chartImportId = (
      await submitChart(
        actor,
        "organization-chart-reorganisation-2026-bureau-of-citizen-rights.csv",
        `code,name_ko,name_en,parent_code,kind\nT-NEW-${world.division.code},인권침해 구제 및 재발 방지 협력팀,Human Rights Remedy and Prevention Cooperation Team,${world.division.code},TEAM\n${world.division.code},시민인권보호과(개편),Citizens' Human Rights Protection Division (reorganised),${world.bureau.code},DIVISION\nX-1,없는상위,Unknown parent,NO-SUCH-UNIT,TEAM\n`,
      )
    ).id;
    const today = seoulDateKey(now());
    // Shown to everyone signed in for the test's day: taken back when the test ends.
    const posted = await postNotice(hr.id, {
      titleKo: "하반기 장애인 인권교육 집합교육 일정과 장소 변경 안내 (시청 본관 다목적홀 → 서소문청사 대회의실)",
      titleEn: "Second-half disability rights sessions: new dates and a new room (City Hall multipurpose hall → Seosomun building main conference room)",
      bodyKo: "집합교육 장소가 바뀌었습니다. 자세한 일정은 소속 인사 담당자에게 확인하세요.\n\nhttps://hr-edu.seoul.example/catalog/sessions/2026-second-half-disability-rights-in-person",
      bodyEn: "The room has changed. Ask your HR officer for the details.",
      audience: "ALL",
      showFrom: today,
      showUntil: today,
    });
    if (posted.ok) noticeId = posted.id;
    // A public class a week ahead, with long names, every arrangement and a waiting list.
    const classDay = seoulDateKey(new Date(now().getTime() + 7 * 86_400_000));
    const closes = toSeoulLocal(new Date(new Date(`${classDay}T14:00:00+09:00`).getTime() - 86_400_000));
    const scheduled = await scheduleOffering(academy.id, {
      countsToward: `obligation:${world.obligation.id}`,
      titleKo: "장애인 인권과 합리적 편의 제공: 현장에서 바로 쓰는 사례 중심 집합교육 (수어 통역·문자 통역 제공)",
      titleEn: "Disability rights and reasonable accommodation: a case-based class for front-line staff (sign language and captioning)",
      topic: "DISABILITY",
      format: "IN_PERSON",
      date: classDay,
      startTime: "14:00",
      endTime: "17:00",
      place: "서울특별시 인권교육원 본관 2층 대강의실 (서울특별시 중구 세종대로 110, 서울시청 서소문청사 옆)",
      district: "JUNG",
      directionsKo: "지하철 1·2호선 시청역 4번 출구에서 도보 3분. 휠체어 이용자는 정문 경사로를 이용하세요.",
      directionsEn: "Three minutes on foot from exit 4 of City Hall station (lines 1 and 2). Wheelchair users: the ramp at the main entrance.",
      lecturerNames: "김인권 (국가인권위원회 인권교육 전문강사), 이평등",
      capacity: 1,
      audience: "PUBLIC",
      registrationClosesAt: closes,
      cancellationClosesAt: closes,
      accessibility: ["SIGN_LANGUAGE", "CAPTIONING", "WHEELCHAIR", "EASY_READ"],
      repeatMonths: 1,
    });
    if (scheduled.ok) offeringId = scheduled.ids[0]!;
    checkInCode = (await currentCode(offeringId)).code;
    // Two classes that started an hour ago: one whose roll is being called, one closed, with its survey.
    const participant = await createPerson(world.division.id, "CIVIL_SERVANT", "황보참석");
    participantEmail = (await createUser({ personId: participant.id })).email;
    // An hour ago, or midnight if the day is younger: the class's day must be in the cycle opened above.
    const started = new Date(Math.max(now().getTime() - 3_600_000, new Date(`${seoulDateKey(now())}T00:00:00+09:00`).getTime()));
    const running = async (titleKo: string) =>
      prisma.offering.create({
        data: {
          seriesId: academy.id,
          obligationId: world.obligation.id,
          titleKo,
          titleEn: "Human rights awareness in person: the roll of a class that is under way",
          topic: "GENERAL",
          format: "IN_PERSON",
          startsAt: started,
          endsAt: new Date(started.getTime() + 3 * 3_600_000),
          place: "서울특별시 인권교육원 본관 2층 대강의실",
          district: "JUNG",
          capacity: 10,
          audience: "ALL_STAFF",
          lecturerUserIds: [],
          lecturerNames: "김인권",
          registrationClosesAt: new Date(started.getTime() - 86_400_000),
          cancellationClosesAt: new Date(started.getTime() - 86_400_000),
          orgUnitId: world.city.id,
          createdById: academy.id,
          registrations: {
            create: [participant, ...others].map((p, i) => ({
              personId: p.id,
              status: "CONFIRMED" as const,
              queuedAt: new Date(started.getTime() - 86_400_000 + i),
              confirmedAt: new Date(started.getTime() - 86_400_000 + i),
              registeredById: academy.id,
              ...(i === 0 ? { checkedInAt: started, checkInMethod: "qr" } : {}),
            })),
          },
        },
      });
    runningClassId = (await running("인권 감수성 향상 집합교육: 출석을 부르는 중인 수업 (오후반, 본관 2층 대강의실)")).id;
    closedClassId = (await running("인권 감수성 향상 집합교육: 출석을 마감한 수업 (오전반)")).id;
    const academyActor = await loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(academy.id))))!);
    // A lecturer who taught the closed class (their survey page), with an offer awaiting an answer and an
    // accepted lecture, from a welfare facility's long-named requests.
    const lecturer = await createAppointedLecturer({ name: "남궁인권", fields: ["DISABILITY", "CHILDREN_YOUTH", "PUBLIC_SERVICE"], districts: ["MAPO", "SEODAEMUN", "EUNPYEONG"] });
    lecturerEmail = lecturer.user.email;
    await prisma.offering.update({ where: { id: closedClassId }, data: { lecturerUserIds: [lecturer.user.id] } });
    await closeRoll(academyActor, closedClassId, true);

    const lectureDay = seoulDateKey(new Date(now().getTime() + 8 * 86_400_000));
    const lastDay = seoulDateKey(new Date(now().getTime() + 10 * 86_400_000));
    const ask = async (tag: string, mailbox: string) => {
      const made = await createLectureRequest(
        {
          organizationName: `사회복지법인 햇살나눔 마포장애인종합복지관 (발달장애인 주간활동센터) ${tag}`,
          organizationKind: "FACILITY",
          contactName: "김담당",
          contactEmail: `facility-${mailbox}@sunshine-welfare-foundation.example`,
          contactPhone: "02-300-1234",
          topic: "DISABILITY",
          field: "DISABILITY",
          audienceDescription: "복지관 이용자(발달장애인)와 보호자, 사회복지사 및 활동지원사",
          audienceSize: "45",
          from: `${lectureDay}T09:00`,
          to: `${lastDay}T18:00`,
          durationMinutes: "120",
          place: "서울특별시 마포구 월드컵로 10길 25, 햇살나눔복지관 본관 3층 다목적 강당",
          district: "MAPO",
          accessibilityNeeds: ["SIGN_LANGUAGE", "EASY_READ", "WHEELCHAIR"],
          note: "발달장애인 당사자가 함께 들을 수 있도록 쉬운 말로 진행해 주세요.\n강당에는 빔프로젝터가 있습니다.",
        },
        { userId: null, ip: null, locale: "ko" },
      );
      if (!made.ok) throw new Error(JSON.stringify(made));
      return made.id;
    };
    lectureRequestId = await ask("오전반", "morning");
    const offered = await offerLecture(academyActor, lectureRequestId, { start: `${lectureDay}T10:00`, lecturerPersonId: lecturer.person.id });
    const second = await ask("오후반", "afternoon");
    const toAccept = await offerLecture(academyActor, second, { start: `${lectureDay}T15:00`, lecturerPersonId: lecturer.person.id });
    const lecturerActor = await loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(lecturer.user.id))))!);
    if (!offered.ok || !toAccept.ok || !(await acceptOffer(lecturerActor, toAccept.offerId)).ok) throw new Error("the lecture requests for the pages were not made");
    // A lecturer recruitment round open now, with a long name, and one application scored once.
    const round = await openRound(academy.id, ["GENERAL", "CHILDREN_YOUTH", "DISABILITY", "MIGRANTS", "LABOUR", "GENDER_EQUALITY", "OLDER_PEOPLE", "PUBLIC_SERVICE"], 36);
    lecturerRoundId = (await prisma.lecturerRound.update({ where: { id: round.id }, data: { titleKo: "2027년 상반기 시민 인권강사 양성 과정 교육생 모집 (아동·청소년, 장애인, 이주민 인권 분야 중점)", descriptionKo: "인권 활동 경험이 있는 서울 시민이면 누구나 지원할 수 있습니다." } })).id;
    lecturerApplicationId = (
      await prisma.lecturerApplication.create({
        data: {
          roundId: lecturerRoundId, personId: participant.id, fields: ["GENERAL", "MIGRANTS"], consentAt: now(), consentVersion: "lecturer-application-2026-12+36m", submittedAt: now(),
          background: "2012년부터 서울이주민지원센터에서 통역·상담 자원활동을 했고, 2018년부터는 구청 주민 인권학교 강사로 활동했습니다.\n\n주요 활동: 이주노동자 상담, 다문화가족 인권 교육, 지역 인권 모니터링.",
          motivation: "현장에서 만난 차별 사례를 바탕으로 공무원과 시민이 인권을 자기 일로 느끼도록 돕는 참여식 강의를 하고 싶습니다.",
          reviews: { create: { reviewerUserId: hr.id, scores: { activity: 25, understanding: 20, motivation: 15, communication: 10, fields: 8 }, total: 78, submittedAt: now() } },
        },
      })
    ).id;

    app = await startApp();
    browser = await launchChromium();
    context = await browser.newContext({ locale: "ko-KR", baseURL: app.origin, viewport: WIDTHS[0] });
    page = await context.newPage();
  }, 120_000);

  afterAll(async () => {
    if (noticeId) await withdrawNotice(adminId, noticeId);
    writeFileSync(join(SHOTS, "widths.json"), JSON.stringify(measured, null, 2));
    await browser?.close();
    await app?.stop();
  });

  /** Pages seen since the last switch to English, to be read again in it. */
  const seen: Array<{ path: string; name: string }> = [];

  /** The page as it is now, at each width: its width recorded, at 1280 and 375 px a screenshot and axe scan. */
  async function look(name: string) {
    if (!name.endsWith("-en")) {
      const url = new URL(page.url());
      seen.push({ path: url.pathname + url.search, name });
    }
    for (const size of WIDTHS) {
      await page.setViewportSize(size);
      const m = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth }));
      measured.push({ page: name, width: size.width, ...m });
      // On the desktop too: its screenshot and axe scan, reported with the others at the end.
      if (size.width === 1280) await expectAccessible(page, SHOTS, `${name}-1280`).catch((e: unknown) => void axeFailures.push(`${name}-1280: ${(e as Error).message.split("\n")[0]}`));
    }
    await page.setViewportSize(WIDTHS[0]);
    // Every page is scanned; the failures are reported together at the end, as the widths are.
    await expectAccessible(page, SHOTS, name).catch((e: unknown) => void axeFailures.push(`${name}: ${(e as Error).message.split("\n")[0]}\n${JSON.stringify((e as { actual?: unknown }).actual)}`));
  }

  async function visit(path: string, name: string) {
    const res = await page.goto(path);
    expect(res?.status(), `${name} (${path})`).toBeLessThan(400);
    await look(name);
  }

  async function setLanguage(locale: "ko" | "en") {
    const res = await page.request.post("/language", { form: { locale, redirectTo: "/" }, headers: { Origin: app.origin }, maxRedirects: 0 });
    expect(res.status()).toBe(302);
  }

  /** The pages just seen, once more in English (the account's or the browser's language), then back to Korean. */
  async function againInEnglish() {
    const pages = seen.splice(0);
    await setLanguage("en");
    for (const { path, name } of pages) {
      const res = await page.goto(path);
      expect(res?.status(), `${name}-en (${path})`).toBeLessThan(400);
      expect(await page.locator("html").getAttribute("lang"), `${name}-en`).toBe("en");
      await look(`${name}-en`);
    }
    await setLanguage("ko");
  }

  async function signInAs(email: string) {
    await context.clearCookies();
    await page.setViewportSize(WIDTHS[0]);
    await signIn(page, email, TEST_PASSWORD);
  }

  it("anonymous pages", async () => {
    await visit("/", "anon-home");
    await visit("/login", "anon-login");
    await visit("/register", "anon-register");
    await visit("/forgot-password", "anon-forgot-password");
    await visit("/catalog", "anon-catalog");
    await visit(`/catalog/offerings/${offeringId}`, "anon-offering");
    // A check-in code scanned a week early: the page says check-in is not open yet.
    await visit(`/check-in/${offeringId}?code=${checkInCode}`, "anon-check-in");
    await visit("/verify", "anon-verify");
    await visit("/help", "anon-help");
    await visit("/lecturers/request", "anon-lecture-request");
    await visit("/lecturers", "anon-lecturers");
    await againInEnglish();
  });

  it("a learner's pages, from home to the certificate", async () => {
    await signInAs(learnerEmail);
    await look("learner-home");
    await page.getByRole("link", { name: /학습 시작/ }).first().click();
    await page.waitForURL(/\/learn\/[^/]+$/);
    await look("learner-course");
    await takeCourse(
      page,
      { pretest: "learner-pretest", pretestResult: "learner-pretest-result", lesson: (n) => `learner-lesson-${n}`, quiz: "learner-quiz" },
      // Every page on the way to the quiz; of the lessons, the first two.
      async (name) => (/lesson-(\d+)$/.exec(name) && Number(/(\d+)$/.exec(name)![1]) > 2 ? undefined : look(name)),
    );
    await look("learner-result");
    await visit("/account", "learner-account");
    await visit("/record", "learner-record");
    const cert = await prisma.certificate.findFirstOrThrow({ where: { person: { user: { email: learnerEmail } } } });
    await visit(`/verify/${cert.verificationCode}`, "learner-verified");
    // The learner also heads the division: its read-only view, linked from home.
    await visit("/team", "learner-team");
    await visit(`/lecturers/rounds/${lecturerRoundId}/apply`, "learner-lecturer-apply");
    await visit("/lecturer", "learner-lecturer");
    await againInEnglish();
  });

  it("an HR officer's pages", async () => {
    await signInAs(hrEmail);
    await visit(`/hr?cycle=${cycleId}`, "hr-compliance");
    await visit(`/hr/units/${divisionId}?cycle=${cycleId}&show=all`, "hr-unit");
    await visit(`/hr/assignments/${assignmentId}`, "hr-assignment");
    await visit("/hr/import", "hr-import");
    await visit(`/hr/import/${importId}`, "hr-import-checked");
    await visit("/hr/org-chart", "hr-org-chart");
    await visit(`/hr/org-chart?q=${encodeURIComponent("과")}&asOf=2020-01-01`, "hr-org-chart-search");
    await visit("/hr/org-chart/import", "hr-org-chart-import");
    await visit(`/hr/import/${chartImportId}`, "hr-org-chart-checked");
    await visit("/hr/sessions", "hr-sessions");
    await visit(`/hr/sessions/${sessionId}`, "hr-session");
    await visit("/hr/sessions/new", "hr-session-new");
    await visit("/hr/oversight", "hr-oversight");
    await visit("/hr/reports", "hr-reports");
    await visit("/hr/delegates", "hr-delegates");
    await visit("/hr/hours", "hr-hours");
    await visit(`/hr/download?report=hours&format=csv&year=${clockYear()}`, "hr-hours-download");
    await visit("/account", "hr-account");
    await againInEnglish();
  });

  it("an academy administrator's pages", async () => {
    await signInAs(academyEmail);
    await visit("/academy", "academy");
    await visit("/academy/notices", "academy-notices");
    await visit("/academy/cycles", "academy-cycles");
    await visit(`/academy/cycles?cycle=${cycleId}&do=extend`, "academy-cycles-extend");
    await visit("/academy/offerings", "academy-offerings");
    await visit("/academy/offerings/new", "academy-offerings-new");
    await visit(`/academy/offerings/${offeringId}`, "academy-offering");
    await visit(`/academy/offerings/${offeringId}/check-in`, "academy-offering-check-in");
    await visit(`/academy/offerings/${runningClassId}`, "academy-offering-roll");
    await visit(`/academy/offerings/${closedClassId}`, "academy-offering-closed");
    await visit(`/academy?year=${clockYear()}`, "academy-year");
    await visit(`/academy/lecturer-feedback?year=${clockYear()}`, "academy-lecturer-feedback");
    await visit("/academy/lecture-requests", "academy-lecture-requests");
    await visit(`/academy/lecture-requests/${lectureRequestId}`, "academy-lecture-request");
    await visit("/academy/lecturers", "academy-lecturers");
    await visit(`/academy/lecturers/rounds/${lecturerRoundId}`, "academy-lecturer-round");
    await visit(`/academy/lecturers/applications/${lecturerApplicationId}`, "academy-lecturer-application");
    await againInEnglish();
  });

  it("a lecturer's pages", async () => {
    await signInAs(lecturerEmail);
    await visit("/lecturer/requests", "lecturer-requests");
    await visit("/lecturer/activity", "lecturer-activity");
    await visit(`/lecturer/feedback?year=${clockYear()}`, "lecturer-feedback");
    await againInEnglish();
  });

  it("a participant's survey of a class whose roll is closed", async () => {
    await signInAs(participantEmail);
    await visit(`/catalog/offerings/${closedClassId}/feedback`, "participant-survey");
    await againInEnglish();
  });

  it("the lecturer programme's pages: trainee, assessor, academy, lecturer, the public", async () => {
    // A trainee booked and scored once; another whose assessors are far apart (moderation); a third passed and appointed.
    const keys = (await currentRubric())!.criteria.map((c) => c.key);
    const levels = (n: number) => Object.fromEntries(keys.map((k) => [k, n]));
    const feedback = Object.fromEntries(keys.map((k) => [k, "관찰한 행동과 제출물에 근거한 피드백입니다."]));
    const booked = async (t: Awaited<ReturnType<typeof createTrainee>>) => {
      const demo = await createDemonstration();
      const r = await bookPracticum(t.user.id, demo.id);
      if (!r.ok) throw new Error(r.problem);
      await startDemonstration(demo.id);
      return r.attemptId;
    };
    const scoring = await createTrainee({ name: "채점중" });
    const scoringId = await booked(scoring);
    const [a, b] = [await createAssessor(), await createAssessor()];
    await scorePracticum(a.id, scoringId, { levels: levels(3), feedback });
    const moderated = await booked(await createTrainee({ name: "조정중" }));
    await scorePracticum(a.id, moderated, { levels: levels(4), feedback });
    await scorePracticum(b.id, moderated, { levels: levels(2), feedback });
    const lecturer = await createTrainee({ name: "강사님" });
    const passedId = await booked(lecturer);
    await scorePracticum(a.id, passedId, { levels: levels(4), feedback });
    await scorePracticum(b.id, passedId, { levels: levels(3), feedback });
    const academyId = (await prisma.user.findUniqueOrThrow({ where: { email: academyEmail } })).id;
    const appointed = await appointLecturer(academyId, lecturer.trainee.id, {});
    if (!appointed.ok) throw new Error(appointed.problem);
    await saveProfile(lecturer.user.id, { publicName: "강사님", fields: ["GENERAL", "DISABILITY"], districts: ["JUNG"], languages: ["KO", "EN"], accessibility: ["EASY_READ"], bioKo: "인권 일반과 장애 인권을 강의합니다.", bioEn: "General and disability rights.", published: true });
    const code = (await prisma.lecturerAppointment.findUniqueOrThrow({ where: { id: appointed.appointmentId } })).verificationCode;

    await signInAs(scoring.user.email);
    await visit("/lecturer/practicum", "lecturer-practicum");
    await againInEnglish();
    await signInAs(b.email);
    await visit("/assess", "assess");
    await visit(`/assess/${scoringId}`, "assess-score");
    await againInEnglish();
    await signInAs(academyEmail);
    await visit("/academy/practicums", "academy-practicums");
    await visit(`/assess/${moderated}`, "academy-moderate");
    await againInEnglish();
    await signInAs(lecturer.user.email);
    await visit("/lecturer/practicum", "lecturer-practicum-passed");
    await visit("/lecturer/profile", "lecturer-profile");
    await againInEnglish();
    await context.clearCookies();
    await visit("/lecturers/directory", "anon-lecturer-directory");
    await visit(`/verify/${code}`, "anon-lecturer-verified");
    await againInEnglish();
  });

  it("a system administrator's pages", async () => {
    await signInAs(adminEmail);
    await visit("/admin/roles", "admin-roles");
    await visit("/admin/access-log", "admin-access-log");
    await visit("/admin/seal", "admin-seal");
    await visit("/hr/oversight", "admin-oversight");
    await visit("/hr/import", "admin-import");
    await visit("/hr/org-chart", "admin-org-chart");
    await againInEnglish();
  });

  it("folds the header's links behind a menu button on a phone, operable by keyboard", async () => {
    // Still signed in as the system administrator.
    await page.setViewportSize(WIDTHS[0]);
    await page.goto("/admin/roles");
    const menu = page.getByRole("button", { name: "메뉴" });
    await menu.waitFor();
    const accessLog = page.getByRole("link", { name: "접근 기록" });
    expect(await accessLog.isVisible()).toBe(false);
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    const focused = () => page.evaluate(() => document.activeElement?.textContent?.trim());
    // Skip link, title, then the menu button.
    for (let i = 0; i < 3; i++) await page.keyboard.press("Tab");
    expect(await focused()).toBe("메뉴");
    await page.keyboard.press("Enter");
    expect(await menu.getAttribute("aria-expanded")).toBe("true");
    await look("menu-open");
    // The links come right after the button, in order.
    await page.keyboard.press("Tab");
    expect(await focused()).toBe("과정 안내");
    await page.keyboard.press("Escape");
    expect(await menu.getAttribute("aria-expanded")).toBe("false");
    expect(await focused()).toBe("메뉴");
    expect(await accessLog.isVisible()).toBe(false);
    await page.keyboard.press(" ");
    for (let i = 0; i < 10 && (await focused()) !== "접근 기록"; i++) await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await page.waitForURL(/\/admin\/access-log$/);
    // Closed again on the page it led to.
    await expect.poll(() => page.getByRole("button", { name: "메뉴" }).getAttribute("aria-expanded")).toBe("false");
    // On a wide screen there is no button: the links are in view.
    await page.setViewportSize({ width: 1280, height: 800 });
    expect(await page.getByRole("button", { name: "메뉴" }).isVisible()).toBe(false);
    expect(await accessLog.isVisible()).toBe(true);
    await page.screenshot({ path: join(SHOTS, "wide-access-log.png"), fullPage: true });
  });

  it("no page is wider than its viewport", () => {
    expect(measured.length).toBeGreaterThan(0);
    const offenders = measured
      .filter((m) => m.scrollWidth > m.clientWidth)
      .map((m) => `${m.page} at ${m.width}px: ${m.scrollWidth}px wide (viewport ${m.clientWidth}px)`);
    expect(offenders, `pages that scroll sideways:\n${offenders.join("\n")}`).toEqual([]);
  });

  it("every page is free of WCAG 2.2 AA violations at 375 px", () => {
    expect(axeFailures, axeFailures.join("\n")).toEqual([]);
  });
});
