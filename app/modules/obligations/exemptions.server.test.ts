import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action, loader } from "~/routes/hr.assignments.$assignmentId";
import { unitCompliance } from "~/modules/compliance/compliance.server";
import { loadActor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { createPerson, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";

describe("exemptions", () => {
  let hrCookie: string;
  let outsiderCookie: string;
  let assignmentId: string;
  let cycleId: string;
  let world: Awaited<ReturnType<typeof createWorld>>;

  beforeAll(async () => {
    world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "육아휴직자");
    const { cycle } = await openTestCycle(world.obligation.id);
    cycleId = cycle.id;
    assignmentId = (await prisma.assignment.findFirstOrThrow({ where: { personId: person.id, cycleId } })).id;
    hrCookie = await sessionCookieFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] })).id);
    outsiderCookie = await sessionCookieFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.otherBureau.id }] })).id);
  });

  const post = (fields: Record<string, string>, cookie = hrCookie) =>
    respond(() => action({ request: postForm("/x", fields, cookie), params: { assignmentId }, context: {} }));

  it("need a reason, and nothing changes without one", async () => {
    const res = await post({ intent: "exempt", reason: " " });
    expect(res.status).toBe(400);
    expect((await res.json()).fieldError).toContain("사유");
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).status).toBe("ASSIGNED");
  });

  it("are out of reach for officers of other units", async () => {
    expect((await post({ intent: "exempt", reason: "육아휴직 (2026-05-01~)" }, outsiderCookie)).status).toBe(404);
    const res = await respond(() => loader({ request: getRequest("/x", outsiderCookie), params: { assignmentId }, context: {} }));
    expect(res.status).toBe(404);
  });

  it("are recorded with who and why, count as exempt, and can be reversed", async () => {
    expect((await post({ intent: "exempt", reason: "육아휴직 (2026-05-01~)" })).status).toBe(302);
    const a = await prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } });
    expect(a.status).toBe("EXEMPTED");
    expect(a.exemptReason).toBe("육아휴직 (2026-05-01~)");

    const session = await getCurrentSession(getRequest("/", hrCookie));
    const units = await unitCompliance(await loadActor(session!), cycleId);
    expect(units.find((u) => u.unitId === world.division.id)).toMatchObject({ assigned: 1, exempted: 1, ratePercent: null });

    expect((await post({ intent: "exempt", reason: "두 번째 시도" })).status).toBe(409);
    expect((await post({ intent: "revoke", reason: "휴직 취소로 복직" })).status).toBe(302);
    expect((await prisma.assignment.findUniqueOrThrow({ where: { id: assignmentId } })).status).toBe("ASSIGNED");

    const page = await (await respond(() => loader({ request: getRequest("/x", hrCookie), params: { assignmentId }, context: {} }))).json();
    expect(page.history.map((h: { action: string; reason: string }) => [h.action, h.reason])).toEqual([
      ["assignment.exempt.revoke", "휴직 취소로 복직"],
      ["assignment.exempt", "육아휴직 (2026-05-01~)"],
    ]);
    expect(page.history[0].by).toBe("테스트 사용자");
  });
});
