import type { Readable } from "node:stream";
import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import type { Locale } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { escapeHtml } from "~/utils/mail.server";
import { contactFor } from "~/utils/contact.server";
import { formatDate, pick, translator } from "~/utils/i18n";
import { renderScheduledReport } from "~/modules/reporting/scheduled.server";
import { now } from "~/utils/clock.server";
import { verificationForMail } from "~/modules/auth/verification.server";
import { wayIn, type WayIn } from "~/modules/auth/accounts.server";
import { renderOfferingMail } from "~/modules/offerings/mail.server";

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
  attachments?: Array<{ filename: string; contentType: string; content: Readable }>;
}

const noticePayload = z.object({ personId: z.string().uuid(), assignmentIds: z.array(z.string().uuid()).min(1) });

export function layout(title: string, paragraphs: string[], action: { href: string; label: string }, footer: string, contact: string) {
  const body = paragraphs.map((p) => `<p style="margin:0 0 12px">${escapeHtml(p)}</p>`).join("");
  return `<!doctype html><html><body style="font-family:sans-serif;color:#1a1a1a;line-height:1.6">
<h1 style="font-size:20px;color:#1d4e89">${escapeHtml(title)}</h1>${body}
<p><a href="${escapeHtml(action.href)}" style="color:#1d4e89;font-weight:bold">${escapeHtml(action.label)}</a></p>
<hr><p style="font-size:12px;color:#555">${escapeHtml(footer)}</p>
<p style="font-size:12px;color:#555">${escapeHtml(contact)}</p></body></html>`;
}

const reminderPayload = z.object({
  personId: z.string().uuid(),
  items: z.array(z.object({ assignmentId: z.string().uuid(), stage: z.number().int(), overdue: z.boolean() })).min(1),
});
const hrReminderPayload = z.object({ personId: z.string().uuid(), assignmentIds: z.array(z.string().uuid()).min(1), fromUserId: z.string().uuid() });
const verificationPayload = z.object({ verificationId: z.string().uuid() });
const escalationPayload = z.object({ userId: z.string().uuid(), assignmentIds: z.array(z.string().uuid()).min(1) });

/**
 * A message in both forms: paragraphs, then a list, then one link, then the
 * academy's footer and whom to contact (CONTACT_*). HTML is escaped by
 * layout(); the text is plain. Every mail the product sends is made here.
 */
export function composeMail(
  locale: Locale,
  subject: string,
  paragraphs: string[],
  items: string[],
  action: { href: string; label: string },
): RenderedMail {
  const env = getEnv();
  const t = translator(locale);
  const footer = t("mail.footer", { academy: pick(locale, env.ACADEMY_NAME_KO, env.ACADEMY_NAME_EN) });
  const { name, phone, email } = contactFor(locale);
  const contact = t("mail.contact", { name, phone, email });
  const list = items.length ? `\n\n${items.map((l) => `- ${l}`).join("\n")}` : "";
  return {
    subject,
    text: `${paragraphs.join("\n\n")}${list}\n\n${action.label}: ${action.href}\n\n-- \n${footer}\n${contact}\n`,
    html: layout(subject, [...paragraphs, ...items], action, footer, contact),
  };
}

/** A sentence on how to get in, for someone who has no account yet. */
function wayInLines(t: (key: string) => string, way: WayIn): string[] {
  return way.kind === "home" ? [] : [t(`mail.wayIn.${way.kind}Help`)];
}

/** Render a mail, or null when there is nothing left to say (everything was finished meanwhile). */
export async function renderTemplate(template: string, locale: Locale, payload: unknown): Promise<RenderedMail | null> {
  const t = translator(locale);
  const env = getEnv();
  switch (template) {
    case "assignment-notice": {
      const parsed = noticePayload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableError(`bad payload for ${template}`);
      const open = await prisma.assignment.findMany({
        where: { id: { in: parsed.data.assignmentIds }, status: { in: ["ASSIGNED", "IN_PROGRESS"] }, cycleId: { not: null } },
        include: { person: true, cycle: { include: { obligation: true } } },
        orderBy: { dueAt: "asc" },
      });
      if (open.length === 0) return null;
      const name = open[0]!.person.name;
      const items = open.map((a) =>
        t("mail.assignmentNotice.item", {
          obligation: pick(locale, a.cycle!.obligation.titleKo, a.cycle!.obligation.titleEn),
          cycle: a.cycle!.label,
          due: formatDate(a.dueAt!, locale),
          basis: pick(locale, a.cycle!.obligation.legalBasisKo, a.cycle!.obligation.legalBasisEn),
        }),
      );
      const subject = t("mail.assignmentNotice.subject", { count: open.length });
      const way = await wayIn(open[0]!.personId, locale);
      const intro = [t("mail.assignmentNotice.greeting", { name }), t("mail.assignmentNotice.body", { count: open.length }), ...wayInLines(t, way)];
      return composeMail(locale, subject, intro, items, { href: way.href, label: t(`mail.wayIn.${way.kind}`) });
    }
    case "reminder-digest": {
      const parsed = reminderPayload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableError(`bad payload for ${template}`);
      // Stop the moment the person completes or is exempted: only still-open items are mentioned.
      const open = await prisma.assignment.findMany({
        where: { id: { in: parsed.data.items.map((i) => i.assignmentId) }, status: { in: ["ASSIGNED", "IN_PROGRESS"] } },
        include: { person: true, cycle: { include: { obligation: true } } },
        orderBy: { dueAt: "asc" },
      });
      if (open.length === 0) return null;
      const name = open[0]!.person.name;
      const overdue = open.some((a) => a.dueAt && a.dueAt < now());
      const lines = open.map((a) =>
        t("mail.reminder.item", {
          obligation: pick(locale, a.cycle!.obligation.titleKo, a.cycle!.obligation.titleEn),
          cycle: a.cycle!.label,
          due: formatDate(a.dueAt!, locale),
        }),
      );
      const subject = t(overdue ? "mail.reminder.subjectOverdue" : "mail.reminder.subject", { count: open.length });
      const way = await wayIn(open[0]!.personId, locale);
      const intro = [t("mail.assignmentNotice.greeting", { name }), t(overdue ? "mail.reminder.overdue" : "mail.reminder.body"), ...wayInLines(t, way)];
      return composeMail(locale, subject, intro, lines, { href: way.href, label: t(`mail.wayIn.${way.kind}`) });
    }
    case "hr-reminder": {
      const parsed = hrReminderPayload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableError(`bad payload for ${template}`);
      // Finished meanwhile: nothing is sent.
      const open = await prisma.assignment.findMany({
        where: { id: { in: parsed.data.assignmentIds }, status: { in: ["ASSIGNED", "IN_PROGRESS"] } },
        include: { person: true, cycle: { include: { obligation: true } } },
        orderBy: { dueAt: "asc" },
      });
      if (open.length === 0) return null;
      const officer = await prisma.user.findUnique({ where: { id: parsed.data.fromUserId }, select: { displayName: true } });
      const lines = open.map((a) =>
        t("mail.reminder.item", {
          obligation: pick(locale, a.cycle!.obligation.titleKo, a.cycle!.obligation.titleEn),
          cycle: a.cycle!.label,
          due: formatDate(a.dueAt!, locale),
        }),
      );
      const way = await wayIn(open[0]!.personId, locale);
      const intro = [
        t("mail.assignmentNotice.greeting", { name: open[0]!.person.name }),
        t("mail.hrReminder.body", { officer: officer?.displayName ?? t("mail.hrReminder.someOfficer") }),
        ...wayInLines(t, way),
      ];
      return composeMail(locale, t("mail.hrReminder.subject"), intro, lines, { href: way.href, label: t(`mail.wayIn.${way.kind}`) });
    }
    case "escalation-digest": {
      const parsed = escalationPayload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableError(`bad payload for ${template}`);
      const open = await prisma.assignment.findMany({
        where: { id: { in: parsed.data.assignmentIds }, status: { in: ["ASSIGNED", "IN_PROGRESS"] } },
        include: { person: { include: { orgUnit: true } }, cycle: { include: { obligation: true } } },
        orderBy: [{ person: { orgUnit: { code: "asc" } } }, { person: { name: "asc" } }],
      });
      if (open.length === 0) return null;
      const lines = open.map((a) =>
        t("mail.escalation.item", {
          unit: a.person.orgUnit ? pick(locale, a.person.orgUnit.nameKo, a.person.orgUnit.nameEn) : "—",
          name: a.person.name,
          cycle: a.cycle ? `${pick(locale, a.cycle.obligation.titleKo, a.cycle.obligation.titleEn)} · ${a.cycle.label}` : "",
          due: a.dueAt ? formatDate(a.dueAt, locale) : "—",
        }),
      );
      const subject = t("mail.escalation.subject", { count: open.length });
      const intro = [t("mail.escalation.body", { count: open.length })];
      return composeMail(locale, subject, intro, lines, { href: `${env.APP_ORIGIN}/hr`, label: t("mail.escalation.action") });
    }
    case "scheduled-report":
      return renderScheduledReport(locale, payload);
    case "offering-registration":
      return renderOfferingMail(locale, payload);
    case "account-signin-failures": {
      const paragraphs = [t("mail.signinFailures.body"), t("mail.signinFailures.advice")];
      return composeMail(locale, t("mail.signinFailures.subject"), paragraphs, [], { href: `${env.APP_ORIGIN}/forgot-password`, label: t("mail.signinFailures.action") });
    }
    case "account-registration-exists": {
      const paragraphs = [t("mail.registrationExists.body"), t("mail.registrationExists.ignore")];
      return composeMail(locale, t("mail.registrationExists.subject"), paragraphs, [], { href: `${env.APP_ORIGIN}/forgot-password`, label: t("mail.registrationExists.action") });
    }
    case "account-invitation":
    case "account-registration":
    case "account-reset-password": {
      const parsed = verificationPayload.safeParse(payload);
      if (!parsed.success) throw new UnrecoverableError(`bad payload for ${template}`);
      // A link replaced, used or expired before the mail went out is not sent at all.
      const link = await verificationForMail(parsed.data.verificationId);
      if (!link) return null;
      const key = template === "account-invitation" ? "invitation" : template === "account-registration" ? "registration" : "resetPassword";
      const name = link.person?.name ?? link.user?.displayName ?? (link.data as { name?: string } | null)?.name ?? link.target;
      const paragraphs = [
        t(`mail.${key}.greeting`, { name }),
        t(`mail.${key}.body`),
        t(`mail.${key}.expiry`, { date: formatDate(link.expiresAt, locale, true) }),
        t(`mail.${key}.ignore`),
      ];
      return composeMail(locale, t(`mail.${key}.subject`), paragraphs, [], { href: link.url, label: t(`mail.${key}.action`) });
    }
    default:
      throw new UnrecoverableError(`unknown mail template ${template}`);
  }
}
