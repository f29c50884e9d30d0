import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { clientIp } from "~/utils/http.server";
import { z } from "zod";
import { NewPasswordFields } from "~/components/new-password-fields";
import { TextField } from "~/components/text-field";
import { accountSummary, changePassword, closeCitizenAccount, endOtherSessions } from "~/modules/auth/accounts.server";
import { blankSessionCookie } from "~/modules/auth/session.server";
import { PASSWORD_RULES, passwordProblemMessage, type PasswordFormField } from "~/modules/auth/password-policy.server";
import { replaceRecoveryCodes, secondFactorSummary } from "~/modules/auth/second-factor.server";
import { createUserSession, requireSession } from "~/modules/auth/session.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "내 계정", "My account");

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export async function loader({ request }: LoaderFunctionArgs) {
  const current = await requireSession(request);
  const [summary, secondFactor] = await Promise.all([accountSummary(current.userId, current.sessionId), secondFactorSummary(current.userId)]);
  const url = new URL(request.url);
  const done = url.searchParams.get("done");
  return {
    ...summary,
    secondFactor,
    minLength: PASSWORD_RULES.minLength,
    done: done === "changed" || done === "ended" ? done : null,
    ended: Number(url.searchParams.get("count")) || 0,
    hasRecord: current.user.personId !== null,
  };
}

const INTENT = { changePassword: "change-password", endOthers: "end-others", close: "close-account", recoveryCodes: "recovery-codes" } as const;

const Schema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal(INTENT.changePassword),
    current: z.string().max(1000),
    password: z.string().max(1000),
    confirm: z.string().max(1000),
  }),
  z.object({ intent: z.literal(INTENT.endOthers) }),
  z.object({ intent: z.literal(INTENT.close), closePassword: z.string().max(1000) }),
  z.object({ intent: z.literal(INTENT.recoveryCodes), totpCode: z.string().trim().max(20) }),
]);

type ActionData = { formError?: string; fieldErrors?: Partial<Record<PasswordFormField | "closePassword" | "totpCode", string>>; recoveryCodes?: string[] };

export async function action({ request, context }: ActionFunctionArgs) {
  const current = await requireSession(request);
  const { t } = requestTranslator(request, current.user.locale);
  const parsed = Schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ formError: t("login.errorSummary") } satisfies ActionData, { status: 400 });
  if (parsed.data.intent === INTENT.endOthers) {
    const count = await endOtherSessions(current.userId, current.sessionId);
    return redirect(`/account?done=ended&count=${count}`);
  }
  if (parsed.data.intent === INTENT.recoveryCodes) {
    const made = await replaceRecoveryCodes(current.userId, parsed.data.totpCode);
    if (!made.ok) {
      const message = t(made.reason === "wrong-code" ? "twoFactor.wrongCode" : made.reason === "throttled" ? "twoFactor.throttled" : "twoFactor.accountOff");
      return Response.json({ fieldErrors: { totpCode: message } } satisfies ActionData, { status: made.reason === "throttled" ? 429 : 400 });
    }
    return { recoveryCodes: made.recoveryCodes } satisfies ActionData;
  }
  if (parsed.data.intent === INTENT.close) {
    const closed = await closeCitizenAccount(current.userId, parsed.data.closePassword);
    if (!closed.ok) {
      const message = closed.problem === "current" ? t("account.problem.current") : t("account.profile.cannotClose");
      return Response.json({ fieldErrors: { closePassword: message }, formError: message } satisfies ActionData, { status: 400 });
    }
    return redirect("/?closed=1", { headers: { "Set-Cookie": blankSessionCookie() } });
  }
  const { current: currentPassword, password, confirm } = parsed.data;
  const result = await changePassword(current.userId, currentPassword, { password, confirm });
  if (!result.ok) {
    const { field, message } = passwordProblemMessage(result.problem, t);
    return Response.json({ fieldErrors: { [field]: message }, formError: t("login.errorSummary") } satisfies ActionData, { status: 400 });
  }
  // Every session ended with the change; this browser gets a new one.
  const ip = clientIp(context);
  const cookie = await createUserSession(current.userId, { ipAddress: ip, userAgent: request.headers.get("User-Agent") });
  return redirect("/account?done=changed", { headers: { "Set-Cookie": cookie } });
}

export default function Account() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1>{t("account.profile.title")}</h1>
      {d.done === "changed" ? <p className="success" role="status">{t("account.profile.changed")}</p> : null}
      {d.done === "ended" ? <p className="success" role="status">{t("account.profile.ended", { count: d.ended })}</p> : null}
      <dl className="panel">
        <dt>{t("account.profile.email")}</dt>
        <dd>{d.email}</dd>
      </dl>
      <section className="panel" aria-labelledby="password-title">
        <h2 id="password-title">{t("account.profile.changeTitle")}</h2>
        {d.hasPassword ? (
          <>
            <FormAlert result={result} />
            <Form method="post" className="stack" noValidate>
              <input type="hidden" name="intent" value={INTENT.changePassword} />
              <input type="text" name="username" value={d.email} autoComplete="username" readOnly hidden />
              <TextField name="current" label={t("account.profile.current")} error={result?.fieldErrors?.current} type="password" autoComplete="current-password" required />
              <NewPasswordFields minLength={d.minLength} errors={result?.fieldErrors} />
              <div><button type="submit" className="primary" disabled={busy}>{t("account.profile.submit")}</button></div>
            </Form>
          </>
        ) : (
          <p>{t("account.profile.noPassword")}</p>
        )}
      </section>
      {d.secondFactor.enrolled ? (
        <section className="panel" aria-labelledby="second-factor-title">
          <h2 id="second-factor-title">{t("twoFactor.accountTitle")}</h2>
          <p>{t("twoFactor.accountOn", { count: d.secondFactor.recoveryCodesLeft })}</p>
          {result?.recoveryCodes ? (
            <div role="status">
              <p>{t("twoFactor.codesIntro")}</p>
              <ol className="recovery-codes" aria-label={t("twoFactor.codesListLabel", { count: result.recoveryCodes.length })}>
                {result.recoveryCodes.map((c) => <li key={c}><code>{c}</code></li>)}
              </ol>
            </div>
          ) : (
            <Form method="post" className="stack" noValidate>
              <input type="hidden" name="intent" value={INTENT.recoveryCodes} />
              <p>{t("twoFactor.replaceIntro")}</p>
              <TextField name="totpCode" label={t("twoFactor.code")} error={result?.fieldErrors?.totpCode} inputMode="numeric" autoComplete="one-time-code" maxLength={20} required />
              <div><button type="submit" className="secondary" disabled={busy}>{t("twoFactor.replaceSubmit")}</button></div>
            </Form>
          )}
        </section>
      ) : null}
      <section className="panel" aria-labelledby="data-title">
        <h2 id="data-title">{t("account.profile.dataTitle")}</h2>
        <p>{t("account.profile.dataHelp")}</p>
        <p><a href="/account/data.json" download>{t("account.profile.download")}</a></p>
        {d.hasRecord ? <p><Link to="/record">{t("record.title")}</Link></p> : null}
        {d.canClose ? (
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value={INTENT.close} />
            <p>{t("account.profile.closeHelp")}</p>
            <TextField name="closePassword" label={t("account.profile.current")} error={result?.fieldErrors?.closePassword} type="password" autoComplete="current-password" required />
            <div><button type="submit" className="secondary" disabled={busy}>{t("account.profile.close")}</button></div>
          </Form>
        ) : null}
      </section>
      <section className="panel" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t("account.profile.sessionsTitle")}</h2>
        <p>{t("account.profile.sessions", { count: d.otherSessions })}</p>
        <Form method="post">
          <input type="hidden" name="intent" value={INTENT.endOthers} />
          <button type="submit" className="secondary" disabled={busy || d.otherSessions === 0}>{t("account.profile.endOthers")}</button>
        </Form>
      </section>
    </>
  );
}
