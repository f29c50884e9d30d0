import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { asHttp, requireLearner } from "~/modules/learning/guard.server";
import { getCourseForLearner } from "~/modules/learning/learning.server";
import { type AppLocale, formatDate, formatMonthDayTime, pick } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, data?.version.titleKo ?? "", data?.version.titleEn ?? "");

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request, context);
  const c = await asHttp(() => getCourseForLearner(personId, params.assignmentId!));
  const glossary = c.version.glossary as Array<{ key: string; ko: { term: string; definition: string }; en: { term: string; definition: string } }>;
  return {
    assignmentId: c.assignment.id,
    status: c.assignment.status,
    dueAt: c.assignment.dueAt,
    cycleLabel: c.assignment.cycle?.label ?? null,
    obligationKo: c.assignment.cycle?.obligation.titleKo ?? null,
    obligationEn: c.assignment.cycle?.obligation.titleEn ?? null,
    jobFamily: c.assignment.person.jobFamily,
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
      questionCount: c.quizCount,
      poolCount: c.poolCount,
    },
    remainingLessonMinutes: c.remainingLessonMinutes,
    attempts: {
      remaining: c.attempts.remaining,
      perWindow: c.attempts.perWindow,
      waitHours: c.attempts.waitHours,
      nextAt: c.attempts.nextAt?.toISOString() ?? null,
    },
    core: c.path.core,
    optional: c.path.optional,
    required: c.path.required,
    progress: { done: c.path.done, total: c.path.total, complete: c.path.complete },
    resumeSlug: c.resumeLesson?.slug ?? null,
    pretest: { count: c.pretestCount, taken: c.pretestTaken },
    glossary,
    practicum: c.version.practicum as Practicum | null,
    lastAttempt: c.lastAttempt,
    certificate: c.certificate,
  };
}

type Bi = { ko: string; en: string };
type Practicum = {
  brief: Bi;
  deliverables: Bi[];
  minutes: number;
  passScore: number;
  criteria: Array<{ key: string; title: Bi; weight: number; levels: Bi[] }>;
};

function PracticumSection({ p }: { p: Practicum }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const levels = Math.max(...p.criteria.map((c) => c.levels.length));
  return (
    <section className="panel" aria-labelledby="practicum">
      <h2 id="practicum">{t("practicum.title")}</h2>
      <p>{pick(locale, p.brief.ko, p.brief.en)}</p>
      <p className="meta">{t("practicum.meta", { minutes: p.minutes, pass: p.passScore })}</p>
      <h3>{t("practicum.deliverables")}</h3>
      <ul>{p.deliverables.map((d, i) => <li key={i}>{pick(locale, d.ko, d.en)}</li>)}</ul>
      <TableRegion labelledBy="practicum-caption">
        <table>
          <caption id="practicum-caption">{t("practicum.rubric")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("practicum.criterion")}</th>
              <th scope="col" className="num">{t("practicum.weight")}</th>
              {Array.from({ length: levels }, (_, i) => <th key={i} scope="col">{t("practicum.level", { n: i + 1 })}</th>)}
            </tr>
          </thead>
          <tbody>
            {p.criteria.map((c) => (
              <tr key={c.key}>
                <th scope="row">{pick(locale, c.title.ko, c.title.en)}</th>
                <td className="num">{c.weight}</td>
                {c.levels.map((l, i) => <td key={i}>{pick(locale, l.ko, l.en)}</td>)}
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </section>
  );
}

type LessonItem = ReturnType<typeof useLoaderData<typeof loader>>["core"][number];

function LessonList({ lessons, assignmentId, ownFamily }: { lessons: LessonItem[]; assignmentId: string; ownFamily?: string | null }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <ol className="lesson-list">
      {lessons.map((l) => (
        <li key={l.id}>
          <Link to={`/learn/${assignmentId}/lessons/${l.slug}`}>{pick(locale, l.titleKo, l.titleEn)}</Link>{" "}
          <span className="meta">
            ({t(`course.kind.${l.kind}`)}
            {l.jobFamily ? `, ${t(`jobFamily.${l.jobFamily}`)}` : ""}, {t("course.minutes", { count: l.estimatedMinutes })})
          </span>{" "}
          {ownFamily && l.jobFamily === ownFamily ? <span className="badge IN_PROGRESS">{t("course.yourFamily")}</span> : null}{" "}
          {l.done ? <span className="done-mark">✓ {t("course.lessonDone")}</span> : <span className="visually-hidden">{t("course.lessonTodo")}</span>}
        </li>
      ))}
    </ol>
  );
}

export default function CourseOverview() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const title = pick(locale, d.version.titleKo, d.version.titleEn);
  const offerPretest = d.pretest.count > 0 && !d.pretest.taken && d.progress.done === 0 && d.status !== "COMPLETED";
  const startHref = offerPretest ? `/learn/${d.assignmentId}/pretest` : `/learn/${d.assignmentId}/lessons/${d.resumeSlug}`;
  return (
    <>
      <p className="meta">
        {d.cycleLabel && d.dueAt
          ? `${pick(locale, d.obligationKo, d.obligationEn)} · ${d.cycleLabel} · ${t("hr.dueOn", { date: formatDate(d.dueAt, locale) })}`
          : t("catalog.elective")}
      </p>
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
          <progress id="course-progress" max={d.progress.total} value={d.progress.done} />{" "}
          {t("home.progress", { done: d.progress.done, total: d.progress.total })}
        </p>
        {offerPretest ? <p className="notice">{t("pretest.offer", { count: d.pretest.count })}</p> : null}
        {d.required > 0 ? <h3>{t("course.requiredLessons")}</h3> : null}
        <LessonList lessons={d.core} assignmentId={d.assignmentId} />
        {d.required > 0 ? (
          <>
            <h3>{t("course.chooseCases", { count: d.required })}</h3>
            <p className="meta">{t("course.chooseCasesHint")}</p>
            <LessonList lessons={d.optional} assignmentId={d.assignmentId} ownFamily={d.jobFamily} />
          </>
        ) : null}
        {d.resumeSlug && d.status !== "COMPLETED" ? (
          <div className="actions">
            <Link className="button" to={startHref}>
              {offerPretest ? t("pretest.start") : d.progress.done === 0 ? t("home.start") : t("home.resume")}
            </Link>
          </div>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="quiz">
        <h2 id="quiz">{t("course.quiz")}</h2>
        <p>
          {d.version.poolCount > d.version.questionCount
            ? t("course.quizIntroPool", { count: d.version.questionCount, pool: d.version.poolCount, mark: d.version.passMark })
            : t("course.quizIntro", { count: d.version.questionCount, mark: d.version.passMark })}{" "}
          {t("quiz.attemptsRule", { count: d.attempts.perWindow, hours: d.attempts.waitHours })}
        </p>
        {d.lastAttempt ? (
          <p>{t("course.lastAttempt", { score: d.lastAttempt.scorePercent, result: d.lastAttempt.passed ? t("course.passed") : t("course.failed") })}</p>
        ) : null}
        {d.status === "COMPLETED" ? null : !d.progress.complete ? (
          <p className="notice">{t("course.quizLocked")}</p>
        ) : d.remainingLessonMinutes > 0 ? (
          <p className="notice">{t("quiz.refused.lessonTime", { count: d.remainingLessonMinutes })}</p>
        ) : d.attempts.nextAt ? (
          <p className="notice">{t("quiz.nextAttempt", { date: formatMonthDayTime(d.attempts.nextAt, locale) })}</p>
        ) : (
          <>
            <p>{t("quiz.attemptsLeft", { count: d.attempts.remaining })}</p>
            <Link className="button" to={`/learn/${d.assignmentId}/quiz`}>{t("course.takeQuiz")}</Link>
          </>
        )}
      </section>
      {d.practicum ? <PracticumSection p={d.practicum} /> : null}
      {d.glossary.length > 0 ? (
        <section className="panel" aria-labelledby="glossary">
          <h2 id="glossary">{t("course.glossary")}</h2>
          <dl className="glossary">
            {d.glossary.map((g) => (
              <div key={g.key}>
                <dt lang={locale}>{pick(locale, g.ko.term, g.en.term)} <span className="meta" lang={locale === "ko" ? "en" : "ko"}>({pick(locale, g.en.term, g.ko.term)})</span></dt>
                <dd>{pick(locale, g.ko.definition, g.en.definition)}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}
    </>
  );
}
