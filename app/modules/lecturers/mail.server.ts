import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import type { Locale } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { formatDate, translator } from "~/utils/i18n";
import { composeMail, type RenderedMail } from "~/modules/notifications/templates.server";
import { classTime } from "~/modules/offerings/mail.server";
import { EXPIRED } from "./request-codes";

/**
 * The mails of lecture requests (template "lecture-request", ADR 035): to the requester (received,
 * scheduled, closed without a lecture), to the lecturer (offered, withdrawn) and to the administrator who made the offer
 * (accepted, declined). Each reads the current state and sends nothing once it no longer holds.
 */
const payloadSchema = z.union([
  z.object({ requestId: z.string().uuid(), kind: z.enum(["received", "scheduled", "closed"]) }),
  z.object({ offerId: z.string().uuid(), kind: z.enum(["offered", "withdrawn", "accepted", "declined"]) }),
]);

export async function renderLectureRequestMail(locale: Locale, payload: unknown): Promise<RenderedMail | null> {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new UnrecoverableError("bad payload for lecture-request");
  const t = translator(locale);
  const env = getEnv();
  const p = parsed.data;
  const k = (key: string, vars: Record<string, unknown> = {}) => t(`lectureRequests.mail.${key}`, vars);

  if ("requestId" in p) {
    const r = await prisma.lectureRequest.findUnique({ where: { id: p.requestId }, include: { offering: true } });
    if (!r) return null;
    if (p.kind === "scheduled" && (r.status !== "SCHEDULED" || !r.offering || r.offering.status !== "SCHEDULED")) return null;
    const vars = { organisation: r.organizationName };
    const items = [k("organisation", vars), k("topic", { topic: t(`offerings.topic.${r.topic}`) }), k("size", { count: r.audienceSize })];
    if (p.kind === "closed") {
      if (r.status !== "CANCELLED" || !r.closedAt) return null;
      const window = k("window", { from: formatDate(r.preferredFrom, locale, true), to: formatDate(r.preferredTo, locale, true) });
      const body = r.closeReason === EXPIRED ? k("closed.expired", vars) : k("closed.body", { ...vars, reason: r.closeReason });
      return composeMail(locale, k("closed.subject"), [k("greeting", { name: r.contactName }), body], [...items, window], { href: `${env.APP_ORIGIN}/lecturers/request`, label: k("closed.action") });
    }
    if (p.kind === "received") {
      return composeMail(locale, k("received.subject"), [k("greeting", { name: r.contactName }), k("received.body", vars)], items, { href: `${env.APP_ORIGIN}/lecturers/request`, label: k("received.action") });
    }
    const o = r.offering!;
    const lecturer = await prisma.user.findFirst({ where: { id: { in: o.lecturerUserIds } }, select: { displayName: true, person: { select: { name: true } } } });
    const name = lecturer?.person?.name ?? lecturer?.displayName ?? "";
    return composeMail(
      locale,
      k("scheduled.subject"),
      [k("greeting", { name: r.contactName }), k("scheduled.body", { ...vars, lecturer: name })],
      [k("when", { when: classTime(o, locale) }), k("where", { where: o.place }), ...items],
      { href: `${env.APP_ORIGIN}/catalog/offerings/${o.id}`, label: k("scheduled.action") },
    );
  }

  const f = await prisma.lectureOffer.findUnique({ where: { id: p.offerId }, include: { request: true } });
  if (!f) return null;
  const wanted = { offered: "OFFERED", withdrawn: "WITHDRAWN", accepted: "ACCEPTED", declined: "DECLINED" }[p.kind];
  if (f.status !== wanted) return null;
  const person = await prisma.person.findUnique({ where: { id: f.lecturerPersonId }, select: { name: true } });
  const r = f.request;
  const vars = { organisation: r.organizationName, lecturer: person?.name ?? "" };
  const items = [
    k("when", { when: classTime(f, locale) }),
    k("where", { where: r.place }),
    k("topic", { topic: t(`offerings.topic.${r.topic}`) }),
    k("size", { count: r.audienceSize }),
    ...(p.kind === "declined" && f.declineReason ? [k("reason", { reason: f.declineReason })] : []),
  ];
  const href =
    p.kind === "accepted" && r.offeringId ? `${env.APP_ORIGIN}/academy/offerings/${r.offeringId}`
    : p.kind === "accepted" || p.kind === "declined" ? `${env.APP_ORIGIN}/academy/lecture-requests/${r.id}`
    : `${env.APP_ORIGIN}/lecturer/requests`;
  const greeting = p.kind === "offered" || p.kind === "withdrawn" ? [k("greeting", { name: person?.name ?? "" })] : [];
  return composeMail(locale, k(`${p.kind}.subject`, vars), [...greeting, k(`${p.kind}.body`, vars)], items, { href, label: k(`${p.kind}.action`) });
}
