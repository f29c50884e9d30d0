import { prisma } from "~/utils/db.server";
import { subtreeScope, unitIsInScope } from "~/modules/org/org.server";
import type { Actor } from "./permissions.server";
import { grantRole, revokeRoleIn, type RoleChangeProblem } from "./roles.server";

export type DelegationProblem = RoleChangeProblem | "out-of-scope" | "not-on-roll-here";

/** HR officer grants for units inside the officer's own scope (their own included), and the units they may delegate. */
export async function listDelegation(actor: Actor) {
  if (actor.hrScopeUnitIds.length === 0) return { grants: [], units: [] };
  const units = await prisma.$queryRaw<Array<{ id: string; code: string; name_ko: string; name_en: string }>>`
    ${subtreeScope(actor.hrScopeUnitIds)}
    SELECT u.id, u.code, u.name_ko, u.name_en FROM org_unit u WHERE u.id IN (SELECT id FROM scope) ORDER BY u.code`;
  const grants = await prisma.roleGrant.findMany({
    where: { role: "HR_OFFICER", orgUnitId: { in: units.map((u) => u.id) } },
    orderBy: { createdAt: "asc" },
    select: { id: true, userId: true, user: { select: { displayName: true, email: true } }, orgUnit: { select: { code: true, nameKo: true, nameEn: true } } },
  });
  return {
    grants: grants.map((g) => ({ ...g, own: g.userId === actor.userId })),
    units: units.map((u) => ({ code: u.code, nameKo: u.name_ko, nameEn: u.name_en })),
  };
}

/**
 * An HR officer makes someone on the roll inside their scope (a welfare
 * facility's manager, say) HR officer for a unit below their own: never as
 * wide as their own, so delegates cannot remove the officer who named them,
 * nor officers remove peers. Audited like any grant.
 */
export async function delegateHrOfficer(actor: Actor, input: { email: string; unitCode: string }): Promise<{ ok: true } | { ok: false; problem: DelegationProblem }> {
  const unit = await prisma.orgUnit.findUnique({ where: { code: input.unitCode }, select: { id: true } });
  if (!unit) return { ok: false, problem: "unknown-unit" };
  if (!(await strictlyInside(actor, unit.id))) return { ok: false, problem: "out-of-scope" };
  const user = await prisma.user.findUnique({
    where: { email: input.email.trim().toLowerCase() },
    select: { id: true, person: { select: { orgUnitId: true, status: true } } },
  });
  // Only someone on the roll of the officer's own units: an officer cannot probe the city's accounts.
  if (!user?.person?.orgUnitId || user.person.status !== "ACTIVE" || !(await unitIsInScope(actor.hrScopeUnitIds, user.person.orgUnitId))) {
    return { ok: false, problem: "not-on-roll-here" };
  }
  return grantRole(actor.userId, { userId: user.id, role: "HR_OFFICER", unitCode: input.unitCode });
}

/** Take back an HR officer grant inside the officer's scope; not their own (an administrator does that). */
export async function revokeDelegation(actor: Actor, grantId: string): Promise<{ ok: true } | { ok: false; problem: DelegationProblem }> {
  const grant = await prisma.roleGrant.findUnique({ where: { id: grantId }, select: { role: true, userId: true, orgUnitId: true } });
  if (!grant || grant.role !== "HR_OFFICER" || !grant.orgUnitId || grant.userId === actor.userId) return { ok: false, problem: "not-found" };
  if (!(await strictlyInside(actor, grant.orgUnitId))) return { ok: false, problem: "not-found" };
  return prisma.$transaction((tx) => revokeRoleIn(tx, actor.userId, grantId));
}

/** A unit under one of the officer's own units, not one of those units itself. */
async function strictlyInside(actor: Actor, unitId: string): Promise<boolean> {
  return !actor.hrScopeUnitIds.includes(unitId) && (await unitIsInScope(actor.hrScopeUnitIds, unitId));
}
