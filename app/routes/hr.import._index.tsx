import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { readUploadForm } from "~/utils/upload.server";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormAlert } from "~/components/form-alert";
import { requireRole } from "~/modules/auth/permissions.server";
import { COLUMN_HEADERS, IMPORT_COLUMNS, REQUIRED_COLUMNS, IMPORT_KINDS, IMPORT_LIMITS, ImportError, isImportKind, MAX_IMPORT_BYTES, submitImport, type ImportKind } from "~/modules/personnel/import.server";
import { decodeCsvFile } from "~/utils/csv-parse";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { JOB_FAMILIES } from "~/modules/org/coded-sets";
import { namesOf, rollStaffCategories } from "~/modules/org/staff-categories.server";
import { staffCategoryName } from "~/modules/org/staff-category-names";
import type { AppLocale } from "~/utils/i18n";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "인사 자료 올리기", "Personnel import");

type ActionData = { formError: string; fieldErrors: { file?: string; kind?: string }; kind?: ImportKind };

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const required: readonly string[] = REQUIRED_COLUMNS;
  const categories = await rollStaffCategories();
  // Every column with the headers it is known by, whether it must be there, and what it may hold.
  const columns = IMPORT_COLUMNS.map((c) => ({
    column: c,
    korean: COLUMN_HEADERS[c].filter((h) => /[가-힣]/.test(h)),
    required: required.includes(c),
    allowed: c === "staff_category" ? categories.map((k) => k.code) : c === "job_family" ? [...JOB_FAMILIES] : c === "is_head" ? ["Y", "N"] : c === "grade" ? ["1–9"] : c === "hired_on" ? ["YYYY-MM-DD"] : [],
  }));
  return { columns, categoryNames: namesOf(categories), inRequestRows: IMPORT_LIMITS.inRequestRows, kinds: IMPORT_KINDS };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await readUploadForm(request, MAX_IMPORT_BYTES, t("errors.bodyMalformed"));
  const fail = (status: number, fieldErrors: ActionData["fieldErrors"], kind?: ImportKind) =>
    Response.json({ formError: Object.values(fieldErrors).join(" "), fieldErrors, kind } satisfies ActionData, { status });
  if (form === "too-large") return fail(413, { file: t("import.tooLarge") });
  const file = form.get("file");
  const kind = form.get("kind");
  const chosen = file instanceof File && file.size > 0 ? file : null;
  // Which kind of file it is decides whether absences mean leaving, so there is no default:
  // the officer says, and the message names the file the question is about.
  if (!chosen || !isImportKind(kind)) {
    return fail(400, {
      ...(chosen ? {} : { file: t("import.noFile") }),
      ...(isImportKind(kind) ? {} : { kind: chosen ? t("import.kindMissingFor", { file: chosen.name }) : t("import.kindMissing") }),
    }, isImportKind(kind) ? kind : undefined);
  }
  const text = decodeCsvFile(await chosen.arrayBuffer());
  if (text === null) return fail(400, { file: t("import.encoding") }, kind);
  try {
    const { id } = await submitImport(actor, chosen.name, text, kind);
    return redirect(`/hr/import/${id}`);
  } catch (e) {
    if (e instanceof ImportError) return fail(503, { file: t(`import.error.${e.message}`) }, kind);
    throw e;
  }
}

export default function ImportPage() {
  const { columns, categoryNames, inRequestRows, kinds } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const fileError = result?.fieldErrors.file;
  const kindError = result?.fieldErrors.kind;
  return (
    <>
      <h1>{t("import.title")}</h1>
      <p className="lead">{t("import.intro")}</p>
      <section className="panel" aria-labelledby="format">
        <h2 id="format">{t("import.format")}</h2>
        <p>{t("import.formatHelp")}</p>
        <p><a href="/hr/import/template.csv" download>{t("import.template")}</a></p>
        <h3 id="columns-caption">{t("import.columnsCaption")}</h3>
        <p className="meta">{t("import.columnsNote")}</p>
        <dl className="columns">
          {columns.map((c) => (
            <div key={c.column}>
              <dt>
                <code>{c.column}</code> · {c.korean.join(", ")} · {c.required ? t("import.required") : t("import.optional")}
              </dt>
              <dd>
                {c.allowed.length === 0 ? t(`import.columnHint.${c.column}`) : (
                  <>
                    {c.allowed.map((v, i) => (
                      <span key={v}>{i > 0 ? ", " : ""}<code>{v}</code>{c.column === "staff_category" ? ` (${staffCategoryName(categoryNames, v, i18n.language as AppLocale)})` : c.column === "job_family" ? ` (${t(`jobFamily.${v}`)})` : ""}</span>
                    ))}
                    {c.column === "is_head" || c.column === "hired_on" ? ` — ${t(`import.columnHint.${c.column}`)}` : ""}
                  </>
                )}
              </dd>
            </div>
          ))}
        </dl>
        <p>{t("import.largeHelp", { rows: inRequestRows.toLocaleString(i18n.language) })}</p>
        <p className="meta">{t("import.privacy")}</p>
      </section>
      <FormAlert result={result} />
      <Form method="post" encType="multipart/form-data" className="stack" noValidate>
        <div>
          <label htmlFor="file">{t("import.file")}</label>
          <input
            id="file"
            name="file"
            type="file"
            accept=".csv,text/csv"
            required
            aria-invalid={fileError ? true : undefined}
            aria-describedby={fileError ? "file-error" : undefined}
          />
          {fileError ? <p id="file-error" className="field-error">{fileError}</p> : null}
        </div>
        <fieldset className="question" aria-describedby={kindError ? "kind-error" : undefined}>
          <legend>{t("import.kind.legend")}</legend>
          {kindError ? <p id="kind-error" className="field-error">{kindError}</p> : null}
          {kinds.map((k) => (
            <label key={k} className="option">
              <input type="radio" name="kind" value={k} required defaultChecked={result?.kind === k} aria-invalid={kindError ? true : undefined} />
              <span>
                <strong>{t(`import.kind.${k}`)}</strong>
                <br />
                <span className="meta">{t(`import.kind.${k}_help`)}</span>
              </span>
            </label>
          ))}
        </fieldset>
        <div><button type="submit" className="primary">{t("import.check")}</button></div>
      </Form>
    </>
  );
}
