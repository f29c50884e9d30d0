import type { Locale } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { queueDeliveries } from "~/modules/notifications/outbox.server";
import { dummyHash, verifyPassword } from "./password.server";
import { isSsoOnlyPerson } from "./sso.server";

/**
 * Sign-in limits over a window. Failures from one address against one
 * account (the pair) buy growing waits, 1, 2, 4 … minutes up to the window,
 * rather than a lock; so someone guessing from elsewhere cannot lock the
 * owner out. One address across all accounts, and one account across all
 * addresses (a spread-out attack), have higher ceilings. The owner is told
 * by e-mail when the pair limit is first reached.
 */
export const THROTTLE = { windowMinutes: 15, perPair: 5, perIp: 30, perEmail: 100 } as const;

export type LoginResult =
  | { ok: true; userId: string }
  | { ok: false; reason: "invalid" | "sso-only" | "disabled" }
  | { ok: false; reason: "throttled"; retryAfterMinutes: number };

export function normalizeEmail(email: string): string {
  return email.trim().toLowerCase();
}

export async function attemptLogin(
  rawEmail: string,
  password: string,
  ipAddress: string | null,
): Promise<LoginResult> {
  const email = normalizeEmail(rawEmail);
  const wait = await waitBeforeAttempt(email, ipAddress);
  if (wait > 0) return { ok: false, reason: "throttled", retryAfterMinutes: wait };

  const user = await prisma.user.findUnique({ where: { email } });
  // An account without a password (single sign-on only) or a missing one still costs one verification.
  const rightPassword = user?.passwordHash
    ? await verifyPassword(user.passwordHash, password)
    : (await verifyPassword(await dummyHash(), password)) && false;
  const valid = rightPassword && !user?.disabledAt;
  await prisma.loginAttempt.create({ data: { email, ipAddress, success: valid } });
  if (!valid && user) await noticeOnPairLimit(user.id, user.email, user.locale, email, ipAddress);
  // Someone who proves the password of a disabled account (a leaver) is told why, as single sign-on
  // tells them; a wrong password learns nothing about the account.
  if (user && rightPassword && user.disabledAt) return { ok: false, reason: "disabled" };
  if (!user || !valid) return { ok: false, reason: "invalid" };
  // A password left over from before a unit moved to single sign-on does not open it.
  if (user.personId && (await isSsoOnlyPerson(user.personId))) return { ok: false, reason: "sso-only" };
  return { ok: true, userId: user.id };
}

/** Whole minutes to wait before this address may try this account again; 0 to go ahead. Refused tries are not counted. */
async function waitBeforeAttempt(email: string, ipAddress: string | null): Promise<number> {
  const now = Date.now();
  const since = new Date(now - THROTTLE.windowMinutes * 60_000);
  const failed = { success: false, createdAt: { gte: since } };
  const [pair, lastPair, byIp, byEmail] = await Promise.all([
    prisma.loginAttempt.count({ where: { email, ipAddress, ...failed } }),
    prisma.loginAttempt.findFirst({ where: { email, ipAddress, ...failed }, orderBy: { createdAt: "desc" }, select: { createdAt: true } }),
    ipAddress ? prisma.loginAttempt.count({ where: { ipAddress, ...failed } }) : Promise.resolve(0),
    prisma.loginAttempt.count({ where: { email, ...failed } }),
  ]);
  if (byIp >= THROTTLE.perIp || byEmail >= THROTTLE.perEmail) return THROTTLE.windowMinutes;
  if (pair < THROTTLE.perPair || !lastPair) return 0;
  const waitMs = Math.min(2 ** (pair - THROTTLE.perPair), THROTTLE.windowMinutes) * 60_000;
  const left = lastPair.createdAt.getTime() + waitMs - now;
  return left > 0 ? Math.ceil(left / 60_000) : 0;
}

/** The failure that reached the pair limit: the owner hears of it, once an hour at most. */
async function noticeOnPairLimit(userId: string, address: string, locale: Locale, email: string, ipAddress: string | null) {
  const since = new Date(Date.now() - THROTTLE.windowMinutes * 60_000);
  const pair = await prisma.loginAttempt.count({ where: { email, ipAddress, success: false, createdAt: { gte: since } } });
  if (pair !== THROTTLE.perPair) return;
  const hour = new Date().toISOString().slice(0, 13);
  const rows = await prisma.$queryRaw<Array<{ id: string }>>`
    INSERT INTO outbox_email (dedupe_key, to_address, template, locale, payload)
    VALUES (${`signin-failures:${userId}:${hour}`}, ${address}, 'account-signin-failures', ${locale}::"Locale", '{}'::jsonb)
    ON CONFLICT (dedupe_key) DO NOTHING
    RETURNING id`;
  await queueDeliveries(rows.map((r) => r.id));
}
