import type { MetaFunction, LoaderFunctionArgs } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asHttp, requireLearner } from "~/modules/learning/guard.server";
import { getCourseForLearner } from "~/modules/learning/learning.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, data?.version.titleKo ?? "", data?.version.titleEn ?? "");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request);
  const c = await asHttp(() => getCourseForLearner(personId, params.assignmentId!));
  return {
    assignmentId: c.assignment.id,
    status: c.assignment.status,
    dueAt: c.assignment.dueAt,
    cycleLabel: c.assignment.cycle.label,
    obligationKo: c.assignment.cycle.obligation.titleKo,
    obligationEn: c.assignment.cycle.obligation.titleEn,
    version: {
      version: c.version.version,
      titleKo: c.version.titleKo,
      titleEn: c.version.titleEn,
      summaryKo: c.version.summaryKo,
      summaryEn: c.version.summaryEn,
      objectivesKo: c.version.objectivesKo,
      objectivesEn: c.version.objectivesEn,
      estimatedMinutes: c.version.estimatedMinutes,
      passMark: c.version.passMark,
      questionCount: c.version._count.questions,
    },
    lessons: c.lessons,
    resumeSlug: c.resumeLesson?.slug ?? null,
    lastAttempt: c.lastAttempt,
    certificate: c.certificate,
  };
}

export default function CourseOverview() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const title = pick(locale, d.version.titleKo, d.version.titleEn);
  const allDone = d.lessons.every((l) => l.done);
  const doneCount = d.lessons.filter((l) => l.done).length;
  return (
    <>
      <p className="meta">{pick(locale, d.obligationKo, d.obligationEn)} · {d.cycleLabel} · {t("hr.dueOn", { date: formatDate(d.dueAt, locale) })}</p>
      <h1>{title}</h1>
      {d.status === "COMPLETED" ? (
        <p className="success" role="status">
          {t("course.completedBanner")}{" "}
          {d.certificate ? <a href={`/certificates/${d.certificate.id}.pdf`} download>{t("home.certificate")}</a> : null}
        </p>
      ) : null}
      <section className="panel" aria-labelledby="about">
        <h2 id="about">{t("course.overview")}</h2>
        <p>{pick(locale, d.version.summaryKo, d.version.summaryEn)}</p>
        <p className="meta">{t("home.minutes", { count: d.version.estimatedMinutes })} · {t("course.version", { version: d.version.version })}</p>
        <h3>{t("course.objectives")}</h3>
        <ul>
          {pick(locale, d.version.objectivesKo, d.version.objectivesEn).map((o) => <li key={o}>{o}</li>)}
        </ul>
      </section>
      <section className="panel" aria-labelledby="lessons">
        <h2 id="lessons">{t("course.lessons")}</h2>
        <p>
          <label htmlFor="course-progress">{t("course.progressLabel")}</label>
          <progress id="course-progress" max={d.lessons.length} value={doneCount} />{" "}
          {t("home.progress", { done: doneCount, total: d.lessons.length })}
        </p>
        <ol className="lesson-list">
          {d.lessons.map((l) => (
            <li key={l.id}>
              <Link to={`/learn/${d.assignmentId}/lessons/${l.slug}`}>{pick(locale, l.titleKo, l.titleEn)}</Link>{" "}
              <span className="meta">({t(`course.kind.${l.kind}`)}, {t("course.minutes", { count: l.estimatedMinutes })})</span>{" "}
              {l.done ? <span className="done-mark">✓ {t("course.lessonDone")}</span> : <span className="visually-hidden">{t("course.lessonTodo")}</span>}
            </li>
          ))}
        </ol>
        {d.resumeSlug && d.status !== "COMPLETED" ? (
          <div className="actions">
            <Link className="button" to={`/learn/${d.assignmentId}/lessons/${d.resumeSlug}`}>{doneCount === 0 ? t("home.start") : t("home.resume")}</Link>
          </div>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="quiz">
        <h2 id="quiz">{t("course.quiz")}</h2>
        <p>{t("course.quizIntro", { count: d.version.questionCount, mark: d.version.passMark })}</p>
        {d.lastAttempt ? (
          <p>{t("course.lastAttempt", { score: d.lastAttempt.scorePercent, result: d.lastAttempt.passed ? t("course.passed") : t("course.failed") })}</p>
        ) : null}
        {allDone ? (
          <Link className="button" to={`/learn/${d.assignmentId}/quiz`}>{t("course.takeQuiz")}</Link>
        ) : (
          <p className="notice">{t("course.quizLocked")}</p>
        )}
      </section>
    </>
  );
}
