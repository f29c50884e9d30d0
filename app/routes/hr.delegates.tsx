import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { TextField } from "~/components/text-field";
import { delegateHrOfficer, listDelegation, revokeDelegation } from "~/modules/auth/delegation.server";
import { requireRole } from "~/modules/auth/permissions.server";
import { pick, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "인사 담당 위임", "Delegate HR rights");

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  return listDelegation(actor);
}

const INTENT = { grant: "grant", revoke: "revoke" } as const;

const Schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal(INTENT.grant), email: z.string().trim().email().max(254), unitCode: z.string().trim().min(1).max(100) }),
  z.object({ intent: z.literal(INTENT.revoke), grantId: z.string().uuid() }),
]);

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const { t } = requestTranslator(request, actor.user.locale);
  const parsed = Schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ formError: t("delegation.problem.invalid") }, { status: 400 });
  const result =
    parsed.data.intent === INTENT.grant
      ? await delegateHrOfficer(actor, { email: parsed.data.email, unitCode: parsed.data.unitCode })
      : await revokeDelegation(actor, parsed.data.grantId);
  if (!result.ok) return Response.json({ formError: t(`delegation.problem.${result.problem}`) }, { status: 400 });
  return redirect(`/hr/delegates?done=${parsed.data.intent}`);
}

export default function Delegates() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<{ formError?: string }>();
  const [params] = useSearchParams();
  const done = params.get("done");
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1>{t("delegation.title")}</h1>
      <p className="lead">{t("delegation.intro")}</p>
      {done === "grant" || done === "revoke" ? <p className="success" role="status">{t(`delegation.done.${done}`)}</p> : null}
      <FormAlert result={result} />
      <section className="panel" aria-labelledby="current-title">
        <h2 id="current-title">{t("delegation.current")}</h2>
        <ul>
          {d.grants.map((g) => (
            <li key={g.id}>
              {g.user.displayName} ({g.user.email}) · {g.orgUnit ? `${pick(locale, g.orgUnit.nameKo, g.orgUnit.nameEn)} (${g.orgUnit.code})` : ""}{" "}
              {g.own ? null : (
                <Form method="post" className="inline">
                  <input type="hidden" name="intent" value={INTENT.revoke} />
                  <input type="hidden" name="grantId" value={g.id} />
                  <button type="submit" className="link-button" disabled={busy} aria-label={t("delegation.revokeLabel", { name: g.user.displayName })}>
                    {t("delegation.revoke")}
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
      </section>
      <section className="panel" aria-labelledby="grant-title">
        <h2 id="grant-title">{t("delegation.grantTitle")}</h2>
        <datalist id="scope-units">
          {d.units.map((u) => <option key={u.code} value={u.code}>{pick(locale, u.nameKo, u.nameEn)}</option>)}
        </datalist>
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value={INTENT.grant} />
          <TextField name="email" label={t("delegation.email")} hint={t("delegation.emailHint")} type="email" autoComplete="off" required />
          <TextField name="unitCode" label={t("delegation.unit")} hint={t("delegation.unitHint")} list="scope-units" autoComplete="off" required />
          <div><button type="submit" className="primary" disabled={busy}>{t("delegation.grant")}</button></div>
        </Form>
      </section>
    </>
  );
}
