import { json } from "@remix-run/node";
import type { Role } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { requireSession, type CurrentSession } from "./session.server";

export interface Actor extends CurrentSession {
  roles: Set<Role>;
  /** Root org units of the HR officer's scope (their subtrees are visible). */
  hrScopeUnitIds: string[];
}

/** The roles of a session: those read with it, else (a session built by hand) from the database. */
export async function loadActor(current: CurrentSession): Promise<Actor> {
  const grants =
    current.grants ??
    (await prisma.roleGrant.findMany({
      where: { userId: current.userId },
      select: { role: true, orgUnitId: true },
    }));
  const roles = new Set<Role>(["LEARNER", ...grants.map((g) => g.role)]);
  const hrScopeUnitIds = grants
    .filter((g) => g.role === "HR_OFFICER" && g.orgUnitId)
    .map((g) => g.orgUnitId as string);
  return { ...current, roles, hrScopeUnitIds };
}

export async function requireActor(request: Request, context?: unknown): Promise<Actor> {
  return loadActor(await requireSession(request, context));
}

/** The first line of a guarded loader or action: 403 unless the user holds one of the roles. */
export async function requireRole(request: Request, ...roles: Role[]): Promise<Actor> {
  const actor = await requireActor(request);
  if (!roles.some((r) => actor.roles.has(r))) {
    throw json({ error: "forbidden" }, { status: 403 });
  }
  return actor;
}
