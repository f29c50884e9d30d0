import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loader as hrLoader } from "~/routes/hr._index";
import { loader as unitLoader } from "~/routes/hr.units.$unitId";
import { loader as exportLoader } from "~/routes/hr.export[.csv]";
import { createPerson, createUnit, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, respond, sessionCookieFor } from "../../../test/http";
import { finishCourse } from "../../../prisma/seed";

describe("HR officer's compliance view", () => {
  let hrCookie: string;
  let learnerCookie: string;
  let cycleId: string;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let team: { id: string };

  beforeAll(async () => {
    world = await createWorld();
    team = await createUnit("TEAM", world.division.id, "팀");
    const done = await createPerson(world.division.id, "CIVIL_SERVANT", "=HYPERLINK(\"x\")");
    await createPerson(world.division.id, "CIVIL_SERVANT", "이미진");
    await createPerson(team.id, "CIVIL_SERVANT", "박서준");
    await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "다른국사람");
    const welfare = await createUnit("WELFARE_FACILITY", world.bureau.id, "복지관");
    await createPerson(welfare.id, "WELFARE_FACILITY_STAFF", "복지관직원");
    const { cycle, assigned } = await openTestCycle(world.obligation.id);
    expect(assigned).toBe(4); // the welfare facility is not in this obligation's audience
    cycleId = cycle.id;
    const a = await prisma.assignment.findFirstOrThrow({ where: { cycleId, personId: done.id } });
    await finishCourse(done.id, a.id);

    const hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    hrCookie = await sessionCookieFor(hr.id);
    const learner = await createUser({ personId: (await createPerson(world.division.id)).id });
    learnerCookie = await sessionCookieFor(learner.id);
  });

  it("counts per unit of my subtree only, in the query", async () => {
    const res = await respond(() => hrLoader({ request: getRequest(`/hr?cycle=${cycleId}`, hrCookie), params: {}, context: {} }));
    const data = await res.json();
    const byCode = Object.fromEntries(data.units.map((u: { code: string }) => [u.code, u]));
    expect(Object.keys(byCode)).not.toContain(world.otherBureau.code);
    expect(byCode[world.division.code]).toMatchObject({ assigned: 2, completed: 1, notStarted: 1, ratePercent: 50 });
    expect(byCode[world.bureau.code]).toMatchObject({ assigned: 0, ratePercent: null });
    expect(data.units.find((u: { unitId: string }) => u.unitId === team.id)).toMatchObject({ assigned: 1, completed: 0, depth: 2 });
  });

  it("drills down to the people not yet done, and refuses units outside my scope", async () => {
    const res = await respond(() =>
      unitLoader({ request: getRequest(`/hr/units/${world.division.id}?cycle=${cycleId}`, hrCookie), params: { unitId: world.division.id }, context: {} }),
    );
    const data = await res.json();
    expect(data.people.map((p: { name: string }) => p.name)).toEqual(["이미진"]);
    const outside = await respond(() =>
      unitLoader({ request: getRequest(`/hr/units/${world.otherBureau.id}?cycle=${cycleId}`, hrCookie), params: { unitId: world.otherBureau.id }, context: {} }),
    );
    expect(outside.status).toBe(404);
  });

  it("is forbidden to learners", async () => {
    const res = await respond(() => hrLoader({ request: getRequest("/hr", learnerCookie), params: {}, context: {} }));
    expect(res.status).toBe(403);
  });

  it("exports CSV with a BOM, Korean intact, formulas neutralised, and logs the download", async () => {
    const res = await respond(() => exportLoader({ request: getRequest(`/hr/export.csv?cycle=${cycleId}`, hrCookie), params: {}, context: {} }));
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = new TextDecoder().decode(bytes.subarray(3));
    const lines = text.trim().split("\r\n");
    expect(lines[0]).toContain("직원번호");
    expect(lines).toHaveLength(1 + 3);
    expect(text).toContain(`"'=HYPERLINK(""x"")"`);
    expect(text).toContain("이수 완료");
    expect(text).not.toContain("다른국사람");
    expect(await prisma.auditEvent.count({ where: { action: "report.export", entityId: cycleId } })).toBeGreaterThan(0);
  });
});
