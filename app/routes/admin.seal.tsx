import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { MAX_SEAL_BYTES, MAX_SEAL_PIXELS, SealInputError, sealHistory, uploadSeal, type SealProblem } from "~/modules/certificates/seal.server";
import { formatDate, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { readUploadForm } from "~/utils/upload.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "수료증 직인", "Certificate seal");

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The seal printed on certificates: the one in force, its history, and the form to upload a new one. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "SYSTEM_ADMIN");
  const { seals, currentDataUrl } = await sealHistory();
  const done = new URL(request.url).searchParams.get("done") === "uploaded";
  return {
    done,
    currentDataUrl,
    seals: seals.map((s) => ({ ...s, uploadedBy: s.uploadedBy ? s.uploadedBy.displayName || s.uploadedBy.email : null })),
    limits: { kb: MAX_SEAL_BYTES / 1024, px: MAX_SEAL_PIXELS },
  };
}

type ActionData = { problem: SealProblem; message: string };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "SYSTEM_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const limits = { kb: MAX_SEAL_BYTES / 1024, px: MAX_SEAL_PIXELS };
  const refuse = (problem: SealProblem, status: number) =>
    Response.json({ problem, message: t(`seal.problem.${problem}`, limits) } satisfies ActionData, { status });
  const form = await readUploadForm(request, MAX_SEAL_BYTES, t("errors.bodyMalformed"));
  if (form === "too-large") return refuse("tooLarge", 413);
  const file = form.get("seal");
  try {
    await uploadSeal(actor, {
      fileName: file instanceof File ? file.name : "",
      bytes: file instanceof File && file.size > 0 ? new Uint8Array(await file.arrayBuffer()) : null,
    });
  } catch (e) {
    if (e instanceof SealInputError) return refuse(e.problem, e.problem === "tooLarge" ? 413 : 400);
    throw e;
  }
  return redirect("/admin/seal?done=uploaded", 303);
}

export default function Seal() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const busy = useNavigation().state === "submitting";
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <>
      <h1>{t("seal.title")}</h1>
      <p className="lead">{t("seal.intro")}</p>
      {d.done ? <p className="success" role="status">{t("seal.done")}</p> : null}
      <section className="panel" aria-labelledby="seal-current">
        <h2 id="seal-current">{t("seal.current")}</h2>
        {d.currentDataUrl ? (
          <img className="seal-preview" src={d.currentDataUrl} alt={t("seal.currentAlt")} width={120} height={120} />
        ) : (
          <p>{t("seal.none")}</p>
        )}
      </section>
      <section className="panel" aria-labelledby="seal-upload">
        <h2 id="seal-upload">{t("seal.upload")}</h2>
        {result ? <p className="alert" role="alert" id="seal-error">{result.message}</p> : null}
        <Form method="post" encType="multipart/form-data" className="stack" aria-busy={busy}>
          <div>
            <label htmlFor="seal">{t("seal.file")}</label>
            <p id="seal-hint" className="meta">{t("seal.fileHint", d.limits)}</p>
            <input
              id="seal"
              name="seal"
              type="file"
              accept="image/png,image/jpeg"
              required
              aria-describedby={result ? "seal-hint seal-error" : "seal-hint"}
              aria-invalid={result ? true : undefined}
            />
          </div>
          <div><button type="submit" className="primary">{t("seal.submit")}</button></div>
        </Form>
      </section>
      {d.seals.length > 0 ? (
        <section className="panel" aria-labelledby="seal-history">
          <h2 id="seal-history">{t("seal.history")}</h2>
          <ul className="plain">
            {d.seals.map((s) => (
              <li key={s.id}>
                {formatDate(s.uploadedAt, locale, true)} · {s.fileName} · {s.width}×{s.height} px · {Math.ceil(s.size / 1024)} KB
                {s.uploadedBy ? ` · ${s.uploadedBy}` : ""}
              </li>
            ))}
          </ul>
        </section>
      ) : null}
    </>
  );
}
