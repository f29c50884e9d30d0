import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireActor } from "~/modules/auth/permissions.server";
import { getFeedbackForm, submitFeedback } from "~/modules/offerings/feedback.server";
import { notFound } from "~/utils/http.server";
import { pick, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { TextAreaField } from "~/components/text-field";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "수업 설문", "Class survey");

const QUESTIONS = ["satisfaction", "usefulness", "accessibility"] as const;

/** A participant's survey of a class whose roll is closed; anyone who did not attend it finds nothing. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const seat = actor.user.personId ? await getFeedbackForm(actor.user.personId, params.offeringId ?? "") : null;
  if (!seat) notFound();
  return { titleKo: seat.titleKo, titleEn: seat.titleEn, answered: seat.answered };
}

type ActionData = { message?: string; formError?: string; fieldErrors?: Record<string, string> };

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const { t } = requestTranslator(request, actor.user.locale);
  const personId = actor.user.personId;
  // Who may answer is decided before what they sent is read.
  if (!personId || !(await getFeedbackForm(personId, params.offeringId ?? ""))) notFound();
  const form = await request.formData();
  const text = (name: string) => String(form.get(name) ?? "");
  const outcome = await submitFeedback(actor.userId, personId, params.offeringId ?? "", {
    satisfaction: text("satisfaction"),
    usefulness: text("usefulness"),
    accessibility: text("accessibility"),
    comment: text("comment"),
  });
  if (outcome === "notParticipant") notFound();
  if (typeof outcome === "object") {
    const message = t("offerings.feedback.invalid");
    return Response.json({ formError: message, fieldErrors: Object.fromEntries(outcome.invalid.map((f) => [f, message])) } satisfies ActionData, { status: 400 });
  }
  return { message: t(`offerings.feedback.outcome.${outcome}`) } satisfies ActionData;
}

export default function ClassFeedback() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  const title = pick(locale, d.titleKo, d.titleEn);
  return (
    <>
      <h1>{t("offerings.feedback.title", { title })}</h1>
      <FormAlert result={result} />
      <FormStatus message={result?.message ?? (d.answered ? t("offerings.feedback.outcome.already") : null)} />
      {result?.message || d.answered ? null : (
        <Form method="post" className="stack">
          <p>{t("offerings.feedback.intro")}</p>
          {QUESTIONS.map((q) => (
            <fieldset key={q} className="question" aria-describedby={result?.fieldErrors?.[q] ? `${q}-error` : undefined}>
              <legend>{t(`offerings.feedback.${q}`)}</legend>
              {result?.fieldErrors?.[q] ? <p id={`${q}-error`} className="field-error">{result.fieldErrors[q]}</p> : null}
              {(["1", "2", "3", "4", "5"] as const).map((n) => (
                <label key={n} className="option">
                  <input type="radio" name={q} value={n} required />
                  <span>{t(`offerings.feedback.score.${n}`)}</span>
                </label>
              ))}
            </fieldset>
          ))}
          <TextAreaField name="comment" label={t("offerings.feedback.comment")} error={result?.fieldErrors?.comment} maxLength={2000} rows={4} />
          <div><button type="submit" className="primary" disabled={busy}>{t("offerings.feedback.submit")}</button></div>
        </Form>
      )}
    </>
  );
}
