import type { MetaFunction, ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { badRequest } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData, useLocation } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { asHttp, requireLearner, requireOwnAssignment } from "~/modules/learning/guard.server";
import { completeLesson, getLessonForLearner } from "~/modules/learning/learning.server";
import { pick, type AppLocale } from "~/utils/i18n";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, `${data?.lesson.titleKo} · ${data?.courseTitleKo}`, `${data?.lesson.titleEn} · ${data?.courseTitleEn}`);

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request, context);
  const d = await asHttp(() => getLessonForLearner(personId, params.assignmentId!, params.slug!));
  return {
    assignmentId: params.assignmentId!,
    courseTitleKo: d.version.titleKo,
    courseTitleEn: d.version.titleEn,
    lesson: {
      slug: d.lesson.slug,
      kind: d.lesson.kind,
      titleKo: d.lesson.titleKo,
      titleEn: d.lesson.titleEn,
      bodyHtmlKo: d.lesson.bodyHtmlKo,
      bodyHtmlEn: d.lesson.bodyHtmlEn,
      sourcesKo: d.lesson.sourcesKo,
      sourcesEn: d.lesson.sourcesEn,
      estimatedMinutes: d.lesson.estimatedMinutes,
      jobFamily: d.lesson.jobFamily,
    },
    n: d.index + 1,
    total: d.lessons.length,
    done: d.lessons[d.index]!.done,
    doneCount: d.path.done,
    pathTotal: d.path.total,
    previous: d.previous?.slug ?? null,
    next: d.next?.slug ?? null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { personId } = await requireOwnAssignment(request, params.assignmentId);
  const form = await request.formData();
  if (form.get("intent") !== "complete") badRequest("intent");
  const { next } = await asHttp(() => completeLesson(personId, params.assignmentId!, params.slug!));
  return redirect(next ? `/learn/${params.assignmentId}/lessons/${next.slug}` : `/learn/${params.assignmentId}/quiz`);
}

export default function LessonPage() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const sources = pick(locale, d.lesson.sourcesKo, d.lesson.sourcesEn);
  // Arriving on a lesson from another page of the app (the previous lesson's "done", the course
  // page), the reader starts at its title: a screen reader announces it, and the next Tab goes into
  // the lesson rather than back through the site's menu. A freshly loaded page keeps the browser's.
  const title = useRef<HTMLHeadingElement>(null);
  const location = useLocation();
  useEffect(() => {
    if (location.key !== "default") title.current?.focus();
  }, [location.key]);
  return (
    <article aria-labelledby="lesson-title">
      <p className="meta">
        <Link to={`/learn/${d.assignmentId}`}>{pick(locale, d.courseTitleKo, d.courseTitleEn)}</Link> · {t("course.lessonOf", { n: d.n, total: d.total })} ·{" "}
        {t(`course.kind.${d.lesson.kind}`)}
        {d.lesson.jobFamily ? ` · ${t(`jobFamily.${d.lesson.jobFamily}`)}` : ""} · {t("course.minutes", { count: d.lesson.estimatedMinutes })}
      </p>
      <p>
        <label htmlFor="lesson-progress" className="visually-hidden">{t("course.progressLabel")}</label>
        <progress id="lesson-progress" max={d.pathTotal} value={d.doneCount} />
      </p>
      <h1 id="lesson-title" tabIndex={-1} ref={title}>{pick(locale, d.lesson.titleKo, d.lesson.titleEn)}</h1>
      <div className="lesson-body" dangerouslySetInnerHTML={{ __html: pick(locale, d.lesson.bodyHtmlKo, d.lesson.bodyHtmlEn) }} />
      <aside className="sources" aria-labelledby="sources-title">
        <h2 id="sources-title">{t("course.sources")}</h2>
        <ul>{sources.map((s) => <li key={s}>{s}</li>)}</ul>
      </aside>
      <Form method="post" className="actions">
        <input type="hidden" name="intent" value="complete" />
        <button type="submit" className="primary">{d.next ? t("course.markDone") : t("course.markDoneLast")}</button>
        {d.previous ? <Link to={`/learn/${d.assignmentId}/lessons/${d.previous}`}>{t("course.previous")}</Link> : null}
        <Link to={`/learn/${d.assignmentId}`}>{t("course.backToCourse")}</Link>
      </Form>
    </article>
  );
}
