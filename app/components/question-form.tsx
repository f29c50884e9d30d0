import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { pick, type AppLocale } from "~/utils/i18n";
import { FormAlert } from "~/components/form-alert";

export type QuestionView = { key: string; promptKo: string; promptEn: string; options: Array<{ key: string; ko: string; en: string }> };
export type QuestionErrors = { formError?: string; answers?: Record<string, string>; missing?: number[] };

/** One radio group per question; unanswered ones are marked and the summary takes focus. */
export function QuestionForm({
  questions,
  errors,
  submitLabel,
  submissionKey,
}: {
  questions: QuestionView[];
  errors?: QuestionErrors;
  submitLabel: string;
  submissionKey: string;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <>
      <FormAlert result={errors} />
      <Form method="post">
        <input type="hidden" name="submission" value={submissionKey} />
        {questions.map((q, i) => {
          const missing = errors?.missing?.includes(i + 1);
          return (
            <fieldset key={q.key} className="question" aria-describedby={missing ? `m-${q.key}` : undefined}>
              <legend>{t("quiz.question", { n: i + 1 })}. {pick(locale, q.promptKo, q.promptEn)}</legend>
              {missing ? <p id={`m-${q.key}`} className="field-error">{t("login.required")}</p> : null}
              {q.options.map((o) => (
                <label key={o.key} className="option">
                  <input type="radio" name={`q:${q.key}`} value={o.key} defaultChecked={errors?.answers?.[q.key] === o.key} />
                  <span>{pick(locale, o.ko, o.en)}</span>
                </label>
              ))}
            </fieldset>
          );
        })}
        <button type="submit" className="primary">{submitLabel}</button>
      </Form>
    </>
  );
}

/** The quiz and pre-test pages: course link, heading, instructions, the questions. */
export function QuestionPage(props: {
  assignmentId: string;
  courseTitleKo: string;
  courseTitleEn: string;
  title: string;
  intro: string;
  /** A line under the instructions (the attempts left). */
  note?: string;
  questions: QuestionView[];
  submissionKey: string;
  errors?: QuestionErrors;
  children?: React.ReactNode;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <>
      <p className="meta"><Link to={`/learn/${props.assignmentId}`}>{pick(locale, props.courseTitleKo, props.courseTitleEn)}</Link></p>
      <h1>{props.title}</h1>
      <p>{props.intro}</p>
      {props.note ? <p className="meta">{props.note}</p> : null}
      <QuestionForm questions={props.questions} errors={props.errors} submitLabel={t("quiz.submit")} submissionKey={props.submissionKey} />
      {props.children}
    </>
  );
}
