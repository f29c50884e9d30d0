import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FormAlert } from "~/components/form-alert";
import { TextField } from "~/components/text-field";
import { attemptLogin } from "~/modules/auth/login.server";
import { ssoEnabled } from "~/modules/auth/sso.server";
import { completePasswordSignIn } from "~/modules/auth/second-factor.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { clientIp, safeRedirectPath, sessionMeta } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "로그인", "Sign in");

const LoginSchema = z.object({
  email: z.string().trim().min(1, "required").email("emailFormat").max(254),
  password: z.string().min(1, "required").max(200),
  redirectTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const current = await getCurrentSession(request);
  const url = new URL(request.url);
  if (current) throw redirect(safeRedirectPath(url.searchParams.get("redirectTo")));
  return { expired: url.searchParams.get("expired") === "1", sso: ssoEnabled() };
}

type ActionData = {
  formError?: string;
  fieldErrors?: Partial<Record<"email" | "password", string>>;
  email?: string;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { t } = requestTranslator(request);
  const form = await request.formData();
  const parsed = LoginSchema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    const fieldErrors: ActionData["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0];
      if (field === "email" || field === "password") fieldErrors[field] ??= t(`login.${issue.message}`);
    }
    return Response.json(
      { fieldErrors, email: String(form.get("email") ?? "") } satisfies ActionData,
      { status: 400 },
    );
  }
  const ip = clientIp(context);
  const result = await attemptLogin(parsed.data.email, parsed.data.password, ip);
  if (!result.ok) {
    return Response.json(
      {
        formError:
          result.reason === "throttled"
            ? t("login.throttled", { minutes: result.retryAfterMinutes })
            : t(`login.${result.reason === "sso-only" ? "ssoOnly" : result.reason}`),
        email: parsed.data.email,
      } satisfies ActionData,
      { status: result.reason === "throttled" ? 429 : 400 },
    );
  }
  // Without a page to return to, each role lands on its own work; staff with a second factor are asked for it first.
  const { location, cookie } = await completePasswordSignIn(result.userId, parsed.data.redirectTo, sessionMeta(request, context));
  return redirect(location, { headers: { "Set-Cookie": cookie } });
}

export default function Login() {
  const { t } = useTranslation();
  const { expired, sso } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const [params] = useSearchParams();
  const busy = useNavigation().state === "submitting";
  // One object per answer from the server, so the alert takes focus once for each.
  const alert = useMemo(() => (data ? { formError: data.formError ?? (data.fieldErrors ? t("login.errorSummary") : undefined) } : null), [data, t]);
  const emailError = data?.fieldErrors?.email;
  const passwordError = data?.fieldErrors?.password;
  return (
    <section className="panel" aria-labelledby="login-title">
      <h1 id="login-title">{t("login.title")}</h1>
      {expired && !data ? <p className="notice" role="status">{t("login.expired")}</p> : null}
      <FormAlert result={alert} />
      {sso ? (
        <Form method="post" action="/auth/sso" className="stack sso">
          <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
          <p>{t("login.ssoHint")}</p>
          <div><button type="submit" className="primary">{t("login.sso")}</button></div>
        </Form>
      ) : null}
      {sso ? <h2>{t("login.passwordHeading")}</h2> : null}
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="redirectTo" value={params.get("redirectTo") ?? "/"} />
        <TextField name="email" label={t("login.email")} error={emailError} type="email" autoComplete="username" required defaultValue={data?.email} />
        <TextField name="password" label={t("login.password")} error={passwordError} type="password" autoComplete="current-password" required />
        <div>
          <button type="submit" className="primary" disabled={busy}>{t("login.submit")}</button>
        </div>
      </Form>
      <p><Link to="/forgot-password">{t("account.forgot.link")}</Link></p>
      <p><Link to="/register">{t("account.register.link")}</Link></p>
    </section>
  );
}
