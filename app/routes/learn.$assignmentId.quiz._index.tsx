import type { MetaFunction, ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { asHttp, requireLearner } from "~/modules/learning/guard.server";
import { getQuizForLearner, submitQuiz } from "~/modules/learning/learning.server";
import { pick, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";

type Option = { key: string; ko: string; en: string };

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, `평가 · ${data?.courseTitleKo}`, `Quiz · ${data?.courseTitleEn}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request);
  const q = await asHttp(() => getQuizForLearner(personId, params.assignmentId!));
  if (!q.lessons.every((l) => l.done)) throw redirect(`/learn/${params.assignmentId}`);
  return {
    assignmentId: params.assignmentId!,
    courseTitleKo: q.version.titleKo,
    courseTitleEn: q.version.titleEn,
    passMark: q.version.passMark,
    questions: q.questions.map((x) => ({
      key: x.key,
      promptKo: x.promptKo,
      promptEn: x.promptEn,
      options: x.options as Option[],
    })),
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { personId } = await requireLearner(request);
  const { t } = requestTranslator(request);
  const form = await request.formData();
  const answers: Record<string, string> = {};
  for (const [name, value] of form) {
    if (!name.startsWith("q:")) continue;
    if (typeof value !== "string") throw Response.json({ error: "bad-request", message: t("quiz.invalid") }, { status: 400 });
    answers[name.slice(2)] = value;
  }
  const quiz = await asHttp(() => getQuizForLearner(personId, params.assignmentId!));
  const known = new Set(quiz.questions.map((q) => q.key));
  if (Object.keys(answers).some((k) => !known.has(k))) {
    return Response.json({ formError: t("quiz.invalid"), answers }, { status: 400 });
  }
  const missing = quiz.questions.map((q, i) => (answers[q.key] ? null : i + 1)).filter((n): n is number => n !== null);
  if (missing.length > 0) {
    return Response.json({ formError: t("quiz.unanswered", { list: missing.join(", ") }), answers, missing }, { status: 400 });
  }
  const result = await asHttp(() => submitQuiz(personId, params.assignmentId!, answers));
  return redirect(`/learn/${params.assignmentId}/quiz/${result.attemptId}`);
}

export default function QuizPage() {
  const d = useLoaderData<typeof loader>();
  const errors = useActionData<{ formError?: string; answers?: Record<string, string>; missing?: number[] }>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const alertRef = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (errors?.formError) alertRef.current?.focus();
  }, [errors]);
  return (
    <>
      <p className="meta"><Link to={`/learn/${d.assignmentId}`}>{pick(locale, d.courseTitleKo, d.courseTitleEn)}</Link></p>
      <h1>{t("quiz.title")}</h1>
      <p>{t("quiz.instructions")} {t("course.quizIntro", { count: d.questions.length, mark: d.passMark })}</p>
      {errors?.formError ? (
        <div className="alert" role="alert" tabIndex={-1} ref={alertRef}>{errors.formError}</div>
      ) : null}
      <Form method="post">
        {d.questions.map((q, i) => {
          const missing = errors?.missing?.includes(i + 1);
          return (
            <fieldset key={q.key} className="question" aria-describedby={missing ? `m-${q.key}` : undefined}>
              <legend>{t("quiz.question", { n: i + 1 })}. {pick(locale, q.promptKo, q.promptEn)}</legend>
              {missing ? <p id={`m-${q.key}`} className="field-error">{t("login.required")}</p> : null}
              {q.options.map((o) => (
                <label key={o.key} className="option">
                  <input
                    type="radio"
                    name={`q:${q.key}`}
                    value={o.key}
                    defaultChecked={errors?.answers?.[q.key] === o.key}
                  />
                  <span>{pick(locale, o.ko, o.en)}</span>
                </label>
              ))}
            </fieldset>
          );
        })}
        <button type="submit" className="primary">{t("quiz.submit")}</button>
      </Form>
    </>
  );
}
