import type { MetaFunction, LoaderFunctionArgs } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { type AppLocale, formatMonthDayTime, pick } from "~/utils/i18n";
import { asHttp, requireLearner } from "~/modules/learning/guard.server";
import { getAttemptForLearner } from "~/modules/learning/learning.server";

type Option = { key: string; ko: string; en: string };

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, `평가 결과 · ${data?.courseTitleKo}`, `Quiz result · ${data?.courseTitleEn}`);

/**
 * An attempt's result, over exactly the items its paper showed. The correct option of an item is
 * sent only with a passed attempt; a failed one says which items were wrong and explains them; a
 * pre-test shows its score only.
 */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request, context);
  const d = await asHttp(() => getAttemptForLearner(personId, params.assignmentId!, params.attemptId!));
  const answers = d.attempt.answers as Record<string, string>;
  const isPretest = d.attempt.set === "PRETEST";
  const revealKey = d.attempt.set === "QUIZ" && d.attempt.passed;
  return {
    assignmentId: params.assignmentId!,
    passMark: d.version.passMark,
    courseTitleKo: d.version.titleKo,
    courseTitleEn: d.version.titleEn,
    isPretest,
    nextLesson: d.resumeLesson?.slug ?? null,
    attempt: {
      passed: d.attempt.passed,
      scorePercent: d.attempt.scorePercent,
      correctCount: d.attempt.correctCount,
      questionCount: d.attempt.questionCount,
    },
    completed: d.assignment.status === "COMPLETED",
    lessonsDone: d.path.complete,
    certificateId: d.certificate?.id ?? null,
    attempts: { remaining: d.attempts.remaining, nextAt: d.attempts.nextAt?.toISOString() ?? null },
    revealKey,
    items: isPretest
      ? []
      : d.questions.map((q) => {
          const chosen = answers[q.key] ?? null;
          return {
            key: q.key,
            promptKo: q.promptKo,
            promptEn: q.promptEn,
            options: q.options as Option[],
            chosen,
            correct: chosen === q.correctKey,
            correctKey: revealKey ? q.correctKey : null,
            // The explanations state the right answer: they come with the key, after passing.
            explanationKo: revealKey ? q.explanationKo : null,
            explanationEn: revealKey ? q.explanationEn : null,
          };
        }),
  };
}

export default function QuizResult() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  const label = (q: (typeof d.items)[number], key: string | null) => {
    const o = q.options.find((x) => x.key === key);
    return o ? pick(locale, o.ko, o.en) : "—";
  };
  const canRetry = !d.attempt.passed && !d.isPretest && d.attempts.remaining > 0;
  return (
    <>
      <p className="meta"><Link to={`/learn/${d.assignmentId}`}>{pick(locale, d.courseTitleKo, d.courseTitleEn)}</Link></p>
      <h1 tabIndex={-1} ref={headingRef}>{d.isPretest ? t("pretest.resultTitle") : t("quiz.resultTitle")}</h1>
      {d.isPretest ? (
        <div className="notice" role="status">
          <p><strong>{t("quiz.score", { correct: d.attempt.correctCount, total: d.attempt.questionCount, score: d.attempt.scorePercent })}</strong></p>
          <p>{t("pretest.resultBody")}</p>
        </div>
      ) : (
        <div className={d.attempt.passed ? "success" : "alert"} role="status">
          <p><strong>{t("quiz.score", { correct: d.attempt.correctCount, total: d.attempt.questionCount, score: d.attempt.scorePercent })}</strong></p>
          <p>
            {d.attempt.passed
              ? d.completed
                ? t("quiz.passedBody", { mark: d.passMark })
                : t("quiz.lessonsFirst")
              : t("quiz.failedBody", { mark: d.passMark })}
          </p>
          {!d.attempt.passed ? (
            <p>
              {d.attempts.nextAt
                ? t("quiz.nextAttempt", { date: formatMonthDayTime(d.attempts.nextAt, locale) })
                : t("quiz.attemptsLeft", { count: d.attempts.remaining })}
            </p>
          ) : null}
        </div>
      )}
      <div className="actions">
        {d.isPretest && d.nextLesson ? (
          <Link className="button" to={`/learn/${d.assignmentId}/lessons/${d.nextLesson}`}>{t("pretest.continue")}</Link>
        ) : null}
        {d.certificateId && !d.isPretest ? (
          <a className="button" href={`/certificates/${d.certificateId}.pdf`} download>{t("quiz.getCertificate")}</a>
        ) : null}
        {canRetry ? <Link className="button" to={`/learn/${d.assignmentId}/quiz`}>{t("quiz.retry")}</Link> : null}
        <Link to={`/learn/${d.assignmentId}`}>{t("course.backToCourse")}</Link>
      </div>
      {d.items.length > 0 ? (
        <>
          <h2>{t("quiz.explanation")}</h2>
          {!d.revealKey ? <p className="meta">{t("quiz.keyAfterPass")}</p> : null}
          <ol className="cards">
            {d.items.map((q, i) => {
              const explanation = pick(locale, q.explanationKo, q.explanationEn);
              return (
                <li key={q.key} className={`card result ${q.correct ? "correct" : "incorrect"}`}>
                  <h3>{t("quiz.question", { n: i + 1 })}. {pick(locale, q.promptKo, q.promptEn)}</h3>
                  <p><strong>{q.correct ? `✓ ${t("quiz.correct")}` : `✗ ${t("quiz.incorrect")}`}</strong></p>
                  <p>{t("quiz.yourAnswer")}: {label(q, q.chosen)}</p>
                  {!q.correct && q.correctKey ? <p>{t("quiz.correctAnswer")}: {label(q, q.correctKey)}</p> : null}
                  {explanation ? <p>{t("quiz.explanation")}: {explanation}</p> : null}
                </li>
              );
            })}
          </ol>
        </>
      ) : null}
    </>
  );
}
