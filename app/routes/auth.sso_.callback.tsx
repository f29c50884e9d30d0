import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { openSession } from "~/modules/auth/landing.server";
import { clearFlowCookie, finishSignIn, ssoEnabled, type SsoRefusal } from "~/modules/auth/sso.server";
import { notFound, sessionMeta } from "~/utils/http.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "직원 포털 로그인", "Staff portal sign-in");

export const headers: HeadersFunction = ({ loaderHeaders }) => loaderHeaders;

/**
 * Where the identity provider sends the browser back. A GET that signs in,
 * as OpenID Connect requires: it acts only on a code bound to this
 * browser's flow cookie by state, nonce and PKCE.
 */
export async function loader({ request, context }: LoaderFunctionArgs) {
  if (!ssoEnabled()) notFound();
  const result = await finishSignIn(request);
  const headers = new Headers({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });
  headers.append("Set-Cookie", clearFlowCookie());
  if (!result.ok) {
    console.warn(`single sign-on refused: ${result.reason}${result.detail ? ` (${result.detail})` : ""}`);
    return Response.json({ reason: result.reason }, { status: result.reason === "failed" ? 400 : 403, headers });
  }
  const { location, cookie } = await openSession(result.userId, result.redirectTo, sessionMeta(request, context));
  headers.append("Set-Cookie", cookie);
  return redirect(location, { headers });
}

export default function SsoRefused() {
  const { reason } = useLoaderData<{ reason: SsoRefusal }>();
  const { t } = useTranslation();
  return (
    <section className="panel" aria-labelledby="sso-title">
      <h1 id="sso-title">{t("sso.refusedTitle")}</h1>
      <p role="alert">{t(`sso.reason.${reason}`)}</p>
      <p><Link to="/login" className="button">{t("sso.tryAgain")}</Link></p>
    </section>
  );
}
