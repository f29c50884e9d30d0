import { prisma } from "~/utils/db.server";
import { createUserSession } from "./session.server";
import { CITIZEN_CATEGORY } from "~/modules/org/staff-categories.server";

/**
 * Where a person lands after signing in without a page to return to: on the
 * work of their role (HR officer: compliance; academy administrator: the
 * academy; system administrator: administration; citizen: the catalog),
 * else on what they owe.
 */
export async function landingPath(userId: string): Promise<string> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { person: { select: { staffCategory: true } }, roleGrants: { select: { role: true } } },
  });
  if (!user) return "/";
  const roles = new Set(user.roleGrants.map((g) => g.role));
  if (roles.has("HR_OFFICER")) return "/hr";
  if (roles.has("ACADEMY_ADMIN")) return "/academy";
  if (roles.has("SYSTEM_ADMIN")) return "/admin/roles";
  // A citizen owes nothing: they came for the academy's catalog.
  if (user.person?.staffCategory === CITIZEN_CATEGORY) return "/catalog";
  return "/";
}

/** A new session, and where it lands: the page asked for, else the work of the role. */
export async function openSession(
  userId: string,
  target: string,
  meta: { ipAddress: string | null; userAgent: string | null },
): Promise<{ location: string; cookie: string }> {
  const cookie = await createUserSession(userId, meta);
  return { location: target === "/" ? await landingPath(userId) : target, cookie };
}
