import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action as rolesAction, loader as rolesLoader } from "~/routes/admin.roles";
import { action as loginAction } from "~/routes/login";
import { action as twoFactorAction } from "~/routes/login_.two-factor";
import { createPerson, createUnit, createUser, TEST_PASSWORD, uid } from "../../../test/factories";
import { currentTotpCode } from "../../../test/totp";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { loadActor } from "./permissions.server";
import { getCurrentSession } from "./session.server";
import { revokeRoleIn } from "./roles.server";

const ctx = { context: { ip: "192.0.2.30" }, params: {} };
let admin: { id: string; cookie: string };

beforeAll(async () => {
  const user = await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] });
  admin = { id: user.id, cookie: await sessionCookieFor(user.id) };
});

const post = (fields: Record<string, string>, cookie = admin.cookie) =>
  respond(() => rolesAction({ request: postForm("/admin/roles", fields, cookie), ...ctx }));

describe("role administration", () => {
  it("is for system administrators only", async () => {
    const learner = await createUser();
    const cookie = await sessionCookieFor(learner.id);
    expect((await respond(() => rolesLoader({ request: getRequest("/admin/roles", cookie), ...ctx }))).status).toBe(403);
    expect((await post({ intent: "grant", userId: learner.id, role: "SYSTEM_ADMIN" }, cookie)).status).toBe(403);
    expect(await prisma.roleGrant.count({ where: { userId: learner.id } })).toBe(0);
  });

  it("makes someone an HR officer for a unit, which they then see, and audits it", async () => {
    const unit = await createUnit("WELFARE_FACILITY");
    const person = await createPerson(unit.id, "WELFARE_FACILITY_STAFF", "시설장");
    const user = await createUser({ personId: person.id });
    const page = await respond(() => rolesLoader({ request: getRequest(`/admin/roles?q=${encodeURIComponent(user.email)}`, admin.cookie), ...ctx }));
    expect((await page.json()).accounts.map((a: { id: string }) => a.id)).toEqual([user.id]);

    const noUnit = await post({ intent: "grant", userId: user.id, role: "HR_OFFICER", unitCode: "" });
    expect(noUnit.status).toBe(400);
    expect((await noUnit.json()).formError).toContain("조직");
    const badUnit = await post({ intent: "grant", userId: user.id, role: "HR_OFFICER", unitCode: "NO-SUCH-UNIT" });
    expect(badUnit.status).toBe(400);

    const ok = await post({ intent: "grant", userId: user.id, role: "HR_OFFICER", unitCode: unit.code, q: user.email });
    expect(ok.status).toBe(302);
    const actor = await loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(user.id))))!);
    expect(actor.roles.has("HR_OFFICER")).toBe(true);
    expect(actor.hrScopeUnitIds).toEqual([unit.id]);
    expect((await post({ intent: "grant", userId: user.id, role: "HR_OFFICER", unitCode: unit.code })).status).toBe(400);
    const events = await prisma.auditEvent.findMany({ where: { action: "role.grant", entityId: user.id } });
    expect(events).toHaveLength(1);
    expect(events[0]!.actorUserId).toBe(admin.id);

    // At their next sign-in they set up a second factor, then land on their compliance page.
    const login = await respond(() => loginAction({ request: postForm("/login", { email: user.email, password: TEST_PASSWORD, redirectTo: "/" }), ...ctx }));
    expect(login.headers.get("Location")).toBe("/login/two-factor");
    const pending = login.headers.get("Set-Cookie")!.split(";")[0]!;
    const done = await respond(async () =>
      twoFactorAction({ request: postForm("/login/two-factor", { intent: "enrol", code: await currentTotpCode(user.email) }, pending), ...ctx }),
    );
    expect((await done.json()).next).toBe("/hr");

    const grant = await prisma.roleGrant.findFirstOrThrow({ where: { userId: user.id, role: "HR_OFFICER" } });
    expect((await post({ intent: "revoke", grantId: grant.id })).status).toBe(302);
    expect(await prisma.roleGrant.count({ where: { userId: user.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: "role.revoke", entityId: user.id } })).toBe(1);
  });

  it("gives city-wide roles without a unit, once", async () => {
    const user = await createUser({ email: `academy-${uid()}@test.example` });
    expect((await post({ intent: "grant", userId: user.id, role: "ACADEMY_ADMIN" })).status).toBe(302);
    expect((await post({ intent: "grant", userId: user.id, role: "ACADEMY_ADMIN" })).status).toBe(400);
    expect((await post({ intent: "grant", userId: user.id, role: "ASSESSOR" })).status).toBe(302);
    expect((await post({ intent: "grant", userId: user.id, role: "LEARNER" })).status).toBe(400);
    const grants = await prisma.roleGrant.findMany({ where: { userId: user.id } });
    expect(grants.map((g) => [g.role, g.orgUnitId]).sort()).toEqual([["ACADEMY_ADMIN", null], ["ASSESSOR", null]]);
  });

  it("never takes back the last system administrator's role", async () => {
    const own = await prisma.roleGrant.findFirstOrThrow({ where: { userId: admin.id, role: "SYSTEM_ADMIN" } });
    // Inside a transaction that is rolled back: the other administrators (of other test files) are set aside.
    const outcome = await prisma
      .$transaction(async (tx) => {
        await tx.roleGrant.deleteMany({ where: { role: "SYSTEM_ADMIN", id: { not: own.id } } });
        const result = await revokeRoleIn(tx, admin.id, own.id);
        throw Object.assign(new Error("rollback"), { result });
      })
      .catch((e: { result?: unknown }) => e.result);
    expect(outcome).toEqual({ ok: false, problem: "last-admin" });
    // With a second administrator, one may go.
    const second = await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] });
    const theirs = await prisma.roleGrant.findFirstOrThrow({ where: { userId: second.id } });
    expect((await post({ intent: "revoke", grantId: theirs.id })).status).toBe(302);
  });
});
