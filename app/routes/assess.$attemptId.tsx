import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { attemptForAssessor, deliverSoon, moderatePracticum, scoreFromForm, scorePracticum, type ScoreResult } from "~/modules/lecturers/practicum.server";
import type { Rubric } from "~/modules/lecturers/rubric";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { notFound } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { TextAreaField } from "~/components/text-field";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "강의 시연 채점", "Score a demonstration");

const DONE = ["BOOKED", "MODERATION", "PASSED", "FAILED"] as const;

/** One demonstration for an assessor or a moderator; the query refuses anyone conflicted on it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "ASSESSOR", "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const attempt = await attemptForAssessor(actor.userId, params.attemptId ?? "");
  if (!attempt) notFound();
  const search = new URL(request.url).searchParams;
  const done = search.get("done");
  return { attempt, done: DONE.find((d) => d === done) ?? null, moderated: search.get("moderated") };
}

type ActionData = { formError: string; fieldErrors?: Record<string, string> };

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireRole(request, "ASSESSOR", "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const id = params.attemptId ?? "";
  // Whom the attempt is hidden from is decided before the form is read.
  if (!(await attemptForAssessor(actor.userId, id))) notFound();
  const form = await request.formData();
  const intent = form.get("intent");
  const input = scoreFromForm(form);
  const result: ScoreResult =
    intent === "score" ? await scorePracticum(actor.userId, id, input)
    : intent === "moderate" ? await moderatePracticum(actor.userId, id, { levels: input.levels, note: String(form.get("note") ?? "") })
    : { ok: false, problem: "state" };
  if (!result.ok) {
    const fieldErrors = Object.fromEntries(Object.entries(result.fields ?? {}).map(([k, v]) => [k, t(`lecturerPracticum.assess.fieldError.${v}`)]));
    return Response.json({ formError: t(`lecturerPracticum.assess.error.${result.problem}`), fieldErrors } satisfies ActionData, { status: result.problem === "notFound" ? 404 : 400 });
  }
  await deliverSoon(result.outbox);
  return redirect(intent === "moderate" ? `/assess/${id}?moderated=${result.status}` : `/assess/${id}?done=${result.status}`);
}

function LevelFieldset({ criterion, prefix, legend, error }: { criterion: Rubric["criteria"][number]; prefix: string; legend: string; error?: string }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const name = `level.${criterion.key}`;
  const errorId = `${prefix}-${criterion.key}-error`;
  return (
    <fieldset className="choices" aria-describedby={error ? errorId : undefined}>
      <legend>{legend}</legend>
      {error ? <p id={errorId} className="field-error">{error}</p> : null}
      {criterion.levels.map((l, i) => (
        <label key={i} className="option">
          <input type="radio" name={name} value={i + 1} required aria-invalid={error ? true : undefined} />
          <span><strong>{t("lecturerPracticum.assess.level", { n: i + 1 })}</strong>: {pick(locale, l.ko, l.en)}</span>
        </label>
      ))}
    </fieldset>
  );
}

export default function AssessAttempt() {
  const { attempt: a, done, moderated } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const busy = useNavigation().state !== "idle";
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const err = (name: string) => result?.fieldErrors?.[name];
  const rubric = a.rubric;
  return (
    <>
      <h1>{t("lecturerPracticum.assess.pageTitle", { name: a.traineeName, n: a.attempt })}</h1>
      <p className="lead">{pick(locale, a.titleKo, a.titleEn)} · {formatDate(a.startsAt, locale, true)} · {t(`lecturerPracticum.status.${a.status}`)}</p>
      <FormStatus message={done ? t(`lecturerPracticum.assess.done.${done}`) : moderated ? t("lecturerPracticum.assess.moderated", { outcome: t(`lecturerPracticum.status.${moderated}`) }) : null} />
      <FormAlert result={result} />
      <details>
        <summary>{t("lecturerPracticum.assess.brief")}</summary>
        <p>{pick(locale, rubric.brief.ko, rubric.brief.en)}</p>
      </details>
      {a.scores.map((s, i) => (
        <section key={i} className="panel" aria-labelledby={`score-${i}`}>
          <h2 id={`score-${i}`}>{s.mine ? t("lecturerPracticum.assess.yours", { total: s.total }) : a.mayModerate ? t("lecturerPracticum.assess.scoreN", { n: i + 1, total: s.total }) : t("lecturerPracticum.assess.other", { total: s.total })}</h2>
          <dl className="facts">
            {rubric.criteria.map((c) => (
              <div key={c.key} style={{ display: "contents" }}>
                <dt>{pick(locale, c.title.ko, c.title.en)}</dt>
                <dd>{t("lecturerPracticum.assess.levelOf", { n: s.levels[c.key] })}: {s.feedback[c.key]}</dd>
              </div>
            ))}
          </dl>
        </section>
      ))}
      {a.status === "BOOKED" && !a.started ? <p className="panel">{t("lecturerPracticum.assess.notStarted")}</p> : null}
      {a.mayScore ? (
        <Form method="post" className="stack wide" noValidate>
          <input type="hidden" name="intent" value="score" />
          {rubric.criteria.map((c) => {
            const title = pick(locale, c.title.ko, c.title.en);
            return (
              <div key={c.key} className="stack">
                <LevelFieldset criterion={c} prefix="score" legend={t("lecturerPracticum.assess.levelLegend", { title, weight: c.weight })} error={err(`level.${c.key}`)} />
                <TextAreaField name={`feedback.${c.key}`} label={t("lecturerPracticum.assess.feedback", { title })} hint={t("lecturerPracticum.assess.feedbackHint")} error={err(`feedback.${c.key}`)} rows={3} maxLength={2000} required />
              </div>
            );
          })}
          <p><button type="submit" className="primary" disabled={busy}>{t("lecturerPracticum.assess.submit")}</button></p>
        </Form>
      ) : null}
      {a.mayModerate ? (
        <section aria-labelledby="moderate-heading">
          <h2 id="moderate-heading">{t("lecturerPracticum.assess.moderateHeading")}</h2>
          <p>{t("lecturerPracticum.assess.moderateIntro")}</p>
          <Form method="post" className="stack wide" noValidate>
            <input type="hidden" name="intent" value="moderate" />
            {rubric.criteria.map((c) => (
              <LevelFieldset key={c.key} criterion={c} prefix="agreed" legend={t("lecturerPracticum.assess.agreedLegend", { title: pick(locale, c.title.ko, c.title.en) })} error={err(`level.${c.key}`)} />
            ))}
            <TextAreaField name="note" label={t("lecturerPracticum.assess.note")} hint={t("lecturerPracticum.assess.noteHint")} error={err("note")} rows={4} maxLength={2000} required />
            <p><button type="submit" className="primary" disabled={busy}>{t("lecturerPracticum.assess.moderate")}</button></p>
          </Form>
        </section>
      ) : null}
    </>
  );
}
