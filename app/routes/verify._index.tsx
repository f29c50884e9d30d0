import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { redirect } from "@remix-run/node";
import { Form, useActionData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TextField } from "~/components/text-field";
import { normalizeVerificationCode } from "~/modules/certificates/certificates.server";
import { requestTranslator } from "~/utils/locale.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "수료증 진위 확인", "Verify a certificate");

export async function action({ request }: ActionFunctionArgs) {
  const { t } = requestTranslator(request);
  const form = await request.formData();
  const code = normalizeVerificationCode(String(form.get("code") ?? ""));
  if (!code) return Response.json({ error: t("certificate.badCode"), value: String(form.get("code") ?? "") }, { status: 400 });
  return redirect(`/verify/${code}`);
}

function VerifyForm({ error, value }: { error?: string; value?: string }) {
  const { t } = useTranslation();
  return (
    <Form method="post" action="/verify?index" className="stack" noValidate>
      <TextField
        name="code"
        label={t("certificate.code")}
        hint={t("certificate.codeHint")}
        error={error}
        type="text"
        autoComplete="off"
        spellCheck={false}
        defaultValue={value}
        required
      />
      <div><button type="submit" className="primary">{t("certificate.check")}</button></div>
    </Form>
  );
}

export default function Verify() {
  const { t } = useTranslation();
  const data = useActionData<{ error?: string; value?: string }>();
  return (
    <section className="panel" aria-labelledby="verify-title">
      <h1 id="verify-title">{t("certificate.verifyTitle")}</h1>
      <p>{t("certificate.verifyIntro")}</p>
      <VerifyForm error={data?.error} value={data?.value} />
    </section>
  );
}
