import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action as delegatesAction, loader as delegatesLoader } from "~/routes/hr.delegates";
import { createPerson, createUnit, createUser } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";

const ctx = { context: {}, params: {} };

describe("an HR officer delegating", () => {
  let bureau: { id: string; code: string };
  let facility: { id: string; code: string };
  let officerCookie: string;
  let manager: { id: string; email: string };

  beforeAll(async () => {
    bureau = await createUnit("BUREAU");
    facility = await createUnit("WELFARE_FACILITY", bureau.id);
    officerCookie = await sessionCookieFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: bureau.id }] })).id);
    const person = await createPerson(facility.id, "WELFARE_FACILITY_STAFF", "시설장");
    manager = await createUser({ personId: person.id, email: person.email });
  });

  const post = (fields: Record<string, string>, cookie = officerCookie) =>
    respond(() => delegatesAction({ request: postForm("/hr/delegates", fields, cookie), ...ctx }));

  it("makes a facility's manager HR officer for that facility, inside their own scope only, audited", async () => {
    const outside = await createUnit("WELFARE_FACILITY");
    expect((await post({ intent: "grant", email: manager.email, unitCode: outside.code })).status).toBe(400);
    // Not as wide as their own.
    expect((await post({ intent: "grant", email: manager.email, unitCode: bureau.code })).status).toBe(400);
    const stranger = await createUser({ personId: (await createPerson(outside.id)).id });
    expect((await post({ intent: "grant", email: stranger.email, unitCode: facility.code })).status).toBe(400);

    expect((await post({ intent: "grant", email: manager.email, unitCode: facility.code })).status).toBe(302);
    const grant = await prisma.roleGrant.findFirstOrThrow({ where: { userId: manager.id, role: "HR_OFFICER" } });
    expect(grant.orgUnitId).toBe(facility.id);
    expect(await prisma.auditEvent.count({ where: { action: "role.grant", entityId: manager.id } })).toBe(1);
    const page = await respond(() => delegatesLoader({ request: getRequest("/hr/delegates", officerCookie), ...ctx }));
    expect((await page.json()).grants.map((g: { userId: string }) => g.userId)).toContain(manager.id);

    // The delegate cannot take back the grant of the officer who named them.
    const managerCookie = await sessionCookieFor(manager.id);
    const officerGrant = await prisma.roleGrant.findFirstOrThrow({ where: { role: "HR_OFFICER", orgUnitId: bureau.id } });
    expect((await post({ intent: "revoke", grantId: officerGrant.id }, managerCookie)).status).toBe(400);
    expect((await post({ intent: "revoke", grantId: grant.id })).status).toBe(302);
    expect(await prisma.roleGrant.count({ where: { id: grant.id } })).toBe(0);
  });

  it("is for HR officers only", async () => {
    const learner = await sessionCookieFor((await createUser()).id);
    expect((await post({ intent: "grant", email: manager.email, unitCode: facility.code }, learner)).status).toBe(403);
  });
});
