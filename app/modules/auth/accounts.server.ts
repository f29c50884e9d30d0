import type { Locale } from "~/generated/prisma/enums";
import { recordAudit } from "~/modules/audit/audit.server";
import { unitIsInScope } from "~/modules/org/org.server";
import type { Actor } from "./permissions.server";
import { now } from "~/utils/clock.server";
import { prisma } from "~/utils/db.server";
import { queueDeliveries } from "~/modules/notifications/outbox.server";
import { normalizeEmail } from "./login.server";
import { hashPassword, verifyPassword } from "./password.server";
import { checkNewPassword, type PasswordProblem } from "./password-policy.server";
import { revokeAllSessions } from "./session.server";
import { isSsoOnlyPerson } from "./sso.server";
import { takeToken } from "./throttle.server";
import { consumeVerification, hashCode, isCodeShape, issueVerification, linkCode, linkUrl } from "./verification.server";
import { getEnv, oidcSettings } from "~/utils/env.server";
import { CITIZEN_CATEGORY, isCityStaffCategory } from "~/modules/org/staff-categories.server";

/** The privacy notice a person consents to; a new version asks again. */
export const PRIVACY_NOTICE_VERSION = "2026-12";

/** New links per address and per client address in an hour. */
export const LINK_THROTTLE = { windowMinutes: 60, perEmail: 3, perIp: 20 } as const;

export type InvitationRefusal = "not-found" | "has-account" | "left" | "sso";

/**
 * Invite a person on the roll to set a password: a new single-use link
 * replaces any earlier one. Audited with who sent it (null: the system).
 */
export async function sendInvitation(
  personId: string,
  actorUserId: string | null,
  locale: Locale = "ko",
): Promise<{ ok: true } | { ok: false; reason: InvitationRefusal }> {
  // City staff (with single sign-on configured) and people of single-sign-on-only units never get a password of ours.
  const who = await prisma.person.findUnique({ where: { id: personId }, select: { staffCategory: true } });
  if (who && (await usesSso(personId, who.staffCategory))) return { ok: false, reason: "sso" };
  const result = await prisma.$transaction(async (tx): Promise<{ refused: InvitationRefusal } | { outboxId: string }> => {
    const person = await tx.person.findUnique({ where: { id: personId }, include: { user: { select: { id: true } } } });
    if (!person) return { refused: "not-found" };
    if (person.status !== "ACTIVE") return { refused: "left" };
    if (person.user) return { refused: "has-account" };
    const outboxId = await issueVerification(tx, { type: "INVITATION", target: person.email, locale, personId });
    await recordAudit({ actorUserId, action: "account.invite", entityType: "person", entityId: personId }, tx);
    return { outboxId };
  });
  if ("refused" in result) return { ok: false, reason: result.refused };
  await queueDeliveries([result.outboxId]);
  return { ok: true };
}

/** How a person on the roll gets in, as their HR officer sees it. */
export type AccountState = "active" | "disabled" | "invited" | "none" | "sso";

export async function accountState(personId: string): Promise<AccountState> {
  const person = await prisma.person.findUnique({
    where: { id: personId },
    select: {
      staffCategory: true,
      user: { select: { disabledAt: true } },
      verifications: { where: { type: "INVITATION", expiresAt: { gt: new Date() } }, select: { id: true } },
    },
  });
  if (person?.user) return person.user.disabledAt ? "disabled" : "active";
  if (person && (await usesSso(personId, person.staffCategory))) return "sso";
  return person?.verifications.length ? "invited" : "none";
}

/**
 * An HR officer sends an invitation (again) to someone in their scope; null
 * when the person is outside it, so the route answers 404 as for a stranger.
 */
export async function sendInvitationAsOfficer(actor: Actor, personId: string, locale: Locale) {
  const person = await prisma.person.findUnique({ where: { id: personId }, select: { orgUnitId: true } });
  if (!person?.orgUnitId || !(await unitIsInScope(actor.hrScopeUnitIds, person.orgUnitId))) return null;
  return sendInvitation(personId, actor.userId, locale);
}

async function usesSso(personId: string, staffCategory: string): Promise<boolean> {
  return Boolean(oidcSettings() && (await isCityStaffCategory(staffCategory))) || (await isSsoOnlyPerson(personId));
}

export type WayIn = { kind: "home" | "sso" | "invitation"; href: string };

/**
 * The way in a notice or reminder offers: the site for someone with an
 * account, the sign-in page (its staff portal button) for city staff when
 * single sign-on is configured, else their invitation link: the live one, or
 * a new one carried by this message instead of a mail of its own.
 */
export async function wayIn(personId: string, locale: Locale): Promise<WayIn> {
  const origin = getEnv().APP_ORIGIN;
  const person = await prisma.person.findUnique({
    where: { id: personId },
    select: {
      email: true, staffCategory: true, status: true,
      user: { select: { id: true } },
      verifications: { where: { type: "INVITATION", expiresAt: { gt: new Date(Date.now() + 24 * 3600_000) } }, select: { id: true } },
    },
  });
  if (!person || person.user || person.status !== "ACTIVE") return { kind: "home", href: `${origin}/` };
  if (await usesSso(personId, person.staffCategory)) {
    return { kind: "sso", href: `${origin}/login` };
  }
  const live = person.verifications[0];
  if (live) return { kind: "invitation", href: linkUrl(linkCode(live.id)) };
  await prisma.$transaction((tx) => issueVerification(tx, { type: "INVITATION", target: person.email, locale, personId }, { mail: false }));
  const row = await prisma.verification.findFirstOrThrow({ where: { personId, type: "INVITATION" }, select: { id: true } });
  return { kind: "invitation", href: linkUrl(linkCode(row.id)) };
}

/**
 * "Send me a new link": a password reset for a password account, a new
 * invitation for someone on the roll without an account yet, nothing
 * otherwise. The caller shows the same answer in every case; only the
 * request rate is reported.
 */
export async function requestNewLink(rawEmail: string, ipAddress: string | null, locale: Locale): Promise<"sent" | "throttled"> {
  const email = normalizeEmail(rawEmail);
  const allowed = await takeToken(
    [
      { key: `link:email:${email}`, max: LINK_THROTTLE.perEmail },
      ...(ipAddress ? [{ key: `link:ip:${ipAddress}`, max: LINK_THROTTLE.perIp }] : []),
    ],
    LINK_THROTTLE.windowMinutes,
  );
  if (!allowed) return "throttled";

  const user = await prisma.user.findUnique({ where: { email }, select: { id: true, passwordHash: true, disabledAt: true, personId: true } });
  if (user) {
    if (user.passwordHash && !user.disabledAt && !(user.personId && (await isSsoOnlyPerson(user.personId)))) {
      const outboxId = await prisma.$transaction((tx) =>
        issueVerification(tx, { type: "RESET_PASSWORD", target: email, locale, userId: user.id }),
      );
      await queueDeliveries([outboxId]);
    }
    return "sent";
  }
  const person = await prisma.person.findFirst({
    where: { email: { equals: email, mode: "insensitive" }, status: "ACTIVE", user: null },
    select: { id: true },
  });
  if (person) await sendInvitation(person.id, null, locale);
  return "sent";
}

/** The address a live link of this kind was sent to, to check a new password against it. */
async function linkTarget(code: string, type: "INVITATION" | "RESET_PASSWORD" | "REGISTRATION") {
  if (!isCodeShape(code)) return null;
  return prisma.verification.findFirst({
    where: { type, codeHash: hashCode(code), expiresAt: { gt: new Date() } },
    select: { target: true },
  });
}

/**
 * A citizen asks for an account: a proof of the address is mailed, with what
 * they entered kept on it until they confirm. An address that already has an
 * account gets a note to its owner instead; the caller shows the same answer
 * either way, so registration never discloses who has an account.
 */
export async function startRegistration(
  input: { name: string; email: string; newsletter: boolean },
  ipAddress: string | null,
  locale: Locale,
): Promise<"sent" | "throttled"> {
  const email = normalizeEmail(input.email);
  const allowed = await takeToken(
    [
      { key: `link:email:${email}`, max: LINK_THROTTLE.perEmail },
      ...(ipAddress ? [{ key: `link:ip:${ipAddress}`, max: LINK_THROTTLE.perIp }] : []),
    ],
    LINK_THROTTLE.windowMinutes,
  );
  if (!allowed) return "throttled";
  const taken =
    (await prisma.user.findUnique({ where: { email }, select: { id: true } })) ??
    (await prisma.person.findFirst({ where: { email: { equals: email, mode: "insensitive" } }, select: { id: true } }));
  const outboxId = await prisma.$transaction(async (tx) => {
    if (taken) {
      const row = await tx.outboxEmail.create({
        data: { dedupeKey: `registration-exists:${email}:${Date.now()}`, toAddress: email, template: "account-registration-exists", locale, payload: {} },
        select: { id: true },
      });
      return row.id;
    }
    return issueVerification(tx, {
      type: "REGISTRATION",
      target: email,
      locale,
      data: { name: input.name, newsletter: input.newsletter, consentAt: new Date().toISOString(), locale },
    });
  });
  await queueDeliveries([outboxId]);
  return "sent";
}

/**
 * The address is proven: the citizen's account is created with their
 * password, as a person on the roll with the citizen category (no unit, no
 * employee number), so they can enrol in the academy's courses.
 */
export async function completeRegistration(
  code: string,
  input: NewPasswordInput,
): Promise<{ ok: true; userId: string } | { ok: false; problem: CompletionProblem }> {
  const preview = await linkTarget(code, "REGISTRATION");
  if (!preview) return { ok: false, problem: "link" };
  const problem = checkNewPassword(input.password, input.confirm, preview.target);
  if (problem) return { ok: false, problem };
  const passwordHash = await hashPassword(input.password);
  const userId = await prisma.$transaction(async (tx) => {
    const row = await consumeVerification(tx, code, ["REGISTRATION"]);
    if (!row) return null;
    const data = (row.data ?? {}) as { name?: string; consentAt?: string; locale?: Locale; newsletter?: boolean };
    const clash = await tx.user.findFirst({ where: { email: { equals: row.target, mode: "insensitive" } }, select: { id: true } });
    const personClash = await tx.person.findFirst({ where: { email: { equals: row.target, mode: "insensitive" } }, select: { id: true } });
    if (clash || personClash || !data.name) return null;
    const person = await tx.person.create({ data: { name: data.name, email: row.target, staffCategory: CITIZEN_CATEGORY }, select: { id: true } });
    const user = await tx.user.create({
      data: {
        email: row.target,
        passwordHash,
        passwordChangedAt: new Date(),
        displayName: data.name,
        locale: data.locale ?? "ko",
        personId: person.id,
        privacyConsentAt: data.consentAt ? new Date(data.consentAt) : new Date(),
        privacyNoticeVersion: PRIVACY_NOTICE_VERSION,
      },
      select: { id: true },
    });
    await recordAudit(
      { actorUserId: user.id, action: "account.register", entityType: "user", entityId: user.id, data: { privacyNoticeVersion: PRIVACY_NOTICE_VERSION, newsletter: Boolean(data.newsletter) } },
      tx,
    );
    return user.id;
  });
  return userId ? { ok: true, userId } : { ok: false, problem: "link" };
}

export type CompletionProblem = PasswordProblem | "consent" | "link";

export interface NewPasswordInput {
  password: string;
  confirm: string;
}

/**
 * The first visit of an invitation: the account is created with the
 * password and the consent, the link used up, all in one transaction; an
 * invalid link or password changes nothing.
 */
export async function activateInvitation(
  code: string,
  input: NewPasswordInput & { consent: boolean },
  locale: Locale,
): Promise<{ ok: true; userId: string } | { ok: false; problem: CompletionProblem }> {
  const preview = await linkTarget(code, "INVITATION");
  if (!preview) return { ok: false, problem: "link" };
  const problem = checkNewPassword(input.password, input.confirm, preview.target);
  if (problem) return { ok: false, problem };
  if (!input.consent) return { ok: false, problem: "consent" };
  const passwordHash = await hashPassword(input.password);
  const userId = await prisma.$transaction(async (tx) => {
    const row = await consumeVerification(tx, code, ["INVITATION"]);
    if (!row?.personId) return null;
    const person = await tx.person.findUnique({ where: { id: row.personId }, include: { user: { select: { id: true } } } });
    if (!person || person.status !== "ACTIVE" || person.user) return null;
    const now = new Date();
    const user = await tx.user.create({
      data: {
        email: normalizeEmail(person.email),
        passwordHash,
        passwordChangedAt: now,
        displayName: person.name,
        locale,
        personId: person.id,
        privacyConsentAt: now,
        privacyNoticeVersion: PRIVACY_NOTICE_VERSION,
      },
      select: { id: true },
    });
    await recordAudit({ actorUserId: user.id, action: "account.activate", entityType: "user", entityId: user.id, data: { personId: person.id, privacyNoticeVersion: PRIVACY_NOTICE_VERSION } }, tx);
    return user.id;
  });
  return userId ? { ok: true, userId } : { ok: false, problem: "link" };
}

/** A new password from a reset link; every session of the account ends. */
export async function resetPassword(
  code: string,
  input: NewPasswordInput,
): Promise<{ ok: true; userId: string } | { ok: false; problem: CompletionProblem }> {
  const preview = await linkTarget(code, "RESET_PASSWORD");
  if (!preview) return { ok: false, problem: "link" };
  const problem = checkNewPassword(input.password, input.confirm, preview.target);
  if (problem) return { ok: false, problem };
  const passwordHash = await hashPassword(input.password);
  const userId = await prisma.$transaction(async (tx) => {
    const row = await consumeVerification(tx, code, ["RESET_PASSWORD"]);
    if (!row?.userId) return null;
    const updated = await tx.user.updateMany({
      where: { id: row.userId, disabledAt: null },
      data: { passwordHash, passwordChangedAt: new Date() },
    });
    if (updated.count !== 1) return null;
    await recordAudit({ actorUserId: row.userId, action: "account.password-reset", entityType: "user", entityId: row.userId }, tx);
    return row.userId;
  });
  if (!userId) return { ok: false, problem: "link" };
  await revokeAllSessions(userId);
  return { ok: true, userId };
}

/**
 * A signed-in person changes their password: the current one first. Every
 * session ends; the caller signs this browser in again.
 */
export async function changePassword(
  userId: string,
  current: string,
  input: NewPasswordInput,
): Promise<{ ok: true } | { ok: false; problem: PasswordProblem | "current" }> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId }, select: { email: true, passwordHash: true } });
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, current))) return { ok: false, problem: "current" };
  const problem = checkNewPassword(input.password, input.confirm, user.email);
  if (problem) return { ok: false, problem };
  const passwordHash = await hashPassword(input.password);
  await prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: new Date() } });
    await recordAudit({ actorUserId: userId, action: "account.password-change", entityType: "user", entityId: userId }, tx);
  });
  await revokeAllSessions(userId);
  return { ok: true };
}

/** Sign out every other browser; this one stays. Returns how many ended. */
export async function endOtherSessions(userId: string, keepSessionId: string): Promise<number> {
  const { count } = await prisma.session.deleteMany({ where: { userId, id: { not: keepSessionId } } });
  return count;
}

/** What the profile page shows. */
export async function accountSummary(userId: string, currentSessionId: string) {
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      email: true, displayName: true, passwordHash: true, passwordChangedAt: true, privacyConsentAt: true,
      person: { select: { staffCategory: true } }, roleGrants: { select: { id: true } },
    },
  });
  const sessions = await prisma.session.findMany({
    where: { userId, absoluteExpiresAt: { gt: new Date() } },
    select: { id: true, createdAt: true, userAgent: true },
    orderBy: { createdAt: "desc" },
  });
  return {
    email: user.email,
    displayName: user.displayName,
    hasPassword: Boolean(user.passwordHash),
    passwordChangedAt: user.passwordChangedAt,
    privacyConsentAt: user.privacyConsentAt,
    otherSessions: sessions.filter((s) => s.id !== currentSessionId).length,
    canClose: user.person?.staffCategory === CITIZEN_CATEGORY && user.roleGrants.length === 0 && Boolean(user.passwordHash),
  };
}

/** Everything the product keeps about the signed-in person, for them to download (their right of access). */
export async function exportMyData(userId: string) {
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: {
      email: true, displayName: true, locale: true, createdAt: true, privacyConsentAt: true, privacyNoticeVersion: true, passwordChangedAt: true,
      roleGrants: { select: { role: true, orgUnit: { select: { code: true } }, createdAt: true } },
      connections: { select: { providerName: true, createdAt: true, lastUsedAt: true } },
      sessions: { select: { createdAt: true, ipAddress: true, userAgent: true } },
      person: {
        select: {
          name: true, email: true, employeeNo: true, staffCategory: true, grade: true, status: true, hiredOn: true, leftOn: true,
          orgUnit: { select: { code: true, nameKo: true } },
          assignments: {
            select: {
              status: true, assignedAt: true, dueAt: true, startedAt: true, completedAt: true, completionMode: true, exemptReason: true,
              cycle: { select: { label: true, obligation: { select: { code: true, titleKo: true } } } },
              courseVersion: { select: { titleKo: true, version: true } },
            },
          },
          certificates: { select: { number: true, courseTitleKo: true, cycleLabel: true, completedAt: true, status: true } },
        },
      },
    },
  });
  return { exportedAt: new Date().toISOString(), account: user };
}

/**
 * A citizen closes their account: the account and its sessions go, and their
 * entry is anonymised. What certificates already state stays, as the
 * privacy notice says. Staff on the roll cannot: their record is the city's.
 */
export async function closeCitizenAccount(userId: string, password: string): Promise<{ ok: true } | { ok: false; problem: "current" | "not-citizen" }> {
  const user = await prisma.user.findUniqueOrThrow({
    where: { id: userId },
    select: { passwordHash: true, personId: true, person: { select: { staffCategory: true } }, roleGrants: { select: { id: true } } },
  });
  if (user.person?.staffCategory !== CITIZEN_CATEGORY || user.roleGrants.length > 0) return { ok: false, problem: "not-citizen" };
  if (!user.passwordHash || !(await verifyPassword(user.passwordHash, password))) return { ok: false, problem: "current" };
  await prisma.$transaction(async (tx) => {
    await tx.person.update({
      where: { id: user.personId! },
      data: { name: "(탈퇴)", email: `closed+${user.personId}@closed.invalid`, status: "LEFT", leftOn: now() },
    });
    await tx.user.delete({ where: { id: userId } });
    await recordAudit({ actorUserId: userId, action: "account.close", entityType: "person", entityId: user.personId }, tx);
  });
  return { ok: true };
}
