import { sha256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { encodeBase32LowerCaseNoPadding, encodeBase32UpperCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { createTOTPKeyURI, generateHOTP } from "@oslojs/otp";
import QRCode from "qrcode";
import type { Role } from "~/generated/prisma/enums";
import { recordAudit } from "~/modules/audit/audit.server";
import { prisma } from "~/utils/db.server";
import { safeRedirectPath } from "~/utils/http.server";
import { sealedCookie } from "~/utils/sealed-cookie.server";
import { openSession } from "./landing.server";
import { takeToken } from "./throttle.server";

/**
 * A second factor for staff who sign in with a password of ours: HR officers
 * and administrators see and change many people's records, and assessors
 * decide whether a trainee becomes a lecturer. Time-based
 * one-time passwords (RFC 6238: 30-second steps, 6 digits, SHA-1, which every
 * authenticator app reads), with ten single-use recovery codes. People who
 * sign in through the city's identity provider rely on the provider's own.
 */
export const SECOND_FACTOR_ROLES: readonly Role[] = ["HR_OFFICER", "ACADEMY_ADMIN", "SYSTEM_ADMIN", "ASSESSOR"];
const STEP_SECONDS = 30;
const DIGITS = 6;
/** Codes from the step before and after are accepted, for clocks a little apart. */
const DRIFT_STEPS = 1;
const RECOVERY_CODES = 10;
/** Tries at the second step per account in 15 minutes, right or wrong. */
const TRIES_PER_WINDOW = 10;
const ISSUER = "서울시 인권교육";

export type SecondFactorState = "not-required" | "enrol" | "verify";

/** What a password sign-in of this account still needs. */
export async function secondFactorState(userId: string): Promise<SecondFactorState> {
  const user = await prisma.user.findUnique({
    where: { id: userId },
    select: { passwordHash: true, totp: { select: { confirmedAt: true } }, roleGrants: { where: { role: { in: [...SECOND_FACTOR_ROLES] } }, select: { id: true }, take: 1 } },
  });
  if (!user) return "not-required";
  if (user.totp?.confirmedAt) return "verify";
  return user.passwordHash && user.roleGrants.length > 0 ? "enrol" : "not-required";
}

/**
 * The sign-in between the password and the second factor, kept by the
 * browser under the server's seal for ten minutes, and only on /login paths.
 */
const pendingCookie = sealedCookie<{ userId: string; redirectTo: string }>({
  name: "hre_2fa",
  path: "/login",
  purpose: "second-factor",
  minutes: 10,
  sameSite: "Strict",
});

export function pendingSignIn(request: Request): { userId: string; redirectTo: string } | null {
  return pendingCookie.read(request);
}

export interface SignInMeta {
  ipAddress: string | null;
  userAgent: string | null;
}

/**
 * The password (or an e-mailed link that set one) is right: open a session,
 * or, for staff who need a second factor, send the browser to ask for it. An
 * account that has to set one up gets its key here, on this POST, so that the
 * page that shows it changes nothing.
 */
export async function completePasswordSignIn(userId: string, redirectTo: unknown, meta: SignInMeta): Promise<{ location: string; cookie: string }> {
  const target = safeRedirectPath(redirectTo);
  const state = await secondFactorState(userId);
  if (state === "not-required") return openSession(userId, target, meta);
  if (state === "enrol") await prepareKey(userId);
  return { location: "/login/two-factor", cookie: pendingCookie.set({ userId, redirectTo: target }) };
}

export const clearPendingCookie = pendingCookie.clear;

function newKey(): Uint8Array {
  const key = new Uint8Array(20);
  crypto.getRandomValues(key);
  return key;
}

/** A key not yet confirmed is kept for the next try, so a code already scanned still works. */
async function prepareKey(userId: string): Promise<void> {
  await prisma.totpCredential.upsert({ where: { userId }, create: { userId, key: Buffer.from(newKey()) }, update: {} });
}

export interface Enrolment {
  /** The key as people type it into an app: base32 in groups of four. */
  keyText: string;
  uri: string;
  qrSvg: string;
}

/** The key being set up, to show: a QR code of its otpauth URI and the key as text. */
export async function enrolment(userId: string): Promise<Enrolment | null> {
  const row = await prisma.totpCredential.findUnique({ where: { userId }, select: { key: true, confirmedAt: true, user: { select: { email: true } } } });
  if (!row || row.confirmedAt) return null;
  const key = new Uint8Array(row.key);
  const uri = createTOTPKeyURI(ISSUER, row.user.email, key, STEP_SECONDS, DIGITS);
  const qrSvg = await QRCode.toString(uri, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  const keyText = encodeBase32UpperCaseNoPadding(key).match(/.{1,4}/g)!.join(" ");
  return { keyText, uri, qrSvg };
}

function currentStep(): bigint {
  return BigInt(Math.floor(Date.now() / 1000 / STEP_SECONDS));
}

/** The step whose code this is, within the allowed drift; null when none matches. */
function matchingStep(key: Uint8Array, code: string): bigint | null {
  const given = new TextEncoder().encode(code);
  const now = currentStep();
  for (let d = -DRIFT_STEPS; d <= DRIFT_STEPS; d++) {
    const step = now + BigInt(d);
    if (constantTimeEqual(new TextEncoder().encode(generateHOTP(key, step, DIGITS)), given)) return step;
  }
  return null;
}

function normalizeRecoveryCode(input: string): string {
  return input.toLowerCase().replace(/[^a-z2-7]/g, "");
}

function hashRecoveryCode(code: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(normalizeRecoveryCode(code))));
}

function newRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODES }, () => {
    const bytes = new Uint8Array(7);
    crypto.getRandomValues(bytes);
    const text = encodeBase32LowerCaseNoPadding(bytes).slice(0, 10);
    return `${text.slice(0, 5)}-${text.slice(5)}`;
  });
}

export type CodeRefusal = "wrong-code" | "throttled" | "expired";

/**
 * A code from the app for this step, accepted once: the step is recorded in
 * the same statement that checks it was not used, so a code seen over a
 * shoulder, or sent twice, does not open a second session.
 */
async function spendTotpCode(userId: string, key: Uint8Array, code: string, confirmed: boolean): Promise<boolean> {
  if (!/^\d{6}$/.test(code)) return false;
  const step = matchingStep(key, code);
  if (step === null) return false;
  const updated = await prisma.$executeRaw`
    UPDATE totp_credential SET last_step = ${step}
    WHERE user_id = ${userId}::uuid AND (last_step IS NULL OR last_step < ${step})
      AND (confirmed_at IS NOT NULL) = ${confirmed}`;
  return updated === 1;
}

function limit(userId: string): Promise<boolean> {
  return takeToken([{ key: `second-factor:${userId}`, max: TRIES_PER_WINDOW }], 15);
}

/** The second step of a sign-in: a code from the app, or one of the recovery codes. */
export async function verifySecondFactor(userId: string, input: string): Promise<{ ok: true; recoveryCodesLeft: number | null } | { ok: false; reason: CodeRefusal }> {
  if (!(await limit(userId))) return { ok: false, reason: "throttled" };
  const row = await prisma.totpCredential.findUnique({ where: { userId }, select: { key: true, confirmedAt: true } });
  if (!row?.confirmedAt) return { ok: false, reason: "expired" };
  const code = input.replace(/\s/g, "");
  if (await spendTotpCode(userId, new Uint8Array(row.key), code, true)) return { ok: true, recoveryCodesLeft: null };
  const normalized = normalizeRecoveryCode(input);
  if (normalized.length !== 10) return { ok: false, reason: "wrong-code" };
  return prisma.$transaction(async (tx) => {
    const used = await tx.recoveryCode.updateMany({ where: { userId, codeHash: hashRecoveryCode(normalized), usedAt: null }, data: { usedAt: new Date() } });
    if (used.count !== 1) return { ok: false as const, reason: "wrong-code" as const };
    const left = await tx.recoveryCode.count({ where: { userId, usedAt: null } });
    await recordAudit({ actorUserId: userId, action: "second-factor.recovery-code-used", entityType: "user", entityId: userId, data: { left } }, tx);
    return { ok: true as const, recoveryCodesLeft: left };
  });
}

/** The first code from a new key puts it in use and gives the owner their recovery codes, shown once. */
export async function confirmEnrolment(userId: string, input: string): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; reason: CodeRefusal }> {
  if (!(await limit(userId))) return { ok: false, reason: "throttled" };
  const row = await prisma.totpCredential.findUnique({ where: { userId }, select: { key: true, confirmedAt: true } });
  if (!row || row.confirmedAt) return { ok: false, reason: "expired" };
  if (!(await spendTotpCode(userId, new Uint8Array(row.key), input.replace(/\s/g, ""), false))) return { ok: false, reason: "wrong-code" };
  const codes = newRecoveryCodes();
  await prisma.$transaction(async (tx) => {
    await tx.totpCredential.update({ where: { userId }, data: { confirmedAt: new Date() } });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.recoveryCode.createMany({ data: codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) })) });
    await recordAudit({ actorUserId: userId, action: "second-factor.enrolled", entityType: "user", entityId: userId }, tx);
  });
  return { ok: true, recoveryCodes: codes };
}

/** New recovery codes for a signed-in owner who proves the app with a current code; the old ones stop working. */
export async function replaceRecoveryCodes(userId: string, input: string): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false; reason: CodeRefusal }> {
  if (!(await limit(userId))) return { ok: false, reason: "throttled" };
  const row = await prisma.totpCredential.findUnique({ where: { userId }, select: { key: true, confirmedAt: true } });
  if (!row?.confirmedAt) return { ok: false, reason: "expired" };
  if (!(await spendTotpCode(userId, new Uint8Array(row.key), input.replace(/\s/g, ""), true))) return { ok: false, reason: "wrong-code" };
  const codes = newRecoveryCodes();
  await prisma.$transaction(async (tx) => {
    await tx.recoveryCode.deleteMany({ where: { userId } });
    await tx.recoveryCode.createMany({ data: codes.map((c) => ({ userId, codeHash: hashRecoveryCode(c) })) });
    await recordAudit({ actorUserId: userId, action: "second-factor.recovery-codes-replaced", entityType: "user", entityId: userId }, tx);
  });
  return { ok: true, recoveryCodes: codes };
}

/** What the profile page says about the second factor. */
export async function secondFactorSummary(userId: string): Promise<{ enrolled: boolean; recoveryCodesLeft: number }> {
  const [row, left] = await Promise.all([
    prisma.totpCredential.findUnique({ where: { userId }, select: { confirmedAt: true } }),
    prisma.recoveryCode.count({ where: { userId, usedAt: null } }),
  ]);
  return { enrolled: Boolean(row?.confirmedAt), recoveryCodesLeft: left };
}

/**
 * A system administrator clears someone's second factor (a lost phone and no
 * recovery codes): the owner sets a new one at their next sign-in, and their
 * sessions end now. Audited with the reason.
 */
export async function resetSecondFactor(actorUserId: string, userId: string, reason: string): Promise<boolean> {
  return prisma.$transaction(async (tx) => {
    const removed = await tx.totpCredential.deleteMany({ where: { userId } });
    await tx.recoveryCode.deleteMany({ where: { userId } });
    if (removed.count === 0) return false;
    await tx.session.deleteMany({ where: { userId } });
    await recordAudit({ actorUserId, action: "second-factor.reset", entityType: "user", entityId: userId, reason }, tx);
    return true;
  });
}
