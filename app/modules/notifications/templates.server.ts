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
import { verificationsForMail, type MailLink } from "~/modules/auth/verification.server";
import { waysIn, type WayIn } from "~/modules/auth/accounts.server";
import { renderOfferingMail } from "~/modules/offerings/mail.server";
import { renderLectureRequestMail } from "~/modules/lecturers/mail.server";
import { renderLecturerDecisionMail } from "~/modules/lecturers/decision-mail.server";
import { renderLecturerMail } from "~/modules/lecturers/practicum-mail.server";

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

/** A row of the outbox to be rendered. */
export interface MailToRender {
  id: string;
  template: string;
  locale: Locale;
  payload: unknown;
}

/** A rendered mail, null when there is nothing left to say, or why this one message could not be rendered. */
export type RenderOutcome = { mail: RenderedMail | null } | { error: unknown };

/** An open assignment as the mails name it, read once for a whole batch. */
interface OpenItem {
  id: string;
  personId: string;
  personName: string;
  cycleId: string | null;
  dueAt: Date | null;
  cycleLabel: string | null;
  titleKo: string | null;
  titleEn: string | null;
  basisKo: string | null;
  basisEn: string | null;
  unitNameKo: string | null;
  unitNameEn: string | null;
  /** Place in the order of due dates (notices and reminders list them so). */
  byDue: number;
  /** Place in the order of units and names (an escalation lists them so). */
  byUnit: number;
}

/** Render one mail, or null when there is nothing left to say (everything was finished meanwhile). */
export async function renderTemplate(template: string, locale: Locale, payload: unknown): Promise<RenderedMail | null> {
  const outcome = (await renderMails([{ id: "one", template, locale, payload }])).get("one")!;
  if ("error" in outcome) throw outcome.error;
  return outcome.mail;
}

/**
 * Render a batch of outbox rows with set-based reads: one query for the open
 * assignments, people, cycles and units every message names, one for the
 * officers named, one for the links, and one read (and one transaction for
 * new invitations) for how the people get in, whatever the batch's size. A
 * message that cannot be rendered (a bad payload, an unknown template) is an
 * outcome of its own and does not stop the others; a failure to read the
 * database throws for the whole batch.
 */
export async function renderMails(rows: MailToRender[]): Promise<Map<string, RenderOutcome>> {
  const out = new Map<string, RenderOutcome>();
  type Parsed =
    | { row: MailToRender; kind: "notice" | "reminder"; personId: string; ids: string[] }
    | { row: MailToRender; kind: "hr-reminder"; personId: string; ids: string[]; fromUserId: string }
    | { row: MailToRender; kind: "escalation"; ids: string[] }
    | { row: MailToRender; kind: "link"; verificationId: string };
  const parsed: Parsed[] = [];
  const one: MailToRender[] = [];
  for (const row of rows) {
    const bad = () => out.set(row.id, { error: new UnrecoverableError(`bad payload for ${row.template}`) });
    switch (row.template) {
      case "assignment-notice": {
        const p = noticePayload.safeParse(row.payload);
        if (p.success) parsed.push({ row, kind: "notice", personId: p.data.personId, ids: p.data.assignmentIds });
        else bad();
        break;
      }
      case "reminder-digest": {
        const p = reminderPayload.safeParse(row.payload);
        if (p.success) parsed.push({ row, kind: "reminder", personId: p.data.personId, ids: p.data.items.map((i) => i.assignmentId) });
        else bad();
        break;
      }
      case "hr-reminder": {
        const p = hrReminderPayload.safeParse(row.payload);
        if (p.success) parsed.push({ row, kind: "hr-reminder", personId: p.data.personId, ids: p.data.assignmentIds, fromUserId: p.data.fromUserId });
        else bad();
        break;
      }
      case "escalation-digest": {
        const p = escalationPayload.safeParse(row.payload);
        if (p.success) parsed.push({ row, kind: "escalation", ids: p.data.assignmentIds });
        else bad();
        break;
      }
      case "account-invitation":
      case "account-registration":
      case "account-reset-password": {
        const p = verificationPayload.safeParse(row.payload);
        if (p.success) parsed.push({ row, kind: "link", verificationId: p.data.verificationId });
        else bad();
        break;
      }
      default:
        one.push(row);
    }
  }

  const assignmentIds = [...new Set(parsed.flatMap((p) => ("ids" in p ? p.ids : [])))];
  const officerIds = [...new Set(parsed.flatMap((p) => (p.kind === "hr-reminder" ? [p.fromUserId] : [])))];
  const verificationIds = [...new Set(parsed.flatMap((p) => (p.kind === "link" ? [p.verificationId] : [])))];
  const [items, officers, links] = await Promise.all([
    openItems(assignmentIds),
    officerIds.length ? prisma.user.findMany({ where: { id: { in: officerIds } }, select: { id: true, displayName: true } }) : [],
    verificationsForMail(verificationIds),
  ]);
  const officerName = new Map(officers.map((o) => [o.id, o.displayName]));

  // Only still-open items are mentioned: a message whose items were all finished meanwhile is not sent.
  const openOf = (p: Parsed & { ids: string[] }) => {
    const open = [...new Set(p.ids)].flatMap((id) => {
      const a = items.get(id);
      return a && (p.kind !== "notice" || a.cycleId !== null) ? [a] : [];
    });
    return open.sort(p.kind === "escalation" ? (a, b) => a.byUnit - b.byUnit : (a, b) => a.byDue - b.byDue);
  };
  const forPeople = parsed.flatMap((p) => (p.kind === "notice" || p.kind === "reminder" || p.kind === "hr-reminder" ? [{ p, open: openOf(p) }] : []));
  const ways = await waysIn(forPeople.filter((x) => x.open.length > 0).map((x) => x.open[0]!.personId));

  for (const p of parsed) {
    const locale = p.row.locale;
    const t = translator(locale);
    if (p.kind === "link") {
      out.set(p.row.id, { mail: linkMail(p.row.template, locale, links.get(p.verificationId)) });
      continue;
    }
    const open = openOf(p);
    if (open.length === 0) {
      out.set(p.row.id, { mail: null });
      continue;
    }
    if (p.kind === "escalation") {
      const lines = open.map((a) =>
        t("mail.escalation.item", {
          unit: a.unitNameKo !== null ? pick(locale, a.unitNameKo, a.unitNameEn!) : "—",
          name: a.personName,
          cycle: a.cycleId ? `${pick(locale, a.titleKo!, a.titleEn!)} · ${a.cycleLabel}` : "",
          due: a.dueAt ? formatDate(a.dueAt, locale) : "—",
        }),
      );
      const subject = t("mail.escalation.subject", { count: open.length });
      const intro = [t("mail.escalation.body", { count: open.length })];
      out.set(p.row.id, { mail: composeMail(locale, subject, intro, lines, { href: `${getEnv().APP_ORIGIN}/hr`, label: t("mail.escalation.action") }) });
      continue;
    }
    const first = open[0]!;
    const way = ways.get(first.personId)!;
    const action = { href: way.href, label: t(`mail.wayIn.${way.kind}`) };
    const greeting = t("mail.assignmentNotice.greeting", { name: first.personName });
    const dueLines = () =>
      open.map((a) => t("mail.reminder.item", { obligation: pick(locale, a.titleKo!, a.titleEn!), cycle: a.cycleLabel!, due: formatDate(a.dueAt!, locale) }));
    if (p.kind === "notice") {
      const lines = open.map((a) =>
        t("mail.assignmentNotice.item", {
          obligation: pick(locale, a.titleKo!, a.titleEn!),
          cycle: a.cycleLabel!,
          due: formatDate(a.dueAt!, locale),
          basis: pick(locale, a.basisKo!, a.basisEn!),
        }),
      );
      const subject = t("mail.assignmentNotice.subject", { count: open.length });
      const intro = [greeting, t("mail.assignmentNotice.body", { count: open.length }), ...wayInLines(t, way)];
      out.set(p.row.id, { mail: composeMail(locale, subject, intro, lines, action) });
    } else if (p.kind === "reminder") {
      const overdue = open.some((a) => a.dueAt && a.dueAt < now());
      const subject = t(overdue ? "mail.reminder.subjectOverdue" : "mail.reminder.subject", { count: open.length });
      const intro = [greeting, t(overdue ? "mail.reminder.overdue" : "mail.reminder.body"), ...wayInLines(t, way)];
      out.set(p.row.id, { mail: composeMail(locale, subject, intro, dueLines(), action) });
    } else if (p.kind === "hr-reminder") {
      const officer = officerName.get(p.fromUserId) ?? t("mail.hrReminder.someOfficer");
      const intro = [greeting, t("mail.hrReminder.body", { officer }), ...wayInLines(t, way)];
      out.set(p.row.id, { mail: composeMail(locale, t("mail.hrReminder.subject"), intro, dueLines(), action) });
    }
  }

  // The rest needs no read (sign-in failures, registration attempts) or is rare and reads its own (reports).
  for (const row of one) {
    try {
      out.set(row.id, { mail: await renderOne(row.template, row.locale, row.payload) });
    } catch (error) {
      out.set(row.id, { error });
    }
  }
  return out;
}

/** The open assignments among `ids`, with what a mail says of each, in one query. */
async function openItems(ids: string[]): Promise<Map<string, OpenItem>> {
  if (ids.length === 0) return new Map();
  const rows = await prisma.$queryRaw<OpenItem[]>`
    SELECT a.id, a.person_id AS "personId", p.name AS "personName", a.cycle_id AS "cycleId", a.due_at AS "dueAt",
           c.label AS "cycleLabel", o.title_ko AS "titleKo", o.title_en AS "titleEn",
           o.legal_basis_ko AS "basisKo", o.legal_basis_en AS "basisEn", u.name_ko AS "unitNameKo", u.name_en AS "unitNameEn",
           row_number() OVER (ORDER BY a.due_at, a.id)::int AS "byDue",
           row_number() OVER (ORDER BY u.code, p.name, a.id)::int AS "byUnit"
    FROM assignment a
    JOIN person p ON p.id = a.person_id
    LEFT JOIN org_unit u ON u.id = p.org_unit_id
    LEFT JOIN cycle c ON c.id = a.cycle_id
    LEFT JOIN obligation o ON o.id = c.obligation_id
    WHERE a.id = ANY(${ids}::uuid[]) AND a.status IN ('ASSIGNED', 'IN_PROGRESS')`;
  return new Map(rows.map((r) => [r.id, r]));
}

/** The mail of an invitation, a registration or a password reset; null when its link was replaced, used or expired before it went out. */
function linkMail(template: string, locale: Locale, link: MailLink | undefined): RenderedMail | null {
  if (!link) return null;
  const t = translator(locale);
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

/** The mails rendered one by one: those that read nothing, and the scheduled reports (rare, each with its own reads and files). */
async function renderOne(template: string, locale: Locale, payload: unknown): Promise<RenderedMail | null> {
  const t = translator(locale);
  const env = getEnv();
  switch (template) {
    case "scheduled-report":
      return renderScheduledReport(locale, payload);
    case "offering-registration":
      return renderOfferingMail(locale, payload);
    case "lecture-request":
      return renderLectureRequestMail(locale, payload);
    case "lecturer-decision":
      return renderLecturerDecisionMail(locale, payload);
    case "lecturer-programme":
      return renderLecturerMail(locale, payload);
    case "account-signin-failures": {
      const paragraphs = [t("mail.signinFailures.body"), t("mail.signinFailures.advice")];
      return composeMail(locale, t("mail.signinFailures.subject"), paragraphs, [], { href: `${env.APP_ORIGIN}/forgot-password`, label: t("mail.signinFailures.action") });
    }
    case "account-registration-exists": {
      const paragraphs = [t("mail.registrationExists.body"), t("mail.registrationExists.ignore")];
      return composeMail(locale, t("mail.registrationExists.subject"), paragraphs, [], { href: `${env.APP_ORIGIN}/forgot-password`, label: t("mail.registrationExists.action") });
    }
    default:
      throw new UnrecoverableError(`unknown mail template ${template}`);
  }
}
