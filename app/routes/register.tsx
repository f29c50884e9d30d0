import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { clientIp } from "~/utils/http.server";
import { z } from "zod";
import { plainText } from "~/utils/text";
import { TextField } from "~/components/text-field";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { startRegistration } from "~/modules/auth/accounts.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "회원 가입", "Sign up");

const Schema = z.object({
  name: z.string().transform(plainText).pipe(z.string().min(1, "required").max(100)),
  email: z.string().trim().min(1, "required").email("emailFormat").max(254),
  consent: z.literal("yes", { errorMap: () => ({ message: "consent" }) }),
  newsletter: z.literal("yes").optional(),
});

type Field = "name" | "email" | "consent";
type ActionData = { sent?: true; formError?: string; fieldErrors?: Partial<Record<Field, string>>; values?: { name: string; email: string } };

/** The same answer for a new address and one that has an account (its owner gets a note instead). */
export async function action({ request, context }: ActionFunctionArgs) {
  const { t, locale } = requestTranslator(request);
  const form = await request.formData();
  const parsed = Schema.safeParse(Object.fromEntries(form));
  const values = { name: String(form.get("name") ?? "").slice(0, 100), email: String(form.get("email") ?? "").slice(0, 254) };
  if (!parsed.success) {
    const fieldErrors: ActionData["fieldErrors"] = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path[0] as Field;
      fieldErrors[field] ??= issue.message === "consent" ? t("account.register.consentRequired") : t(`login.${issue.message === "emailFormat" ? "emailFormat" : "required"}`);
    }
    return Response.json({ fieldErrors, formError: t("login.errorSummary"), values } satisfies ActionData, { status: 400 });
  }
  const ip = clientIp(context);
  const outcome = await startRegistration({ name: parsed.data.name, email: parsed.data.email, newsletter: parsed.data.newsletter === "yes" }, ip, locale);
  if (outcome === "throttled") return Response.json({ formError: t("account.forgot.throttled"), values } satisfies ActionData, { status: 429 });
  return { sent: true } satisfies ActionData;
}

export default function Register() {
  const data = useActionData<ActionData>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const consentError = data?.fieldErrors?.consent;
  return (
    <section className="panel" aria-labelledby="register-title">
      <h1 id="register-title">{t("account.register.title")}</h1>
      {data?.sent ? (
        <FormStatus message={t("account.register.sent")} />
      ) : (
        <>
          <p>{t("account.register.intro")}</p>
          <FormAlert result={data} />
          <Form method="post" className="stack" noValidate>
            <TextField name="name" label={t("account.register.name")} error={data?.fieldErrors?.name} autoComplete="name" required defaultValue={data?.values?.name} />
            <TextField name="email" label={t("account.register.email")} error={data?.fieldErrors?.email} type="email" autoComplete="email" required defaultValue={data?.values?.email} />
            <fieldset className="question">
              <legend>{t("account.register.privacyTitle")}</legend>
              <ul>
                <li>{t("account.register.collected")}</li>
                <li>{t("account.register.purpose")}</li>
                <li>{t("account.register.retention")}</li>
              </ul>
              <p className="meta">{t("account.register.refuse")}</p>
              <label className="option">
                <input type="checkbox" name="consent" value="yes" aria-invalid={consentError ? true : undefined} aria-describedby={consentError ? "consent-error" : undefined} />
                <span>{t("account.register.consent")}</span>
              </label>
              {consentError ? <p id="consent-error" className="field-error">{consentError}</p> : null}
            </fieldset>
            <fieldset className="question">
              <legend>{t("account.register.optionalTitle")}</legend>
              <label className="option">
                <input type="checkbox" name="newsletter" value="yes" />
                <span>{t("account.register.newsletter")}</span>
              </label>
            </fieldset>
            <div><button type="submit" className="primary" disabled={busy}>{t("account.register.submit")}</button></div>
          </Form>
        </>
      )}
    </section>
  );
}
