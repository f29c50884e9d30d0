import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { SCREENING_DIVERGENCE_POINTS } from "~/modules/lecturers/codes";
import { applicationForReviewer, decideApplication, submitReview } from "~/modules/lecturers/screening.server";
import { notFound } from "~/utils/http.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { TableRegion } from "~/components/table-region";
import { TextAreaField } from "~/components/text-field";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "지원서 심사", "Review an application");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN");
  const application = await applicationForReviewer(params.applicationId, actor.userId);
  if (!application) notFound();
  const done = new URL(request.url).searchParams.get("done");
  return { application, done: done === "review" || done === "decision" ? done : null };
}

type ActionData = { formError: string; intent: "review" | "decide"; values: Record<string, string> };

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await request.formData();
  const intent = form.get("intent");
  const values = Object.fromEntries([...form.entries()].map(([k, v]) => [k, String(v)]));
  if (intent === "review") {
    const scores = Object.fromEntries([...form.entries()].filter(([k]) => k.startsWith("score.")).map(([k, v]) => [k.slice(6), String(v)]));
    const result = await submitReview(params.applicationId, actor.userId, scores, form.get("comment"));
    if (result.ok) return redirect(`/academy/lecturers/applications/${params.applicationId}?done=review`);
    if (result.problem === "notFound") notFound();
    return Response.json({ formError: t(`lecturers.review.problem.${result.problem}`, { criteria: (result.keys ?? []).join(", ") }), intent, values } satisfies ActionData, { status: 400 });
  }
  if (intent === "decide") {
    const result = await decideApplication(params.applicationId, actor.userId, form.get("decision"), form.get("reason"));
    if (result.ok) return redirect(`/academy/lecturers/applications/${params.applicationId}?done=decision`);
    if (result.problem === "notFound") notFound();
    return Response.json({ formError: t(`lecturers.review.problem.${result.problem}`), intent, values } satisfies ActionData, { status: 400 });
  }
  return Response.json({ error: "bad-request" }, { status: 400 });
}

export default function ReviewApplication() {
  const { application: a, done } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  const r = (k: string, o?: Record<string, unknown>) => t(`lecturers.review.${k}`, o);
  const criterionTitle = (key: string) => {
    const c = a.criteria.find((x) => x.key === key);
    return c ? pick(locale, c.title.ko, c.title.en) : key;
  };
  const reviews = a.myReview ? [{ ...a.myReview, mine: true }, ...a.otherReviews.map((o) => ({ ...o, mine: false }))] : [];
  return (
    <>
      <p><Link to={`/academy/lecturers/rounds/${a.round.id}`}>{pick(locale, a.round.titleKo, a.round.titleEn)}</Link></p>
      <h1>{r("title")}: {a.person.name}</h1>
      <FormStatus message={done === "review" ? r("submitted") : done === "decision" ? t(`lecturers.status.${a.status}`) : null} />
      {a.divergent && a.myReview ? <p className="alert" role="note">{r("divergent", { points: SCREENING_DIVERGENCE_POINTS })}</p> : null}
      <dl className="panel facts">
        <dt>{r("round")}</dt><dd>{pick(locale, a.round.titleKo, a.round.titleEn)}</dd>
        <dt>{r("fields")}</dt><dd>{a.fields.map((f) => t(`lecturers.field.${f}`)).join(", ")}</dd>
        <dt>{r("background")}</dt><dd className="notice-body">{a.erasedAt ? r("erased") : a.background}</dd>
        <dt>{r("motivation")}</dt><dd className="notice-body">{a.erasedAt ? r("erased") : a.motivation}</dd>
        <dt>{t("lecturers.round.status")}</dt><dd>{t(`lecturers.status.${a.status}`)}</dd>
      </dl>
      <p className="meta">{r("consent", { date: formatDate(a.consentAt, locale, true), version: a.consentVersion })}</p>

      <section aria-labelledby="score-heading">
        <h2 id="score-heading">{r("scoreHeading")}</h2>
        {a.myReview ? (
          <p>{r("mine", { total: a.myReview.total })}</p>
        ) : a.status !== "SUBMITTED" ? null : (
          <Form method="post" className="stack panel" noValidate>
            {result?.intent === "review" ? <FormAlert result={result} /> : null}
            <p>{r("scoreIntro")}</p>
            <input type="hidden" name="intent" value="review" />
            {a.criteria.map((c) => (
              <div key={c.key}>
                <label htmlFor={`score-${c.key}`}>{r("score", { title: pick(locale, c.title.ko, c.title.en), max: c.maxScore })}</label>
                <p id={`score-${c.key}-hint`} className="meta">{pick(locale, c.description.ko, c.description.en)}</p>
                <input id={`score-${c.key}`} name={`score.${c.key}`} type="number" inputMode="numeric" min={0} max={c.maxScore} step={1} required className="narrow"
                  aria-describedby={`score-${c.key}-hint`} defaultValue={result?.intent === "review" ? result.values[`score.${c.key}`] : undefined} />
              </div>
            ))}
            <TextAreaField name="comment" label={r("comment")} rows={3} maxLength={2000} defaultValue={result?.intent === "review" ? result.values.comment : undefined} />
            <div><button type="submit" className="primary" disabled={busy}>{r("submit")}</button></div>
          </Form>
        )}
        {!a.myReview && a.reviewCount > 0 ? <p className="notice">{r("othersHidden", { count: a.reviewCount })}</p> : null}
      </section>

      {reviews.length > 0 ? (
        <section aria-labelledby="scores-heading">
          <h2 id="scores-heading">{r("othersHeading")}</h2>
          {a.otherReviews.length === 0 ? <p>{r("noOthers")}</p> : null}
          <TableRegion labelledBy="scores-caption">
            <table>
              <caption id="scores-caption">{r("othersHeading")}</caption>
              <thead>
                <tr>
                  <th scope="col">{r("criterion")}</th>
                  {reviews.map((v, i) => <th key={i} scope="col" className="num">{v.mine ? r("you", { name: v.reviewerName }) : v.reviewerName}</th>)}
                </tr>
              </thead>
              <tbody>
                {a.criteria.map((c) => (
                  <tr key={c.key}>
                    <th scope="row">{criterionTitle(c.key)}</th>
                    {reviews.map((v, i) => <td key={i} className="num">{v.scores[c.key] ?? "—"}</td>)}
                  </tr>
                ))}
                <tr>
                  <th scope="row">{r("total")}</th>
                  {reviews.map((v, i) => <td key={i} className="num"><strong>{v.total}</strong></td>)}
                </tr>
              </tbody>
            </table>
          </TableRegion>
          {reviews.filter((v) => v.comment).map((v, i) => <p key={i}><strong>{v.reviewerName}</strong>: {v.comment}</p>)}
        </section>
      ) : null}

      <section aria-labelledby="decision-heading">
        <h2 id="decision-heading">{r("decisionHeading")}</h2>
        {a.status !== "SUBMITTED" ? (
          <>
            <p>{r("decided", { status: t(`lecturers.status.${a.status}`), date: a.decidedAt ? formatDate(a.decidedAt, locale, true) : "", name: a.decidedByName ?? "" })}</p>
            {a.decisionReason ? <p>{r("decidedReason", { reason: a.decisionReason })}</p> : null}
          </>
        ) : (
          <Form method="post" className="stack panel" noValidate>
            {result?.intent === "decide" ? <FormAlert result={result} /> : null}
            <p>{r("decisionIntro", { count: a.reviewCount })}</p>
            <input type="hidden" name="intent" value="decide" />
            <fieldset className="choices">
              <legend>{r("decision")}</legend>
              {(["accept", "reject"] as const).map((d) => (
                <label key={d} className="option">
                  <input type="radio" name="decision" value={d} required defaultChecked={result?.intent === "decide" && result.values.decision === d} />
                  <span>{r(d)}</span>
                </label>
              ))}
            </fieldset>
            <TextAreaField name="reason" label={r("reason")} rows={3} required minLength={5} maxLength={2000} defaultValue={result?.intent === "decide" ? result.values.reason : undefined} />
            <div><button type="submit" className="primary" disabled={busy}>{r("decide")}</button></div>
          </Form>
        )}
      </section>
    </>
  );
}
