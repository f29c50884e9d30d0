import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { clientIp } from "~/utils/http.server";
import { z } from "zod";
import { TextField } from "~/components/text-field";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { requestNewLink } from "~/modules/auth/accounts.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "새 링크 받기", "Get a new link");

const Schema = z.object({ email: z.string().trim().min(1, "required").email("emailFormat").max(254) });

type ActionData = { sent?: true; formError?: string; emailError?: string; email?: string };

/** The same answer whether or not the address has an account; only the request rate is limited. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { t, locale } = requestTranslator(request);
  const form = await request.formData();
  const parsed = Schema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return Response.json(
      { emailError: t(`login.${parsed.error.issues[0]!.message}`), email: String(form.get("email") ?? "").slice(0, 254) } satisfies ActionData,
      { status: 400 },
    );
  }
  const ip = clientIp(context);
  const outcome = await requestNewLink(parsed.data.email, ip, locale);
  if (outcome === "throttled") {
    return Response.json({ formError: t("account.forgot.throttled"), email: parsed.data.email } satisfies ActionData, { status: 429 });
  }
  return { sent: true } satisfies ActionData;
}

export default function ForgotPassword() {
  const data = useActionData<ActionData>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  // A missing or malformed address is summed up above the form, like any other refusal.
  const alert = useMemo(() => (data?.formError || data?.emailError ? { formError: data.formError ?? t("login.errorSummary") } : null), [data, t]);
  return (
    <section className="panel" aria-labelledby="forgot-title">
      <h1 id="forgot-title">{t("account.forgot.title")}</h1>
      {data?.sent ? (
        <FormStatus message={t("account.forgot.sent")} />
      ) : (
        <>
          <p>{t("account.forgot.intro")}</p>
          <FormAlert result={alert} />
          <Form method="post" className="stack" noValidate>
            <TextField name="email" label={t("account.forgot.email")} error={data?.emailError} type="email" autoComplete="email" required defaultValue={data?.email} />
            <div><button type="submit" className="primary" disabled={busy}>{t("account.forgot.submit")}</button></div>
          </Form>
        </>
      )}
    </section>
  );
}
