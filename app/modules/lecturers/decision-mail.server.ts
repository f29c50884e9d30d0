import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import type { Locale } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { pick, translator } from "~/utils/i18n";
import { composeMail, type RenderedMail } from "~/modules/notifications/templates.server";

const payloadSchema = z.object({ applicationId: z.string().uuid() });

/**
 * The decision on an application to the lecturer programme (ADR 033), read when it is sent: the
 * outcome and the reason given, and what comes next. Null once the application's answers were
 * erased, the round's retention having passed.
 */
export async function renderLecturerDecisionMail(locale: Locale, payload: unknown): Promise<RenderedMail | null> {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new UnrecoverableError("bad payload for lecturer-decision");
  const a = await prisma.lecturerApplication.findUnique({
    where: { id: parsed.data.applicationId },
    select: { status: true, decisionReason: true, erasedAt: true, round: { select: { titleKo: true, titleEn: true } }, person: { select: { name: true } } },
  });
  if (!a || a.erasedAt || (a.status !== "ACCEPTED" && a.status !== "REJECTED")) return null;
  const t = translator(locale);
  const kind = a.status === "ACCEPTED" ? "accepted" : "rejected";
  const round = pick(locale, a.round.titleKo, a.round.titleEn);
  return composeMail(
    locale,
    t(`lecturers.mail.${kind}.subject`, { round }),
    [t("lecturers.mail.greeting", { name: a.person.name }), t(`lecturers.mail.${kind}.body`, { round })],
    [t("lecturers.mail.reason", { reason: a.decisionReason ?? "" })],
    { href: `${getEnv().APP_ORIGIN}/lecturer`, label: t("lecturers.mail.action") },
  );
}
