import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { readUploadForm } from "~/utils/upload.server";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { IMPORT_COLUMNS, IMPORT_LIMITS, ImportError, MAX_IMPORT_BYTES, submitImport } from "~/modules/personnel/import.server";
import { decodeCsvFile } from "~/utils/csv-parse";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "인사 자료 올리기", "Personnel import");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  return { columns: IMPORT_COLUMNS.join(","), inRequestRows: IMPORT_LIMITS.inRequestRows };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await readUploadForm(request, MAX_IMPORT_BYTES, t("errors.bodyMalformed"));
  if (form === "too-large") return Response.json({ error: t("import.tooLarge") }, { status: 413 });
  const file = form.get("file");
  if (!(file instanceof File) || file.size === 0) return Response.json({ error: t("import.noFile") }, { status: 400 });
  const text = decodeCsvFile(await file.arrayBuffer());
  if (text === null) return Response.json({ error: t("import.encoding") }, { status: 400 });
  try {
    const { id } = await submitImport(actor, file.name, text);
    return redirect(`/hr/import/${id}`);
  } catch (e) {
    if (e instanceof ImportError) return Response.json({ error: t(`import.error.${e.message}`) }, { status: 503 });
    throw e;
  }
}

export default function ImportPage() {
  const { columns, inRequestRows } = useLoaderData<typeof loader>();
  const result = useActionData<{ error?: string }>();
  const { t, i18n } = useTranslation();
  return (
    <>
      <h1>{t("import.title")}</h1>
      <p className="lead">{t("import.intro")}</p>
      <section className="panel" aria-labelledby="format">
        <h2 id="format">{t("import.format")}</h2>
        <p>{t("import.formatHelp")}</p>
        <p><code>{columns}</code></p>
        <p>{t("import.largeHelp", { rows: inRequestRows.toLocaleString(i18n.language) })}</p>
        <p className="meta">{t("import.privacy")}</p>
      </section>
      <Form method="post" encType="multipart/form-data" className="stack">
        <div>
          <label htmlFor="file">{t("import.file")}</label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" required aria-describedby={result?.error ? "file-error" : undefined} />
          {result?.error ? <p id="file-error" className="field-error" role="alert">{result.error}</p> : null}
        </div>
        <div><button type="submit" className="primary">{t("import.check")}</button></div>
      </Form>
    </>
  );
}
