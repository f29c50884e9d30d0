import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action as catalogAction, loader as catalogLoader } from "~/routes/catalog";
import { createPerson, createUnit, createUser } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { finishCourse } from "../../../prisma/seed";
import { EnrolmentError, enrol } from "./catalog.server";

async function anElective() {
  const v = await prisma.courseVersion.findFirstOrThrow({ where: { track: "ELECTIVE" }, include: { course: true } });
  return v.course.slug;
}

describe("academy catalog", () => {
  it("lists every course publicly and enrols a signed-in person once, however often they click", async () => {
    const anonymous = await respond(() => catalogLoader({ request: getRequest("/catalog"), params: {}, context: {} }));
    const listed = await anonymous.json();
    expect(listed.canEnrol).toBe(false);
    expect(listed.courses.map((c: { track: string }) => c.track)).toEqual(expect.arrayContaining(["ANNUAL_GENERAL", "ELECTIVE"]));

    const person = await createPerson((await createUnit("DIVISION")).id);
    const user = await createUser({ personId: person.id });
    const cookie = await sessionCookieFor(user.id);
    const slug = await anElective();
    const first = await respond(() => catalogAction({ request: postForm("/catalog", { intent: "enrol", course: slug }, cookie), params: {}, context: {} }));
    const second = await respond(() => catalogAction({ request: postForm("/catalog", { intent: "enrol", course: slug }, cookie), params: {}, context: {} }));
    expect(first.status).toBe(302);
    expect(second.headers.get("Location")).toBe(first.headers.get("Location"));
    expect(await prisma.assignment.count({ where: { personId: person.id } })).toBe(1);
  });

  it("refuses mandatory courses, unknown courses and tampered forms", async () => {
    const person = await createPerson((await createUnit("DIVISION")).id);
    await expect(enrol(person.id, "annual-civil-servants", person.id)).rejects.toBeInstanceOf(EnrolmentError);
    await expect(enrol(person.id, "no-such-course", person.id)).rejects.toBeInstanceOf(EnrolmentError);
    const user = await createUser({ personId: person.id });
    const cookie = await sessionCookieFor(user.id);
    const res = await respond(() => catalogAction({ request: postForm("/catalog", { intent: "drop-table", course: "x" }, cookie), params: {}, context: {} }));
    expect(res.status).toBe(400);
  });

  it("certifies a completed elective as voluntary, with no obligation", async () => {
    const person = await createPerson((await createUnit("DIVISION")).id, "CITIZEN", "최시민");
    const assignmentId = await enrol(person.id, await anElective(), person.id);
    const result = await finishCourse(person.id, assignmentId);
    expect(result.passed).toBe(true);
    const cert = await prisma.certificate.findUniqueOrThrow({ where: { assignmentId } });
    expect(cert.obligationTitleKo).toContain("선택 과정");
    expect(cert.cycleLabel).toMatch(/^\d{4}$/);
  });
});
