import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action as catalogAction, loader as catalogLoader } from "~/routes/catalog";
import { loader as lecturerLoader } from "~/routes/lecturer._index";
import { EnrolmentError, StageLockedError, enrol } from "~/modules/catalog/catalog.server";
import { finishCourse } from "../../../prisma/seed";
import { createUser, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { ensureTestStage } from "../../../test/lecturers";
import { advanceTraineesAfterCompletion, stageProgress } from "./stages.server";

async function person(name: string) {
  const p = await prisma.person.create({ data: { name, email: `s-${uid()}@test.example`, staffCategory: "CITIZEN" } });
  return { person: p, user: await createUser({ personId: p.id }) };
}

/** An accepted applicant, straight into the tables (recruitment.server.test.ts covers how one gets there). */
async function trainee(name = "정교육") {
  const { person: p, user } = await person(name);
  const admin = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
  const round = await prisma.lecturerRound.create({
    data: { titleKo: "단계 시험 회차", titleEn: "Stage test round", opensAt: new Date(0), closesAt: new Date(1), places: 1, fields: ["GENERAL"], createdById: admin.id },
  });
  const application = await prisma.lecturerApplication.create({
    data: { roundId: round.id, personId: p.id, background: "-", motivation: "-", fields: ["GENERAL"], consentAt: new Date(0), consentVersion: "t", submittedAt: new Date(0), status: "ACCEPTED" },
  });
  const t = await prisma.lecturerTrainee.create({ data: { personId: p.id, applicationId: application.id, acceptedAt: new Date(0) } });
  return { person: p, user, traineeId: t.id };
}

/** The track's stages, lowest first (stage 1 shipped, then the tests' own). */
async function stages() {
  await ensureTestStage();
  return (await stageProgress(null)).stages;
}

describe("the lecturer track's stages", () => {
  it("refuse a lecturer-track course to someone who is not a trainee, with a message in their language", async () => {
    const [first] = await stages();
    const { person: p, user } = await person("비교육생");
    await expect(enrol(p.id, first!.slug, user.id)).rejects.toBeInstanceOf(StageLockedError);
    await expect(enrol(p.id, first!.slug, user.id)).rejects.toBeInstanceOf(EnrolmentError);
    const cookie = await sessionCookieFor(user.id);
    const res = await respond(() => catalogAction({ request: postForm("/catalog", { intent: "enrol", course: first!.slug }, cookie), params: {}, context: {} }));
    expect(res.status).toBe(409);
    expect((await res.json()).formError).toBe("인권강사 교육생으로 선발된 분만 수강할 수 있습니다.");
    expect(await prisma.assignment.count({ where: { personId: p.id } })).toBe(0);
    // The catalog shows the stage locked, and why.
    const page = await (await respond(() => catalogLoader({ request: getRequest("/catalog", ""), params: {}, context: {} }))).json();
    expect(page.stageLocks[first!.courseId]).toMatchObject({ reason: "notTrainee" });
  });

  it("open in order: the next stage only once the one before is completed, and the last moves the trainee to the practicum", async () => {
    const track = await stages();
    expect(track.length).toBeGreaterThanOrEqual(2);
    const { person: p, user, traineeId } = await trainee();
    const cookie = await sessionCookieFor(user.id);
    await prisma.user.update({ where: { id: user.id }, data: { locale: "en" } });

    let progress = await stageProgress(p.id);
    expect(progress.stages.map((s) => s.state)).toEqual(["open", ...track.slice(1).map(() => "locked")]);
    const second = track[1]!;
    await expect(enrol(p.id, second.slug, user.id)).rejects.toMatchObject({ refusal: { reason: "stageLocked", stage: second.stage, waitingFor: track[0]!.stage } });
    const refused = await respond(() => catalogAction({ request: postForm("/catalog", { intent: "enrol", course: second.slug }, cookie), params: {}, context: {} }));
    expect((await refused.json()).formError).toBe(`Complete stage ${track[0]!.stage} first to take this course.`);

    const page = await (await respond(() => lecturerLoader({ request: getRequest("/lecturer", cookie), params: {}, context: {} }))).json();
    expect(page.recruitment.trainee.status).toBe("TRAINING");
    expect(page.recruitment.locks).toContainEqual({ courseId: second.courseId, reason: "stageLocked", stage: second.stage, waitingFor: track[0]!.stage });

    for (const [i, s] of track.entries()) {
      const assignmentId = await enrol(p.id, s.slug, user.id);
      progress = await stageProgress(p.id);
      expect(progress.stages[i]!.state).toBe("inProgress");
      expect(progress.trainee!.status).toBe("TRAINING");
      const done = await finishCourse(p.id, assignmentId);
      expect(done.passed).toBe(true);
    }
    progress = await stageProgress(p.id);
    expect(progress.stages.every((s) => s.state === "completed")).toBe(true);
    expect((await prisma.lecturerTrainee.findUniqueOrThrow({ where: { id: traineeId } })).status).toBe("PRACTICUM");
  });

  it("move every trainee whose last stage a completion was, in one statement, and no one else", async () => {
    const track = await stages();
    const done = await trainee("모두이수");
    const short = await trainee("한단계남음");
    const ids: string[] = [];
    for (const [who, upTo] of [[done, track.length], [short, track.length - 1]] as const) {
      for (const s of track.slice(0, upTo)) {
        const a = await prisma.assignment.create({ data: { personId: who.person.id, courseId: s.courseId, status: "COMPLETED", completedAt: new Date(), completionMode: "IN_PERSON" } });
        ids.push(a.id);
      }
    }
    expect(await prisma.$transaction((tx) => advanceTraineesAfterCompletion(tx, ids))).toBe(1);
    expect((await prisma.lecturerTrainee.findUniqueOrThrow({ where: { id: done.traineeId } })).status).toBe("PRACTICUM");
    expect((await prisma.lecturerTrainee.findUniqueOrThrow({ where: { id: short.traineeId } })).status).toBe("TRAINING");
    expect(await advanceTraineesAfterCompletion(prisma, [])).toBe(0);
  });

  it("close again to a trainee who withdrew", async () => {
    const [first] = await stages();
    const { person: p, user, traineeId } = await trainee("중단자");
    await prisma.lecturerTrainee.update({ where: { id: traineeId }, data: { status: "WITHDRAWN" } });
    await expect(enrol(p.id, first!.slug, user.id)).rejects.toMatchObject({ refusal: { reason: "notTrainee" } });
    expect((await stageProgress(p.id)).stages[0]!.state).toBe("locked");
  });

  it("leave courses off the track alone", async () => {
    const elective = await prisma.courseVersion.findFirstOrThrow({ where: { track: "ELECTIVE" }, include: { course: true } });
    const { person: p, user } = await person("선택과정");
    expect(await enrol(p.id, elective.course.slug, user.id)).toMatch(/^[0-9a-f-]{36}$/);
  });
});
