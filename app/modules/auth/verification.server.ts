import { randomUUID } from "node:crypto";
import { hmac } from "@oslojs/crypto/hmac";
import { sha256, SHA256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import type { Prisma } from "~/generated/prisma/client";
import type { Locale, VerificationType } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";

type Tx = Prisma.TransactionClient;

/** How long a link works. An invitation waits for people who read mail weekly; a reset does not. */
export const LINK_LIFETIME_MINUTES: Record<VerificationType, number> = {
  INVITATION: 14 * 24 * 60,
  RESET_PASSWORD: 60,
  REGISTRATION: 24 * 60,
};

/** The outbox template of each kind of link. */
export const LINK_TEMPLATE: Record<VerificationType, string> = {
  INVITATION: "account-invitation",
  RESET_PASSWORD: "account-reset-password",
  REGISTRATION: "account-registration",
};

/**
 * The code in a link: 160 bits of HMAC-SHA256 over the row's id with
 * LINK_SECRET. The outbox carries only the row's id (the mail is rendered
 * from it when sent), the row only the code's hash: neither a copy of the
 * database nor of the queue yields a working link.
 */
export function linkCode(verificationId: string): string {
  const key = new TextEncoder().encode(getEnv().LINK_SECRET);
  const mac = hmac(SHA256, key, new TextEncoder().encode(`verification:${verificationId}`));
  return encodeBase32LowerCaseNoPadding(mac.slice(0, 20));
}

export function hashCode(code: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(code)));
}

/** A code as links carry it: 32 base32 characters. Anything else is not looked up. */
export function isCodeShape(code: unknown): code is string {
  return typeof code === "string" && /^[a-z2-7]{32}$/.test(code);
}

export function linkUrl(code: string): string {
  return `${getEnv().APP_ORIGIN}/account/verify?code=${code}`;
}

export interface IssueInput {
  type: VerificationType;
  target: string;
  locale: Locale;
  personId?: string | null;
  userId?: string | null;
  data?: Prisma.InputJsonValue;
}

/**
 * Replace any earlier proof of this kind for this address with a new one and
 * queue its e-mail, in the caller's transaction. Returns the outbox id for
 * delivery after the commit (the reminder tick re-queues it if that is lost),
 * or null when asked not to mail it.
 */
export async function issueVerification(tx: Tx, input: IssueInput): Promise<string>;
export async function issueVerification(tx: Tx, input: IssueInput, options: { mail: false }): Promise<null>;
export async function issueVerification(tx: Tx, input: IssueInput, options: { mail: boolean } = { mail: true }): Promise<string | null> {
  const id = randomUUID();
  const target = input.target.trim().toLowerCase();
  await tx.verification.deleteMany({ where: { type: input.type, target } });
  await tx.verification.create({
    data: {
      id,
      type: input.type,
      target,
      codeHash: hashCode(linkCode(id)),
      personId: input.personId ?? null,
      userId: input.userId ?? null,
      data: input.data,
      expiresAt: new Date(Date.now() + LINK_LIFETIME_MINUTES[input.type] * 60_000),
    },
  });
  // A link that travels inside another message (an assignment notice) has no mail of its own.
  if (!options.mail) return null;
  const outbox = await tx.outboxEmail.create({
    data: {
      dedupeKey: `verification:${id}`,
      toAddress: target,
      template: LINK_TEMPLATE[input.type],
      locale: input.locale,
      payload: { verificationId: id },
    },
    select: { id: true },
  });
  return outbox.id;
}

/** The live proof a link's code stands for, or null (unknown, altered, used or expired). Reads only. */
export async function findVerification(code: unknown) {
  if (!isCodeShape(code)) return null;
  const row = await prisma.verification.findUnique({
    where: { codeHash: hashCode(code) },
    include: { person: { select: { id: true, name: true, email: true, status: true } } },
  });
  if (!row || row.expiresAt <= new Date()) return null;
  return row;
}

/**
 * Use a proof: deleted in the caller's transaction, so of two simultaneous
 * submissions one gets the row and the other null. Null for an unknown,
 * expired or other-typed code.
 */
export async function consumeVerification(tx: Tx, code: string, types: VerificationType[]) {
  if (!isCodeShape(code)) return null;
  const rows = await tx.verification.findMany({
    where: { codeHash: hashCode(code), type: { in: types }, expiresAt: { gt: new Date() } },
  });
  const row = rows[0];
  if (!row) return null;
  const deleted = await tx.verification.deleteMany({ where: { id: row.id } });
  return deleted.count === 1 ? row : null;
}

/** The rows a batch of queued mails points at, those that can still be used (a mail whose link is not among them is not sent). */
export async function verificationsForMail(ids: string[]): Promise<Map<string, MailLink>> {
  if (ids.length === 0) return new Map();
  const rows = await prisma.verification.findMany({
    where: { id: { in: ids }, expiresAt: { gt: new Date() } },
    include: { person: { select: { name: true } }, user: { select: { displayName: true } } },
  });
  return new Map(rows.map((row) => [row.id, { ...row, url: linkUrl(linkCode(row.id)) }]));
}

/** A live link as its mail names it: whom it is for and where it leads. */
export type MailLink = Prisma.VerificationGetPayload<{ include: { person: { select: { name: true } }; user: { select: { displayName: true } } } }> & { url: string };

/** Forget proofs past their time (called from the reminder tick). */
export async function purgeExpiredVerifications(): Promise<number> {
  const { count } = await prisma.verification.deleteMany({ where: { expiresAt: { lte: new Date() } } });
  return count;
}
