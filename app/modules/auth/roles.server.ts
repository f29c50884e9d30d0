import type { Prisma } from "~/generated/prisma/client";
import { recordAudit } from "~/modules/audit/audit.server";
import { prisma } from "~/utils/db.server";

import type { GrantableRole } from "~/modules/org/coded-sets";

export type RoleChangeProblem = "no-account" | "unit-required" | "unknown-unit" | "already" | "not-found" | "last-admin";

/** Every unit's code and names, for the unit field of an HR officer grant. */
export function unitChoices() {
  return prisma.orgUnit.findMany({ orderBy: { code: "asc" }, select: { code: true, nameKo: true, nameEn: true } });
}

/** Accounts matching a name, e-mail or employee number, with their grants: at most 50. */
export async function findAccounts(query: string) {
  const q = query.trim();
  if (q.length < 2) return [];
  const users = await prisma.user.findMany({
    where: {
      OR: [
        { displayName: { contains: q, mode: "insensitive" } },
        { email: { contains: q.toLowerCase() } },
        { person: { employeeNo: q } },
      ],
    },
    orderBy: { displayName: "asc" },
    take: 50,
    select: {
      id: true,
      displayName: true,
      email: true,
      disabledAt: true,
      totp: { select: { confirmedAt: true } },
      person: { select: { employeeNo: true, orgUnit: { select: { nameKo: true, nameEn: true } } } },
      roleGrants: {
        orderBy: { createdAt: "asc" },
        select: { id: true, role: true, orgUnit: { select: { code: true, nameKo: true, nameEn: true } } },
      },
    },
  });
  return users;
}

/**
 * Give a role. An HR officer's grant names the unit whose subtree they
 * answer for (the database refuses one without); other roles are city-wide.
 * Audited in the same transaction.
 */
export async function grantRole(
  actorUserId: string,
  input: { userId: string; role: GrantableRole; unitCode?: string | null },
): Promise<{ ok: true } | { ok: false; problem: RoleChangeProblem }> {
  return prisma.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: input.userId }, select: { id: true } });
    if (!user) return { ok: false, problem: "no-account" } as const;
    let orgUnitId: string | null = null;
    if (input.role === "HR_OFFICER") {
      if (!input.unitCode) return { ok: false, problem: "unit-required" } as const;
      const unit = await tx.orgUnit.findUnique({ where: { code: input.unitCode }, select: { id: true } });
      if (!unit) return { ok: false, problem: "unknown-unit" } as const;
      orgUnitId = unit.id;
    }
    // Lock the account's grants so two administrators cannot add the same one twice.
    await tx.$queryRaw`SELECT id FROM role_grant WHERE user_id = ${input.userId}::uuid FOR UPDATE`;
    const existing = await tx.roleGrant.findFirst({ where: { userId: input.userId, role: input.role, orgUnitId } });
    if (existing) return { ok: false, problem: "already" } as const;
    const grant = await tx.roleGrant.create({ data: { userId: input.userId, role: input.role, orgUnitId }, select: { id: true } });
    await recordAudit(
      { actorUserId, action: "role.grant", entityType: "user", entityId: input.userId, data: { grantId: grant.id, role: input.role, unitCode: input.unitCode ?? null } },
      tx,
    );
    return { ok: true } as const;
  });
}

/**
 * Take a role back. The last system administrator's grant stays: every
 * system administrator grant is locked first, so two administrators removing
 * each other at the same moment cannot leave none. Roles are read on every
 * request, so a removed right stops at the person's next click.
 */
export function revokeRole(actorUserId: string, grantId: string): Promise<{ ok: true } | { ok: false; problem: RoleChangeProblem }> {
  return prisma.$transaction((tx) => revokeRoleIn(tx, actorUserId, grantId));
}

/** revokeRole in the caller's transaction. */
export async function revokeRoleIn(tx: Prisma.TransactionClient, actorUserId: string, grantId: string): Promise<{ ok: true } | { ok: false; problem: RoleChangeProblem }> {
  const grant = await tx.roleGrant.findUnique({ where: { id: grantId }, include: { orgUnit: { select: { code: true } } } });
  if (!grant || grant.role === "LEARNER") return { ok: false, problem: "not-found" } as const;
  if (grant.role === "SYSTEM_ADMIN") {
    const admins = await tx.$queryRaw<Array<{ id: string }>>`
      SELECT g.id FROM role_grant g JOIN app_user u ON u.id = g.user_id
      WHERE g.role = 'SYSTEM_ADMIN' AND u.disabled_at IS NULL
      FOR UPDATE OF g`;
    if (admins.filter((a) => a.id !== grantId).length === 0) return { ok: false, problem: "last-admin" } as const;
  }
  await tx.roleGrant.delete({ where: { id: grantId } });
  await recordAudit(
    { actorUserId, action: "role.revoke", entityType: "user", entityId: grant.userId, data: { grantId, role: grant.role, unitCode: grant.orgUnit?.code ?? null } },
    tx,
  );
  return { ok: true } as const;
}
