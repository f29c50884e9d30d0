import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { NewPasswordFields } from "~/components/new-password-fields";
import { activateInvitation, completeRegistration, resetPassword } from "~/modules/auth/accounts.server";
import { PASSWORD_RULES, passwordProblemMessage, type PasswordFormField } from "~/modules/auth/password-policy.server";
import { completePasswordSignIn } from "~/modules/auth/second-factor.server";
import { sessionMeta } from "~/utils/http.server";
import { findVerification } from "~/modules/auth/verification.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "계정 확인", "Account");

// The code is in the address: it must not leak through Referer or a shared cache.
export const headers: HeadersFunction = () => ({ "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" });

type LoaderData =
  | { state: "invalid" }
  | { state: "valid"; type: "INVITATION" | "RESET_PASSWORD" | "REGISTRATION"; code: string; name: string; email: string; minLength: number };

/** Shows the form for a live link; reading the link changes nothing (mail scanners open links too). */
export async function loader({ request }: LoaderFunctionArgs) {
  const code = new URL(request.url).searchParams.get("code");
  const row = await findVerification(code);
  if (!row) return Response.json({ state: "invalid" } satisfies LoaderData, { status: 410 });
  return {
    state: "valid",
    type: row.type,
    code: code!,
    name: row.person?.name ?? "",
    email: row.target,
    minLength: PASSWORD_RULES.minLength,
  } satisfies LoaderData;
}

const Schema = z.object({
  code: z.string().max(64),
  password: z.string().max(1000),
  confirm: z.string().max(1000),
  consent: z.literal("yes").optional(),
});

type ActionData = { formError?: string; linkGone?: boolean; fieldErrors?: Partial<Record<PasswordFormField, string>> };

export async function action({ request, context }: ActionFunctionArgs) {
  const { t, locale } = requestTranslator(request);
  const parsed = Schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return Response.json({ formError: t("login.errorSummary") } satisfies ActionData, { status: 400 });
  const { code, password, confirm, consent } = parsed.data;
  const row = await findVerification(code);
  const result =
    row?.type === "INVITATION"
      ? await activateInvitation(code, { password, confirm, consent: consent === "yes" }, locale)
      : row?.type === "RESET_PASSWORD"
        ? await resetPassword(code, { password, confirm })
        : row?.type === "REGISTRATION"
          ? await completeRegistration(code, { password, confirm })
          : ({ ok: false, problem: "link" } as const);
  if (!result.ok) {
    if (result.problem === "link") {
      return Response.json({ formError: t("account.problem.link"), linkGone: true } satisfies ActionData, { status: 410 });
    }
    const { field, message } = passwordProblemMessage(result.problem, t);
    return Response.json({ fieldErrors: { [field]: message }, formError: t("login.errorSummary") } satisfies ActionData, { status: 400 });
  }
  // A link proves the mailbox, not the second factor: staff who need one are asked for it next.
  const { location, cookie } = await completePasswordSignIn(result.userId, "/", sessionMeta(request, context));
  return redirect(location, { headers: { "Set-Cookie": cookie } });
}

function LinkGone() {
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="link-title">
      <h1 id="link-title">{t("account.verify.invalidTitle")}</h1>
      <p>{t("account.verify.invalidBody")}</p>
      <p>
        <Link to="/forgot-password" className="button primary">{t("account.verify.getNew")}</Link>
      </p>
    </section>
  );
}

export default function VerifyLink() {
  const data = useLoaderData<LoaderData>();
  const result = useActionData<ActionData>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  if (data.state === "invalid" || result?.linkGone) return <LinkGone />;
  const invitation = data.type === "INVITATION";
  const consentError = result?.fieldErrors?.consent;
  const text = {
    INVITATION: { title: "account.verify.invitationTitle", intro: "account.verify.invitationIntro", submit: "account.verify.submitInvitation" },
    RESET_PASSWORD: { title: "account.verify.resetTitle", intro: "account.verify.resetIntro", submit: "account.verify.submitReset" },
    REGISTRATION: { title: "account.register.verifyTitle", intro: "account.register.verifyIntro", submit: "account.register.verifySubmit" },
  }[data.type];
  return (
    <section className="panel" aria-labelledby="verify-title">
      <h1 id="verify-title">{t(text.title)}</h1>
      <p>{t(text.intro, { name: data.name, email: data.email })}</p>
      <FormAlert result={result} />
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="code" value={data.code} />
        <input type="text" name="username" value={data.email} autoComplete="username" readOnly hidden />
        <NewPasswordFields minLength={data.minLength} errors={result?.fieldErrors} />
        {invitation ? (
          <fieldset className="question" aria-describedby={consentError ? "consent-error" : undefined}>
            <legend>{t("account.privacy.title")}</legend>
            <ul>
              <li>{t("account.privacy.collected")}</li>
              <li>{t("account.privacy.purpose")}</li>
              <li>{t("account.privacy.retention")}</li>
            </ul>
            <p className="meta">{t("account.privacy.refuse")}</p>
            <label className="option">
              <input type="checkbox" name="consent" value="yes" aria-invalid={consentError ? true : undefined} />
              <span>{t("account.privacy.consent")}</span>
            </label>
            {consentError ? <p id="consent-error" className="field-error">{consentError}</p> : null}
          </fieldset>
        ) : null}
        <div>
          <button type="submit" className="primary" disabled={busy}>{t(text.submit)}</button>
        </div>
      </Form>
    </section>
  );
}
