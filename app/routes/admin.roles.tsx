import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { plainText } from "~/utils/text";
import { requireRole } from "~/modules/auth/permissions.server";
import { GRANTABLE_ROLES } from "~/modules/org/coded-sets";
import { findAccounts, grantRole, revokeRole, unitChoices } from "~/modules/auth/roles.server";
import { resetSecondFactor } from "~/modules/auth/second-factor.server";
import { pick, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "권한 관리", "Roles");

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "SYSTEM_ADMIN");
  const url = new URL(request.url);
  const q = (url.searchParams.get("q") ?? "").slice(0, 100);
  const done = url.searchParams.get("done");
  const [accounts, units] = await Promise.all([findAccounts(q), q ? unitChoices() : Promise.resolve([])]);
  return { q, accounts, units, done: done === "granted" || done === "revoked" || done === "factorReset" ? done : null };
}

const INTENT = { grant: "grant", revoke: "revoke", resetFactor: "reset-second-factor" } as const;

const Schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal(INTENT.grant),
    userId: z.string().uuid(),
    role: z.enum(GRANTABLE_ROLES),
    unitCode: z.string().trim().max(100).optional(),
    q: z.string().max(100).optional(),
  }),
  z.object({ intent: z.literal(INTENT.revoke), grantId: z.string().uuid(), q: z.string().max(100).optional() }),
  z.object({ intent: z.literal(INTENT.resetFactor), userId: z.string().uuid(), reason: z.string().transform(plainText).pipe(z.string().min(1).max(500)), q: z.string().max(100).optional() }),
]);

type ActionData = { formError: string; userId?: string };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "SYSTEM_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const parsed = Schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ formError: t("roles.problem.invalid") } satisfies ActionData, { status: 400 });
  const back = (done: string) => redirect(`/admin/roles?${new URLSearchParams({ q: parsed.data.q ?? "", done })}`);
  if (parsed.data.intent === INTENT.grant) {
    const result = await grantRole(actor.userId, { userId: parsed.data.userId, role: parsed.data.role, unitCode: parsed.data.unitCode || null });
    if (!result.ok) {
      return Response.json({ formError: t(`roles.problem.${result.problem}`), userId: parsed.data.userId } satisfies ActionData, { status: 400 });
    }
    return back("granted");
  }
  if (parsed.data.intent === INTENT.resetFactor) {
    if (!(await resetSecondFactor(actor.userId, parsed.data.userId, parsed.data.reason))) {
      return Response.json({ formError: t("roles.problem.no-account"), userId: parsed.data.userId } satisfies ActionData, { status: 400 });
    }
    return back("factorReset");
  }
  const result = await revokeRole(actor.userId, parsed.data.grantId);
  if (!result.ok) return Response.json({ formError: t(`roles.problem.${result.problem}`) } satisfies ActionData, { status: 400 });
  return back("revoked");
}

export default function Roles() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1>{t("roles.title")}</h1>
      <p className="lead">{t("roles.intro")}</p>
      {d.done ? <p className="success" role="status">{t(`roles.done.${d.done}`)}</p> : null}
      <FormAlert result={result} />
      <Form method="get" className="stack" role="search">
        <div>
          <label htmlFor="q">{t("roles.search")}</label>
          <p id="q-hint" className="meta">{t("roles.searchHint")}</p>
          <input id="q" name="q" type="search" defaultValue={d.q} aria-describedby="q-hint" />
        </div>
        <div><button type="submit" className="secondary">{t("roles.searchSubmit")}</button></div>
      </Form>
      {d.q && d.accounts.length === 0 ? <p className="panel">{t("roles.none")}</p> : null}
      <datalist id="unit-codes">
        {d.units.map((u) => (
          <option key={u.code} value={u.code}>{pick(locale, u.nameKo, u.nameEn)}</option>
        ))}
      </datalist>
      {d.accounts.map((a) => (
        <section key={a.id} className="panel" aria-labelledby={`acct-${a.id}`}>
          <h2 id={`acct-${a.id}`}>
            {a.displayName} <span className="meta">{a.email}{a.person?.employeeNo ? ` · ${a.person.employeeNo}` : ""}</span>
          </h2>
          {a.person?.orgUnit ? <p className="meta">{pick(locale, a.person.orgUnit.nameKo, a.person.orgUnit.nameEn)}</p> : null}
          {a.disabledAt ? <p className="meta">{t("roles.disabled")}</p> : null}
          <h3>{t("roles.current")}</h3>
          {a.roleGrants.length === 0 ? <p>{t("roles.noRoles")}</p> : null}
          <ul>
            {a.roleGrants.map((g) => (
              <li key={g.id}>
                {t(`roles.role.${g.role}`)}
                {g.orgUnit ? ` · ${pick(locale, g.orgUnit.nameKo, g.orgUnit.nameEn)} (${g.orgUnit.code})` : ""}{" "}
                <Form method="post" className="inline">
                  <input type="hidden" name="intent" value={INTENT.revoke} />
                  <input type="hidden" name="grantId" value={g.id} />
                  <input type="hidden" name="q" value={d.q} />
                  <button type="submit" className="link-button" disabled={busy}
                    aria-label={t("roles.revokeLabel", { role: t(`roles.role.${g.role}`), name: a.displayName })}>
                    {t("roles.revoke")}
                  </button>
                </Form>
              </li>
            ))}
          </ul>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value={INTENT.grant} />
            <input type="hidden" name="userId" value={a.id} />
            <input type="hidden" name="q" value={d.q} />
            <div>
              <label htmlFor={`role-${a.id}`}>{t("roles.roleLabel")}</label>
              <select id={`role-${a.id}`} name="role">
                {GRANTABLE_ROLES.map((r) => <option key={r} value={r}>{t(`roles.role.${r}`)}</option>)}
              </select>
            </div>
            <div>
              <label htmlFor={`unit-${a.id}`}>{t("roles.unitLabel")}</label>
              <p id={`unit-hint-${a.id}`} className="meta">{t("roles.unitHint")}</p>
              <input id={`unit-${a.id}`} name="unitCode" list="unit-codes" autoComplete="off" aria-describedby={`unit-hint-${a.id}`} />
            </div>
            <div><button type="submit" className="primary" disabled={busy}>{t("roles.grant")}</button></div>
          </Form>
          {a.totp?.confirmedAt ? (
            <Form method="post" className="stack">
              <h3>{t("roles.factorTitle")}</h3>
              <p>{t("roles.factorHelp")}</p>
              <input type="hidden" name="intent" value={INTENT.resetFactor} />
              <input type="hidden" name="userId" value={a.id} />
              <input type="hidden" name="q" value={d.q} />
              <div>
                <label htmlFor={`factor-reason-${a.id}`}>{t("roles.factorReason")}</label>
                <input id={`factor-reason-${a.id}`} name="reason" required maxLength={500} />
              </div>
              <div><button type="submit" className="secondary" disabled={busy}>{t("roles.factorReset")}</button></div>
            </Form>
          ) : null}
        </section>
      ))}
    </>
  );
}
