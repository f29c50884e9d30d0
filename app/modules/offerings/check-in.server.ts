import { createHmac, timingSafeEqual } from "node:crypto";
import QRCode from "qrcode";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { isUuid } from "~/utils/ids";
import { now } from "~/utils/clock.server";
import { plainText } from "~/utils/text";
import { CHECK_IN_STEP_SECONDS } from "./codes";

/**
 * Checking in on the day with the class's rotating code (ADR 027). The lecturer's screen shows a
 * QR code that changes every STEP_SECONDS: `<step>.<mac>`, the mac an HMAC (LINK_SECRET) of the
 * class's id and the step. It cannot be made for another class or another moment without the
 * secret; a code is fresh for two steps when it is scanned, and the page it opens has FORM_STEPS
 * to be sent (a name and address to type). A person checks in once; scanning again says so.
 */
export const STEP_SECONDS = CHECK_IN_STEP_SECONDS;
/** How many steps old a scanned code may be (the current one and the one before). */
const SCAN_STEPS = 1;
/** How many steps old the code may be when the check-in form is sent: five minutes to type a name. */
const FORM_STEPS = 10;
/** Check-in opens this long before the class and closes when it ends. */
const OPENS_BEFORE_MS = 60 * 60 * 1000;

export type CodeProblem = "invalid" | "expired" | "notOpen";
export type CheckInOutcome = "checkedIn" | "already" | "notRegistered" | CodeProblem;

function stepAt(at: Date): number {
  return Math.floor(at.getTime() / 1000 / STEP_SECONDS);
}

function mac(offeringId: string, step: number): string {
  return createHmac("sha256", getEnv().LINK_SECRET).update(`offering-check-in:${offeringId}:${step}`).digest("base64url").slice(0, 22);
}

/** The code for the class at this moment, the address its QR code opens, and when it changes. */
export async function currentCode(offeringId: string, at: Date = now()) {
  const step = stepAt(at);
  const code = `${step}.${mac(offeringId, step)}`;
  const url = `${getEnv().APP_ORIGIN}/check-in/${offeringId}?code=${code}`;
  const svg = await QRCode.toString(url, { type: "svg", errorCorrectionLevel: "M", margin: 2 });
  return { code, url, svg, changesAt: new Date((step + 1) * STEP_SECONDS * 1000) };
}

/** Whether a code is this class's and fresh enough; `steps` is how old it may be. */
export function checkCode(offeringId: string, code: string, at: Date, steps = SCAN_STEPS): CodeProblem | null {
  const m = /^(\d{1,12})\.([A-Za-z0-9_-]{22})$/.exec(code);
  if (!m || !isUuid(offeringId)) return "invalid";
  const step = Number(m[1]);
  const expected = Buffer.from(mac(offeringId, step));
  const given = Buffer.from(m[2]!);
  // Made for another class, or not made by us.
  if (!timingSafeEqual(expected, given)) return "invalid";
  const current = stepAt(at);
  if (step > current) return "invalid";
  if (current - step > steps) return "expired";
  return null;
}

async function openForCheckIn(offeringId: string, at: Date) {
  const o = await prisma.offering.findUnique({ where: { id: offeringId }, select: { id: true, status: true, startsAt: true, endsAt: true, titleKo: true, titleEn: true, rollClosedAt: true } });
  // Once its roll is closed, the class's attendance is its training session: nobody checks in after.
  if (!o || o.status !== "SCHEDULED" || o.rollClosedAt || at.getTime() < o.startsAt.getTime() - OPENS_BEFORE_MS || at > o.endsAt) return null;
  return o;
}

/** What a scan opens, without recording anything (a GET): the class, or why the code is refused. */
export async function scanned(offeringId: string, code: string) {
  const at = now();
  const problem = checkCode(offeringId, code, at);
  if (problem) return { problem };
  const o = await openForCheckIn(offeringId, at);
  if (!o) return { problem: "notOpen" as const };
  return { offering: o };
}

async function mark(registrationId: string, method: "qr" | "form"): Promise<CheckInOutcome> {
  const updated = await prisma.offeringRegistration.updateMany({
    where: { id: registrationId, status: "CONFIRMED", checkedInAt: null, offering: { rollClosedAt: null } },
    data: { checkedInAt: now(), checkInMethod: method },
  });
  return updated.count === 1 ? "checkedIn" : "already";
}

/** A signed-in person with a seat checks in with the code they scanned. */
export async function checkInSignedIn(offeringId: string, code: string, personId: string): Promise<CheckInOutcome> {
  const at = now();
  const problem = checkCode(offeringId, code, at, FORM_STEPS);
  if (problem) return problem;
  if (!(await openForCheckIn(offeringId, at))) return "notOpen";
  const reg = await prisma.offeringRegistration.findUnique({ where: { offeringId_personId: { offeringId, personId } }, select: { id: true, status: true } });
  if (!reg || reg.status !== "CONFIRMED") return "notRegistered";
  return mark(reg.id, "qr");
}

/**
 * Someone not signed in checks in with the code they scanned, their name and their e-mail address:
 * matched to a confirmed registration of this class only (an address alone does not check anyone in).
 */
export async function checkInByForm(offeringId: string, code: string, name: string, email: string): Promise<CheckInOutcome> {
  const at = now();
  const problem = checkCode(offeringId, code, at, FORM_STEPS);
  if (problem) return problem;
  if (!(await openForCheckIn(offeringId, at))) return "notOpen";
  const reg = await prisma.offeringRegistration.findFirst({
    where: { offeringId, status: "CONFIRMED", person: { email: email.trim().toLowerCase(), name: plainText(name) } },
    select: { id: true },
  });
  if (!reg) return "notRegistered";
  return mark(reg.id, "form");
}

/** Who may show the code: the class's own lecturers, and the academy. */
export async function mayShowCode(offeringId: string, userId: string, roles: Set<string>) {
  if (!isUuid(offeringId)) return null;
  const o = await prisma.offering.findUnique({ where: { id: offeringId } });
  if (!o) return null;
  if (roles.has("ACADEMY_ADMIN") || roles.has("SYSTEM_ADMIN") || (roles.has("LECTURER") && o.lecturerUserIds.includes(userId))) return o;
  return null;
}

export async function checkInCounts(offeringId: string) {
  const [row] = await prisma.$queryRaw<Array<{ confirmed: number; checkedIn: number }>>`
    SELECT count(*) FILTER (WHERE status = 'CONFIRMED')::int AS confirmed,
      count(*) FILTER (WHERE status = 'CONFIRMED' AND checked_in_at IS NOT NULL)::int AS "checkedIn"
    FROM offering_registration WHERE offering_id = ${offeringId}::uuid`;
  return row ?? { confirmed: 0, checkedIn: 0 };
}
