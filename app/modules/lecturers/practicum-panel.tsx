import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { PRACTICUM_RETAKE_WAIT_DAYS } from "./codes";

type Bilingual = { ko: string; en: string };

/** What the trainee's practicum part of their page shows (practicumForTrainee). */
export interface PracticumPanelData {
  status: string;
  refused: string | null;
  retakeFrom: Date | string | null;
  passScore: number | null;
  criteria: Array<{ key: string; title: Bilingual }>;
  open: Array<{ id: string; titleKo: string; titleEn: string; startsAt: Date | string; place: string }>;
  attempts: Array<{
    id: string;
    attempt: number;
    status: string;
    offering: { titleKo: string; titleEn: string; startsAt: Date | string; place: string };
    combinedScore: number | null;
    /** Until when a booking may be cancelled; null when it may not. */
    cancelUntil: Date | string | null;
    moderated: boolean;
    feedback: Array<Record<string, string>>;
  }>;
}

/**
 * The trainee's practicum: booking a demonstration class, and each attempt with its result and
 * the written feedback per criterion. A part of the lecturer's own page; its forms post intent
 * "book" or "cancel" to /lecturer/practicum.
 */
export function PracticumPanel({ data, headingLevel = 2 }: { data: PracticumPanelData; headingLevel?: 2 | 3 }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const H = `h${headingLevel}` as "h2";
  const S = `h${headingLevel + 1}` as "h3";
  return (
    <>
      <p>{t("lecturerPracticum.trainee.retake", { days: PRACTICUM_RETAKE_WAIT_DAYS })}</p>
      <section aria-labelledby="practicum-open">
        <H id="practicum-open">{t("lecturerPracticum.trainee.openHeading")}</H>
        {data.refused ? (
          <p className="panel" role="status">
            {t(`lecturerPracticum.trainee.refused.${data.refused}`, { date: data.retakeFrom ? formatDate(data.retakeFrom, locale) : "" })}
          </p>
        ) : data.open.length === 0 ? (
          <p className="panel">{t("lecturerPracticum.trainee.none")}</p>
        ) : (
          <ul className="cards">
            {data.open.map((o) => {
              const title = pick(locale, o.titleKo, o.titleEn);
              const when = formatDate(o.startsAt, locale, true);
              return (
                <li key={o.id} className="panel">
                  <p><strong>{title}</strong></p>
                  <p>{when} · {o.place}</p>
                  <Form method="post" action="/lecturer/practicum">
                    <input type="hidden" name="intent" value="book" />
                    <input type="hidden" name="offeringId" value={o.id} />
                    <button type="submit" className="primary" aria-label={t("lecturerPracticum.trainee.bookLabel", { title, when })}>{t("lecturerPracticum.trainee.book")}</button>
                  </Form>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <section aria-labelledby="practicum-attempts">
        <H id="practicum-attempts">{t("lecturerPracticum.trainee.attemptsHeading")}</H>
        {data.attempts.length === 0 ? <p className="panel">{t("lecturerPracticum.trainee.noAttempts")}</p> : null}
        {data.attempts.map((a) => (
          <article key={a.id} className="panel" aria-labelledby={`attempt-${a.id}`}>
            <S id={`attempt-${a.id}`}>{t("lecturerPracticum.trainee.attempt", { n: a.attempt })}: {t(`lecturerPracticum.status.${a.status}`)}</S>
            <dl className="facts">
              <dt>{t("lecturerPracticum.trainee.when")}</dt>
              <dd>{pick(locale, a.offering.titleKo, a.offering.titleEn)}, {formatDate(a.offering.startsAt, locale, true)}</dd>
              <dt>{t("lecturerPracticum.trainee.where")}</dt>
              <dd>{a.offering.place}</dd>
              {a.combinedScore !== null ? (
                <>
                  <dt>{t("lecturerPracticum.trainee.result")}</dt>
                  <dd>{t("lecturerPracticum.trainee.combined", { score: a.combinedScore, pass: data.passScore ?? "" })}</dd>
                </>
              ) : null}
            </dl>
            {a.cancelUntil ? (
              <Form method="post" action="/lecturer/practicum">
                <p className="meta">{t("lecturerPracticum.trainee.cancelUntil", { date: formatDate(a.cancelUntil, locale, true) })}</p>
                <input type="hidden" name="intent" value="cancel" />
                <input type="hidden" name="attemptId" value={a.id} />
                <button type="submit" className="secondary" aria-label={t("lecturerPracticum.trainee.cancelLabel", { title: pick(locale, a.offering.titleKo, a.offering.titleEn) })}>
                  {t("lecturerPracticum.trainee.cancel")}
                </button>
              </Form>
            ) : null}
            {a.moderated ? <p>{t("lecturerPracticum.trainee.moderated")}</p> : null}
            {a.feedback.length === 0 ? (
              a.status === "BOOKED" || a.status === "MODERATION" ? <p className="meta">{t("lecturerPracticum.trainee.waiting")}</p> : null
            ) : (
              <>
                <p><strong>{t("lecturerPracticum.trainee.feedbackHeading")}</strong></p>
                <dl className="stack">
                  {data.criteria.map((c) => (
                    <div key={c.key}>
                      <dt><strong>{pick(locale, c.title.ko, c.title.en)}</strong></dt>
                      {a.feedback.map((f, i) => (
                        <dd key={i}>{t("lecturerPracticum.trainee.assessorN", { n: i + 1 })}: {f[c.key] ?? ""}</dd>
                      ))}
                    </div>
                  ))}
                </dl>
              </>
            )}
          </article>
        ))}
      </section>
    </>
  );
}
