import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, type ShouldRevalidateFunction } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { FormAlert } from "~/components/form-alert";
import { TextField } from "~/components/text-field";
import { openSession } from "~/modules/auth/landing.server";
import {
  clearPendingCookie,
  confirmEnrolment,
  enrolment,
  pendingSignIn,
  secondFactorState,
  verifySecondFactor,
  type CodeRefusal,
  type Enrolment,
} from "~/modules/auth/second-factor.server";
import { sessionMeta } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "두 번째 인증", "Second step of sign-in");

// The key and the recovery codes are on this page: never kept by a cache.
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" });

type LoaderData = { mode: "verify" } | { mode: "enrol"; enrolment: Enrolment };

/** Only a browser that has just given the right password gets here; reading the page changes nothing. */
export async function loader({ request }: LoaderFunctionArgs) {
  const pending = pendingSignIn(request);
  if (!pending) throw redirect("/login");
  const state = await secondFactorState(pending.userId);
  if (state === "verify") return { mode: "verify" } satisfies LoaderData;
  const key = state === "enrol" ? await enrolment(pending.userId) : null;
  if (!key) throw redirect("/login", { headers: { "Set-Cookie": clearPendingCookie() } });
  return { mode: "enrol", enrolment: key } satisfies LoaderData;
}

const Schema = z.object({ intent: z.enum(["verify", "enrol"]), code: z.string().trim().max(40) });

type ActionData = { formError?: string; codeError?: string; restart?: boolean; recoveryCodes?: string[]; next?: string };

export async function action({ request, context }: ActionFunctionArgs) {
  const { t } = requestTranslator(request);
  const pending = pendingSignIn(request);
  const parsed = Schema.safeParse(Object.fromEntries(await request.formData()));
  if (!pending) return Response.json({ formError: t("twoFactor.expired"), restart: true } satisfies ActionData, { status: 401 });
  if (!parsed.success || parsed.data.code === "") {
    return Response.json({ formError: t("login.errorSummary"), codeError: t("login.required") } satisfies ActionData, { status: 400 });
  }
  const refused = (reason: CodeRefusal) =>
    Response.json(
      reason === "wrong-code"
        ? ({ formError: t("login.errorSummary"), codeError: t("twoFactor.wrongCode") } satisfies ActionData)
        : ({ formError: t(`twoFactor.${reason}`), restart: reason === "expired" } satisfies ActionData),
      { status: reason === "throttled" ? 429 : 400 },
    );
  const headers = new Headers({ "Set-Cookie": clearPendingCookie() });
  if (parsed.data.intent === "enrol") {
    const result = await confirmEnrolment(pending.userId, parsed.data.code);
    if (!result.ok) return refused(result.reason);
    const { location, cookie } = await openSession(pending.userId, pending.redirectTo, sessionMeta(request, context));
    headers.append("Set-Cookie", cookie);
    // Signed in now; the codes are shown once, on this response, before going on.
    return Response.json({ recoveryCodes: result.recoveryCodes, next: location } satisfies ActionData, { headers });
  }
  const result = await verifySecondFactor(pending.userId, parsed.data.code);
  if (!result.ok) return refused(result.reason);
  const { location, cookie } = await openSession(pending.userId, pending.redirectTo, sessionMeta(request, context));
  headers.append("Set-Cookie", cookie);
  return redirect(location, { headers });
}

/** Once the codes are shown, this page's loader must not run again: the sign-in it served is over. */
export const shouldRevalidate: ShouldRevalidateFunction = ({ actionResult, defaultShouldRevalidate }) =>
  actionResult && typeof actionResult === "object" && "recoveryCodes" in actionResult ? false : defaultShouldRevalidate;

function RecoveryCodes({ codes, next }: { codes: string[]; next: string }) {
  const { t } = useTranslation();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <section className="panel" aria-labelledby="codes-title">
      <h1 id="codes-title" tabIndex={-1} ref={heading}>{t("twoFactor.codesTitle")}</h1>
      <p>{t("twoFactor.codesIntro")}</p>
      <ol className="recovery-codes" aria-label={t("twoFactor.codesListLabel", { count: codes.length })}>
        {codes.map((c) => <li key={c}><code>{c}</code></li>)}
      </ol>
      {/* A full page load: the new session cookie is in place for whatever the next page is. */}
      <p><a className="button" href={next}>{t("twoFactor.continue")}</a></p>
    </section>
  );
}

export default function TwoFactor() {
  const { t } = useTranslation();
  const data = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const busy = useNavigation().state === "submitting";
  if (result?.recoveryCodes && result.next) return <RecoveryCodes codes={result.recoveryCodes} next={result.next} />;
  const codeField = (
    <TextField
      name="code"
      label={t("twoFactor.code")}
      hint={data.mode === "verify" ? t("twoFactor.codeHint") : undefined}
      error={result?.codeError}
      inputMode={data.mode === "enrol" ? "numeric" : "text"}
      autoComplete="one-time-code"
      autoCapitalize="off"
      spellCheck={false}
      maxLength={40}
      required
    />
  );
  return (
    <section className="panel" aria-labelledby="two-factor-title">
      <h1 id="two-factor-title">{t(data.mode === "enrol" ? "twoFactor.enrolTitle" : "twoFactor.title")}</h1>
      <FormAlert result={result} />
      {result?.restart ? <p><Link to="/login">{t("twoFactor.backToLogin")}</Link></p> : null}
      {data.mode === "enrol" ? (
        <>
          <p>{t("twoFactor.enrolIntro")}</p>
          <ol className="steps">
            <li>
              <p>{t("twoFactor.step1")}</p>
              {/* Our own SVG, made on the server from the key's otpauth address. */}
              <div className="qr" role="img" aria-label={t("twoFactor.qrLabel")} dangerouslySetInnerHTML={{ __html: data.enrolment.qrSvg }} />
              <p><a href={data.enrolment.uri}>{t("twoFactor.openInApp")}</a></p>
            </li>
            <li>
              <p>{t("twoFactor.step2")}</p>
              <p><code className="totp-key">{data.enrolment.keyText}</code></p>
            </li>
            <li><p>{t("twoFactor.step3")}</p></li>
          </ol>
        </>
      ) : (
        <p>{t("twoFactor.verifyIntro")}</p>
      )}
      <Form method="post" className="stack" noValidate>
        <input type="hidden" name="intent" value={data.mode} />
        {codeField}
        <div>
          <button type="submit" className="primary" disabled={busy}>{t(data.mode === "enrol" ? "twoFactor.enrolSubmit" : "twoFactor.submit")}</button>
        </div>
      </Form>
    </section>
  );
}
