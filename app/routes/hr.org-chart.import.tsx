import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormAlert } from "~/components/form-alert";
import { requireRole } from "~/modules/auth/permissions.server";
import { CHART_COLUMNS, CHART_HEADERS, CHART_REQUIRED, mayLoadChart, submitChart } from "~/modules/org/chart-file.server";
import { ORG_UNIT_KINDS } from "~/modules/org/coded-sets";
import { ImportError, IMPORT_LIMITS, MAX_IMPORT_BYTES } from "~/modules/personnel/import.server";
import { decodeCsvFile } from "~/utils/csv-parse";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { readUploadForm } from "~/utils/upload.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "조직 자료 올리기", "Load a unit file");

type ActionData = { formError: string; fieldErrors: { file?: string } };

/** Who may load a chart: an administrator, or an HR officer for their own units (see mayLoadChart). */
async function requireLoader(request: Request) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  if (!mayLoadChart(actor)) throw json({ error: "forbidden" }, { status: 403 });
  return actor;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireLoader(request);
  const required: readonly string[] = CHART_REQUIRED;
  const columns = CHART_COLUMNS.map((c) => ({ column: c, korean: CHART_HEADERS[c].filter((h) => /[가-힣]/.test(h)), required: required.includes(c) }));
  return { columns, kinds: [...ORG_UNIT_KINDS], inRequestRows: IMPORT_LIMITS.inRequestRows };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireLoader(request);
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await readUploadForm(request, MAX_IMPORT_BYTES, t("errors.bodyMalformed"));
  const fail = (status: number, file: string) => Response.json({ formError: file, fieldErrors: { file } } satisfies ActionData, { status });
  if (form === "too-large") return fail(413, t("import.tooLarge"));
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return fail(400, t("import.noFile"));
  const text = decodeCsvFile(await file.arrayBuffer());
  if (text === null) return fail(400, t("import.encoding"));
  try {
    const { id } = await submitChart(actor, file.name, text);
    return redirect(`/hr/import/${id}`);
  } catch (e) {
    if (e instanceof ImportError) return fail(e.message === "forbidden" ? 403 : 503, t(`import.error.${e.message}`));
    throw e;
  }
}

export default function ChartImport() {
  const { columns, kinds, inRequestRows } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const fileError = result?.fieldErrors.file;
  return (
    <>
      <p className="meta"><Link to="/hr/org-chart">{t("chart.title")}</Link></p>
      <h1>{t("chart.load")}</h1>
      <p className="lead">{t("chart.loadIntro")}</p>
      <section className="panel" aria-labelledby="format">
        <h2 id="format">{t("import.format")}</h2>
        <p>{t("chart.loadHelp")}</p>
        <p><a href="/hr/org-chart/template.csv" download>{t("chart.template")}</a></p>
        <h3>{t("chart.columns")}</h3>
        <dl className="columns">
          {columns.map((c) => (
            <div key={c.column}>
              <dt><code>{c.column}</code> · {c.korean.join(", ")} · {c.required ? t("import.required") : t("import.optional")}</dt>
              <dd>
                {t(`chart.columnHint.${c.column}`)}
                {c.column === "kind" ? <>: {kinds.map((k, i) => <span key={k}>{i > 0 ? ", " : ""}<code>{k}</code> ({t(`oversight.kind.${k}`)})</span>)}</> : null}
              </dd>
            </div>
          ))}
        </dl>
        <p>{t("import.largeHelp", { rows: inRequestRows.toLocaleString(i18n.language) })}</p>
        <p className="meta">{t("chart.scopeNote")}</p>
      </section>
      <FormAlert result={result} />
      <Form method="post" encType="multipart/form-data" className="stack" noValidate>
        <div>
          <label htmlFor="file">{t("chart.file")}</label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" required aria-invalid={fileError ? true : undefined} aria-describedby={fileError ? "file-error" : undefined} />
          {fileError ? <p id="file-error" className="field-error">{fileError}</p> : null}
        </div>
        <div><button type="submit" className="primary">{t("chart.check")}</button></div>
      </Form>
    </>
  );
}
