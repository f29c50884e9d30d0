import { UnrecoverableError } from "bullmq";
import { z } from "zod";
import type { Locale } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { formatDate, translator } from "~/utils/i18n";
import { composeMail, type RenderedMail } from "~/modules/notifications/templates.server";
import { PRACTICUM_MAX_ATTEMPTS, PRACTICUM_RETAKE_WAIT_DAYS, RENEWAL_CONTINUING_HOURS } from "./codes";
import { currentRubric } from "./practicum.server";

const payloadSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("practicum-decided"), attemptId: z.string().uuid() }),
  z.object({ kind: z.literal("appointed"), appointmentId: z.string().uuid() }),
  z.object({ kind: z.literal("appointment-ending"), appointmentId: z.string().uuid() }),
]);

const day = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The programme's mail ("lecturer-programme"): a practicum's result, an appointment, a term
 * ending. Payloads carry ids only; what is said is read when it is sent, and nothing is sent when
 * it is no longer true (a term renewed meanwhile).
 */
export async function renderLecturerMail(locale: Locale, payload: unknown): Promise<RenderedMail | null> {
  const parsed = payloadSchema.safeParse(payload);
  if (!parsed.success) throw new UnrecoverableError("bad payload for lecturer-programme");
  const t = translator(locale);
  const origin = getEnv().APP_ORIGIN;
  const p = parsed.data;
  if (p.kind === "practicum-decided") {
    const a = await prisma.practicumAttempt.findUnique({ where: { id: p.attemptId }, select: { attempt: true, status: true, combinedScore: true, decidedAt: true, trainee: { select: { person: { select: { name: true } } } } } });
    if (!a || (a.status !== "PASSED" && a.status !== "FAILED") || !a.decidedAt) return null;
    const pass = (await currentRubric())?.passScore ?? 0;
    const vars = { n: a.attempt, score: a.combinedScore ?? 0, pass };
    const kind = a.status === "PASSED" ? "passed" : "failed";
    const paragraphs = [t("lecturerPracticum.mail.greeting", { name: a.trainee.person.name }), t(`lecturerPracticum.mail.${kind}.body`, vars)];
    if (kind === "failed") {
      paragraphs.push(
        a.attempt < PRACTICUM_MAX_ATTEMPTS ? t("lecturerPracticum.mail.retake", { date: formatDate(new Date(a.decidedAt.getTime() + PRACTICUM_RETAKE_WAIT_DAYS * 86_400_000), locale) }) : t("lecturerPracticum.mail.noRetake"),
      );
    }
    paragraphs.push(t("lecturerPracticum.mail.feedback"));
    return composeMail(locale, t(`lecturerPracticum.mail.${kind}.subject`), paragraphs, [], { href: `${origin}/lecturer/practicum`, label: t("lecturerPracticum.mail.resultAction") });
  }
  const a = await prisma.lecturerAppointment.findUnique({
    where: { id: p.appointmentId },
    select: { number: true, verificationCode: true, startsOn: true, endsOn: true, endedAt: true, person: { select: { name: true } } },
  });
  if (!a) return null;
  const vars = { number: a.number, code: a.verificationCode, from: day(a.startsOn), to: day(a.endsOn), need: RENEWAL_CONTINUING_HOURS };
  if (p.kind === "appointed") {
    const paragraphs = [t("lecturerPracticum.mail.greeting", { name: a.person.name }), t("lecturerPracticum.mail.appointed.body", vars)];
    return composeMail(locale, t("lecturerPracticum.mail.appointed.subject"), paragraphs, [`${origin}/verify/${a.verificationCode}`], { href: `${origin}/lecturer/profile`, label: t("lecturerPracticum.mail.appointedAction") });
  }
  if (a.endedAt || (await prisma.lecturerAppointment.count({ where: { renewsId: p.appointmentId } })) > 0) return null;
  const paragraphs = [t("lecturerPracticum.mail.greeting", { name: a.person.name }), t("lecturerPracticum.mail.ending.body", vars)];
  return composeMail(locale, t("lecturerPracticum.mail.ending.subject"), paragraphs, [], { href: `${origin}/lecturer/profile`, label: t("lecturerPracticum.mail.endingAction") });
}
