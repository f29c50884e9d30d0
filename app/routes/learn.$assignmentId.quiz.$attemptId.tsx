import type { MetaFunction, LoaderFunctionArgs } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { asHttp, requireLearner } from "~/modules/learning/guard.server";
import { getAttemptForLearner } from "~/modules/learning/learning.server";
import { pick, type AppLocale } from "~/utils/i18n";

type Option = { key: string; ko: string; en: string };

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, `평가 결과 · ${data?.courseTitleKo}`, `Quiz result · ${data?.courseTitleEn}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request);
  const d = await asHttp(() => getAttemptForLearner(personId, params.assignmentId!, params.attemptId!));
  const answers = d.attempt.answers as Record<string, string>;
  return {
    assignmentId: params.assignmentId!,
    passMark: d.version.passMark,
    courseTitleKo: d.version.titleKo,
    courseTitleEn: d.version.titleEn,
    isPretest: d.attempt.set === "PRETEST",
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
    items: d.questions.map((q) => ({
      key: q.key,
      promptKo: q.promptKo,
      promptEn: q.promptEn,
      options: q.options as Option[],
      chosen: answers[q.key] ?? null,
      correctKey: q.correctKey,
      explanationKo: q.explanationKo,
      explanationEn: q.explanationEn,
    })),
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
        </div>
      )}
      <div className="actions">
        {d.isPretest && d.nextLesson ? (
          <Link className="button" to={`/learn/${d.assignmentId}/lessons/${d.nextLesson}`}>{t("pretest.continue")}</Link>
        ) : null}
        {d.certificateId && !d.isPretest ? (
          <a className="button" href={`/certificates/${d.certificateId}.pdf`} download>{t("quiz.getCertificate")}</a>
        ) : null}
        {!d.attempt.passed && !d.isPretest ? <Link className="button" to={`/learn/${d.assignmentId}/quiz`}>{t("quiz.retry")}</Link> : null}
        <Link to={`/learn/${d.assignmentId}`}>{t("course.backToCourse")}</Link>
      </div>
      <h2>{t("quiz.explanation")}</h2>
      <ol className="cards">
        {d.items.map((q, i) => {
          const ok = q.chosen === q.correctKey;
          return (
            <li key={q.key} className={`card result ${ok ? "correct" : "incorrect"}`}>
              <h3>{t("quiz.question", { n: i + 1 })}. {pick(locale, q.promptKo, q.promptEn)}</h3>
              <p><strong>{ok ? `✓ ${t("quiz.correct")}` : `✗ ${t("quiz.incorrect")}`}</strong></p>
              <p>{t("quiz.yourAnswer")}: {label(q, q.chosen)}</p>
              {!ok ? <p>{t("quiz.correctAnswer")}: {label(q, q.correctKey)}</p> : null}
              <p>{t("quiz.explanation")}: {pick(locale, q.explanationKo, q.explanationEn)}</p>
            </li>
          );
        })}
      </ol>
    </>
  );
}
