import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { LECTURER_FIELDS } from "~/modules/lecturers/codes";
import { createRound, listRoundsForAcademy, roundInputFromForm } from "~/modules/lecturers/recruitment.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { TableRegion } from "~/components/table-region";
import { TextAreaField, TextField } from "~/components/text-field";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "인권강사 모집", "Lecturer recruitment");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ACADEMY_ADMIN");
  return { rounds: await listRoundsForAcademy(), created: new URL(request.url).searchParams.get("created") === "1" };
}

type ActionData = { formError: string; fieldErrors: Record<string, string>; values: Record<string, unknown> };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const values = roundInputFromForm(await request.formData());
  const result = await createRound(actor.userId, values);
  if (!result.ok) {
    const fieldErrors = Object.fromEntries(Object.entries(result.errors).map(([f, code]) => [f, t(`lecturers.admin.error.${code}`)]));
    return Response.json({ formError: t("lecturers.admin.error.summary"), fieldErrors, values } satisfies ActionData, { status: 400 });
  }
  return redirect("/academy/lecturers?created=1");
}

export default function AcademyLecturers() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  const a = (k: string, o?: Record<string, unknown>) => t(`lecturers.admin.${k}`, o);
  const v = (result?.values ?? {}) as Record<string, string | string[] | undefined>;
  const err = result?.fieldErrors ?? {};
  return (
    <>
      <h1>{a("title")}</h1>
      <p className="lead">{a("intro")}</p>
      <FormStatus message={d.created ? a("created") : null} />
      {d.rounds.length === 0 ? <p className="panel">{a("none")}</p> : (
        <TableRegion labelledBy="rounds-caption">
          <table>
            <caption id="rounds-caption">{a("caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{a("round")}</th>
                <th scope="col">{a("period")}</th>
                <th scope="col" className="num">{a("places")}</th>
                <th scope="col" className="num">{a("applications")}</th>
                <th scope="col" className="num">{a("submitted")}</th>
                <th scope="col" className="num">{a("accepted")}</th>
                <th scope="col" className="num">{a("rejected")}</th>
                <th scope="col" className="num">{a("divergent")}</th>
              </tr>
            </thead>
            <tbody>
              {d.rounds.map((r) => {
                const title = pick(locale, r.titleKo, r.titleEn);
                return (
                  <tr key={r.id}>
                    <th scope="row"><Link to={`/academy/lecturers/rounds/${r.id}`} aria-label={a("manage", { title })}>{title}</Link></th>
                    <td>{formatDate(r.opensAt, locale)} – {formatDate(r.closesAt, locale)}</td>
                    <td className="num">{r.places}</td>
                    <td className="num">{r.applications}</td>
                    <td className="num">{r.submitted}</td>
                    <td className="num">{r.accepted}</td>
                    <td className="num">{r.rejected}</td>
                    <td className="num">{r.divergent}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableRegion>
      )}
      <section aria-labelledby="new-round" className="panel">
        <h2 id="new-round">{a("newRound")}</h2>
        <Form method="post" className="stack" noValidate>
          <FormAlert result={result} />
          <TextField name="titleKo" label={a("titleKo")} required maxLength={200} defaultValue={v.titleKo as string | undefined} error={err.titleKo} />
          <TextField name="titleEn" label={a("titleEn")} required maxLength={200} defaultValue={v.titleEn as string | undefined} error={err.titleEn} />
          <TextAreaField name="descriptionKo" label={a("descriptionKo")} rows={3} maxLength={2000} defaultValue={v.descriptionKo as string | undefined} error={err.descriptionKo} />
          <TextAreaField name="descriptionEn" label={a("descriptionEn")} rows={3} maxLength={2000} defaultValue={v.descriptionEn as string | undefined} error={err.descriptionEn} />
          <div className="form-grid">
            <TextField name="opensOn" type="date" label={a("opensOn")} required defaultValue={v.opensOn as string | undefined} error={err.opensOn} />
            <TextField name="closesOn" type="date" label={a("closesOn")} required defaultValue={v.closesOn as string | undefined} error={err.closesOn} />
            <TextField name="places" type="number" inputMode="numeric" min={1} max={500} className="narrow" label={a("places")} required defaultValue={(v.places as string | undefined) ?? "20"} error={err.places} />
            <TextField name="retentionMonths" type="number" inputMode="numeric" min={1} max={120} className="narrow" label={a("retentionMonths")} hint={a("retentionHint")} required defaultValue={(v.retentionMonths as string | undefined) ?? "36"} error={err.retentionMonths} />
          </div>
          <fieldset className="choices" aria-describedby={err.fields ? "fields-error" : undefined}>
            <legend>{a("fields")}</legend>
            {err.fields ? <p id="fields-error" className="field-error">{err.fields}</p> : null}
            {LECTURER_FIELDS.map((f) => (
              <label key={f} className="option">
                <input type="checkbox" name="fields" value={f} defaultChecked={(v.fields as string[] | undefined)?.includes(f)} />
                <span>{t(`lecturers.field.${f}`)}</span>
              </label>
            ))}
          </fieldset>
          <div><button type="submit" className="primary" disabled={busy}>{a("create")}</button></div>
        </Form>
      </section>
    </>
  );
}
