import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { applyImport, getImport, ImportError, type ImportSummary } from "~/modules/personnel/import.server";
import { badRequest, notFound } from "~/utils/http.server";
import { formatDate, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "인사 자료 점검 결과", "Personnel import check");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const saved = await getImport(actor, params.importId!);
  if (!saved) notFound();
  return {
    id: saved.id,
    fileName: saved.fileName,
    status: saved.status,
    createdAt: saved.createdAt,
    appliedAt: saved.appliedAt,
    summary: saved.summary as unknown as ImportSummary,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await request.formData();
  if (form.get("intent") !== "apply") badRequest("intent");
  try {
    await applyImport(actor, params.importId!);
  } catch (e) {
    if (e instanceof ImportError) {
      if (e.message === "not-found") notFound();
      return Response.json({ error: t(`import.error.${e.message}`) }, { status: 409 });
    }
    throw e;
  }
  return redirect(`/hr/import/${params.importId}`);
}

export default function ImportResult() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<{ error?: string }>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const s = d.summary;
  const blocked = s.problems.length > 0;
  return (
    <>
      <p className="meta"><Link to="/hr/import">{t("import.title")}</Link></p>
      <h1>{t("import.resultTitle", { file: d.fileName })}</h1>
      {d.status === "APPLIED" ? (
        <p className="success" role="status">{t("import.applied", { date: formatDate(d.appliedAt!, locale, true) })}</p>
      ) : blocked ? (
        <p className="alert" role="status">{t("import.blocked", { count: s.problems.length })}</p>
      ) : (
        <p className="notice" role="status">{t("import.ready")}</p>
      )}
      {result?.error ? <p className="alert" role="alert">{result.error}</p> : null}
      <table>
        <caption>{t("import.dryRun")}</caption>
        <tbody>
          {(["rows", "created", "moved", "updated", "left", "unchanged"] as const).map((k) => (
            <tr key={k}><th scope="row">{t(`import.count.${k}`)}</th><td className="num">{s[k]}</td></tr>
          ))}
        </tbody>
      </table>
      {s.samples.left.length > 0 ? <p className="meta">{t("import.leftList")}: {s.samples.left.join(", ")}</p> : null}
      {s.samples.moved.length > 0 ? <p className="meta">{t("import.movedList")}: {s.samples.moved.join(", ")}</p> : null}
      {blocked ? (
        <table>
          <caption>{t("import.problems")}</caption>
          <thead><tr><th scope="col">{t("import.line")}</th><th scope="col">{t("import.reason")}</th></tr></thead>
          <tbody>{s.problems.map((p, i) => <tr key={i}><td className="num">{p.line}</td><td>{p.reason}</td></tr>)}</tbody>
        </table>
      ) : null}
      {d.status === "CHECKED" && !blocked ? (
        <Form method="post" className="actions">
          <input type="hidden" name="intent" value="apply" />
          <button type="submit" className="primary">{t("import.apply")}</button>
        </Form>
      ) : null}
    </>
  );
}
