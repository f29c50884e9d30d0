import { prisma } from "~/utils/db.server";
import { dummyHash, verifyPassword } from "./password.server";
import { isSsoOnlyPerson } from "./sso.server";

/** Failed attempts allowed per e-mail and per IP address in the window. */
export const THROTTLE = { windowMinutes: 15, perEmail: 5, perIp: 30 } as const;

export type LoginResult =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid" | "throttled" | "sso-only" };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function attemptLogin(
  rawEmail: string,
  password: string,
  ipAddress: string | null,
): Promise<LoginResult> {
  const email = normalizeEmail(rawEmail);
  const since = new Date(Date.now() - THROTTLE.windowMinutes * 60_000);
  const [byEmail, byIp] = await Promise.all([
    prisma.loginAttempt.count({ where: { email, success: false, createdAt: { gte: since } } }),
    ipAddress
      ? prisma.loginAttempt.count({ where: { ipAddress, success: false, createdAt: { gte: since } } })
      : Promise.resolve(0),
  ]);
  if (byEmail >= THROTTLE.perEmail || byIp >= THROTTLE.perIp) {
    await prisma.loginAttempt.create({ data: { email, ipAddress, success: false } });
    return { ok: false, reason: "throttled" };
  }

  const user = await prisma.user.findUnique({ where: { email } });
  // An account without a password (single sign-on only) or a missing one still costs one verification.
  const valid = user?.passwordHash
    ? (await verifyPassword(user.passwordHash, password)) && !user.disabledAt
    : (await verifyPassword(await dummyHash(), password)) && false;
  await prisma.loginAttempt.create({ data: { email, ipAddress, success: valid } });
  if (!user || !valid) return { ok: false, reason: "invalid" };
  // A password left over from before a unit moved to single sign-on does not open it.
  if (user.personId && (await isSsoOnlyPerson(user.personId))) return { ok: false, reason: "sso-only" };
  return { ok: true, userId: user.id };
}
