import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireLearner } from "~/modules/learning/guard.server";
import { applyInputFromForm, applyToRound, getRound, myApplications } from "~/modules/lecturers/recruitment.server";
import { now } from "~/utils/clock.server";
import { notFound } from "~/utils/http.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";
import { TextAreaField } from "~/components/text-field";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "인권강사 지원", "Apply to be a human rights lecturer");

/** A signed-in person with a personnel record; the round as the public sees it, and their own application to it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request);
  const round = await getRound(params.roundId);
  if (!round) notFound();
  const mine = (await myApplications(personId)).find((a) => a.roundId === round.id) ?? null;
  const at = now();
  return {
    round: { id: round.id, titleKo: round.titleKo, titleEn: round.titleEn, opensAt: round.opensAt, closesAt: round.closesAt, fields: round.fields, retentionMonths: round.retentionMonths },
    state: mine ? ("applied" as const) : at < round.opensAt ? ("notOpenYet" as const) : at > round.closesAt ? ("closed" as const) : ("open" as const),
    mine: mine ? { status: mine.status, submittedAt: mine.submittedAt } : null,
  };
}

type ActionData = { formError: string; values: { background: string; motivation: string; fields: string[]; consent: boolean } };

export async function action({ request, params }: ActionFunctionArgs) {
  const { personId, userId, locale } = await requireLearner(request);
  const { t } = requestTranslator(request, locale);
  const input = applyInputFromForm(await request.formData());
  const result = await applyToRound(personId, userId, params.roundId, input);
  if (result.ok) return redirect("/lecturer?applied=1");
  if (result.problem === "unknownRound") notFound();
  const values = { background: String(input.background), motivation: String(input.motivation), fields: input.fields as string[], consent: input.consent === "yes" };
  return Response.json({ formError: t(`lecturers.apply.problem.${result.problem}`), values } satisfies ActionData, { status: result.problem === "alreadyApplied" ? 409 : 400 });
}

export default function ApplyToRound() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  const a = (k: string, o?: Record<string, unknown>) => t(`lecturers.apply.${k}`, o);
  const round = pick(locale, d.round.titleKo, d.round.titleEn);
  const v = result?.values;
  return (
    <>
      <h1>{a("title")}</h1>
      <p className="lead">{a("intro", { round })}</p>
      <p className="meta">{t("lecturers.public.period", { from: formatDate(d.round.opensAt, locale), to: formatDate(d.round.closesAt, locale) })}</p>
      {d.state === "applied" ? (
        <p className="notice">{t("lecturers.apply.problem.alreadyApplied")} <Link to="/lecturer">{t("lecturers.public.myPage")}</Link></p>
      ) : d.state !== "open" ? (
        <p className="notice">{a(`problem.${d.state}`)}</p>
      ) : (
        <Form method="post" className="stack" noValidate>
          <FormAlert result={result} />
          <TextAreaField name="background" label={a("background")} hint={a("backgroundHint")} rows={8} required minLength={30} maxLength={4000} defaultValue={v?.background} />
          <TextAreaField name="motivation" label={a("motivation")} hint={a("motivationHint")} rows={6} required minLength={30} maxLength={4000} defaultValue={v?.motivation} />
          <fieldset className="choices" aria-describedby="fields-hint">
            <legend>{a("fields")}</legend>
            <p id="fields-hint" className="meta">{a("fieldsHint")}</p>
            {d.round.fields.map((f) => (
              <label key={f} className="option">
                <input type="checkbox" name="fields" value={f} defaultChecked={v?.fields.includes(f)} />
                <span>{t(`lecturers.field.${f}`)}</span>
              </label>
            ))}
          </fieldset>
          <section aria-labelledby="consent-heading" className="panel">
            <h2 id="consent-heading">{a("consentHeading")}</h2>
            <p id="consent-text">{a("consentText", { count: d.round.retentionMonths })}</p>
            <label className="option">
              <input type="checkbox" name="consent" value="yes" required aria-describedby="consent-text" defaultChecked={v?.consent} />
              <span>{a("consent")}</span>
            </label>
          </section>
          <div><button type="submit" className="primary" disabled={busy}>{a("submit")}</button></div>
        </Form>
      )}
    </>
  );
}
