import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loader } from "~/routes/team";
import { loader as home } from "~/routes/_index";
import { createPerson, createUnit, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, respond, sessionCookieFor } from "../../../test/http";

describe("a head of unit's own unit", () => {
  let world: Awaited<ReturnType<typeof createWorld>>;
  let team: { id: string };
  let headCookie: string;
  let memberCookie: string;
  let cycleId: string;

  beforeAll(async () => {
    world = await createWorld();
    team = await createUnit("TEAM", world.division.id, "팀");
    const head = await createPerson(world.division.id, "CIVIL_SERVANT", "과장님");
    await prisma.person.update({ where: { id: head.id }, data: { isUnitHead: true } });
    const member = await createPerson(world.division.id, "CIVIL_SERVANT", "주무관");
    await createPerson(team.id, "CIVIL_SERVANT", "팀원");
    await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "다른국사람");
    cycleId = (await openTestCycle(world.obligation.id)).cycle.id;
    headCookie = await sessionCookieFor((await createUser({ personId: head.id })).id);
    memberCookie = await sessionCookieFor((await createUser({ personId: member.id })).id);
  });

  const open = (path: string, cookie = headCookie) => respond(() => loader({ request: getRequest(path, cookie), params: {}, context: {} }));

  it("shows the unit and those under it, and its people's progress, to its head only", async () => {
    const res = await open(`/team?cycle=${cycleId}`);
    expect(res.status).toBe(200);
    const d = await res.json();
    expect(d.units.map((u: { unitId: string; assigned: number }) => [u.unitId, u.assigned])).toEqual([[world.division.id, 3], [team.id, 1]]);
    expect(d.people.map((p: { name: string }) => p.name).sort()).toEqual(["과장님", "주무관"]);
    const below = await (await open(`/team?cycle=${cycleId}&unit=${team.id}`)).json();
    expect(below.people.map((p: { name: string }) => p.name)).toEqual(["팀원"]);
    expect(await prisma.auditEvent.count({ where: { action: "report.view", entityId: cycleId, data: { path: ["report"], equals: "team" } } })).toBeGreaterThanOrEqual(2);
  });

  it("does not exist for anyone else, nor for units outside the head's own", async () => {
    expect((await open(`/team?cycle=${cycleId}`, memberCookie)).status).toBe(404);
    expect((await open(`/team?cycle=${cycleId}&unit=${world.otherBureau.id}`)).status).toBe(404);
    expect((await open(`/team?cycle=${cycleId}&unit=${world.bureau.id}`)).status).toBe(404);
  });

  it("is linked from the head's home, and only theirs", async () => {
    const mine = await (await respond(() => home({ request: getRequest("/", headCookie), params: {}, context: {} }))).json();
    expect(mine.headsUnit).toBe(true);
    const theirs = await (await respond(() => home({ request: getRequest("/", memberCookie), params: {}, context: {} }))).json();
    expect(theirs.headsUnit).toBe(false);
  });
});
