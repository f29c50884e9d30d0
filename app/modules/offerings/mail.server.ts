import { Readable } from "node:stream";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import type { Locale } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { formatDate, pick, translator } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { composeMail, type RenderedMail } from "~/modules/notifications/templates.server";
import { buildIcs } from "./ics";
import { feedbackStillWanted } from "./feedback.server";

const payloadSchema = z.object({
  registrationId: z.string().uuid(),
  kind: z.enum(["confirmed", "waitlisted", "promoted", "cancelled", "changed", "reminder", "feedback"]),
});

/** "2026년 12월 10일 14:00–16:00", "10 December 2026 at 14:00–16:00". */
export function classTime(o: { startsAt: Date; endsAt: Date }, locale: Locale): string {
  const end = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Seoul", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(o.endsAt);
  return `${formatDate(o.startsAt, locale, true)}–${end}`;
}

/** Where the class is, as a calendar and a mail name it: the venue and its district, or the link. */
export function classLocation(o: { format: string; place: string; district: string; onlineUrl: string | null }, locale: Locale): string {
  const t = translator(locale);
  if (o.format === "LIVE_ONLINE") return o.onlineUrl ?? "";
  return o.district ? `${o.place} (${t(`offerings.district.${o.district}`)})` : o.place;
}

/** The class as an iCalendar attachment: one UID per class, its SEQUENCE from its last change. */
export function offeringIcs(
  o: { id: string; titleKo: string; titleEn: string; startsAt: Date; endsAt: Date; format: string; place: string; district: string; onlineUrl: string | null; directionsKo: string; directionsEn: string; updatedAt: Date; createdAt: Date; status: string },
  locale: Locale,
): string {
  const env = getEnv();
  const url = `${env.APP_ORIGIN}/catalog/offerings/${o.id}`;
  const directions = pick(locale, o.directionsKo, o.directionsEn);
  return buildIcs({
    uid: `offering-${o.id}@${new URL(env.APP_ORIGIN).hostname}`,
    stamp: now(),
    start: o.startsAt,
    end: o.endsAt,
    summary: pick(locale, o.titleKo, o.titleEn),
    location: classLocation(o, locale),
    description: [directions, url].filter(Boolean).join("\n"),
    url,
    // Seconds since it was scheduled: grows with every change, as RFC 5545 asks.
    sequence: Math.max(0, Math.floor((o.updatedAt.getTime() - o.createdAt.getTime()) / 1000)),
    cancelled: o.status === "CANCELLED",
  });
}

/**
 * A message about one registration: confirmed (with the calendar entry), on the waiting list,
 * promoted from it, reminded the day before, the class changed or cancelled. Null when there is
 * nothing left to say (the seat was given up, the class was cancelled before a reminder went).
 */
export async function renderOfferingMail(locale: Locale, payload: unknown): Promise<RenderedMail | null> {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new UnrecoverableError("bad payload for offering-registration");
  const { registrationId, kind } = parsed.data;
  const reg = await prisma.offeringRegistration.findUnique({ where: { id: registrationId }, include: { offering: true, person: { select: { name: true } } } });
  if (!reg) return null;
  const o = reg.offering;
  const active = reg.status === "CONFIRMED" || reg.status === "WAITLISTED";
  const stillTrue =
    kind === "feedback" ? await feedbackStillWanted(reg.id)
    : kind === "cancelled" ? o.status === "CANCELLED" && active
    : kind === "waitlisted" ? reg.status === "WAITLISTED" && o.status === "SCHEDULED"
    : kind === "changed" ? active && o.status === "SCHEDULED"
    : reg.status === "CONFIRMED" && o.status === "SCHEDULED" && (kind !== "reminder" || o.startsAt > now());
  if (!stillTrue) return null;
  const t = translator(locale);
  const env = getEnv();
  const title = pick(locale, o.titleKo, o.titleEn);
  const items = [
    t("offerings.mail.when", { when: classTime(o, locale) }),
    o.format === "LIVE_ONLINE" ? t("offerings.mail.link", { url: o.onlineUrl ?? "" }) : t("offerings.mail.where", { where: classLocation(o, locale) }),
    ...(o.format === "IN_PERSON" && pick(locale, o.directionsKo, o.directionsEn) ? [t("offerings.mail.directions", { directions: pick(locale, o.directionsKo, o.directionsEn) })] : []),
  ];
  const paragraphs = [t("offerings.mail.greeting", { name: reg.person.name }), t(`offerings.mail.${kind}.body`, { title, cancelBy: formatDate(o.cancellationClosesAt, locale, true), reason: o.cancelReason ?? "" })];
  const mail = composeMail(locale, t(`offerings.mail.${kind}.subject`, { title }), paragraphs, kind === "feedback" ? [t("offerings.mail.when", { when: classTime(o, locale) })] : items, {
    href: kind === "feedback" ? `${env.APP_ORIGIN}/catalog/offerings/${o.id}/feedback` : `${env.APP_ORIGIN}/catalog/offerings/${o.id}`,
    label: t(kind === "feedback" ? "offerings.mail.feedbackAction" : "offerings.mail.action"),
  });
  const withCalendar = kind === "confirmed" || kind === "promoted" || kind === "cancelled" || (kind === "changed" && reg.status === "CONFIRMED");
  if (withCalendar) {
    const ics = offeringIcs(o, locale);
    mail.attachments = [{ filename: "class.ics", contentType: "text/calendar; charset=utf-8; method=PUBLISH", content: Readable.from([ics]) }];
  }
  return mail;
}
