import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getCurrentSession } from "~/modules/auth/session.server";
import { checkInByForm, checkInSignedIn, scanned, type CheckInOutcome } from "~/modules/offerings/check-in.server";
import { pick, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { TextField } from "~/components/text-field";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "체크인", "Check in");

/** What a scanned code opens: nothing is recorded until the person presses the button (no change on GET). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const code = new URL(request.url).searchParams.get("code") ?? "";
  const current = await getCurrentSession(request);
  const result = await scanned(params.offeringId ?? "", code);
  return {
    code,
    problem: "problem" in result ? result.problem : null,
    titleKo: "offering" in result ? result.offering?.titleKo ?? "" : "",
    titleEn: "offering" in result ? result.offering?.titleEn ?? "" : "",
    signedIn: Boolean(current?.user.personId),
  };
}

type ActionData = { message?: string; formError?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const current = await getCurrentSession(request);
  const { t } = requestTranslator(request, current?.user.locale);
  const form = await request.formData();
  const code = String(form.get("code") ?? "");
  const id = params.offeringId ?? "";
  const outcome: CheckInOutcome = current?.user.personId
    ? await checkInSignedIn(id, code, current.user.personId)
    : await checkInByForm(id, code, String(form.get("name") ?? ""), String(form.get("email") ?? ""));
  const message = t(`offerings.checkIn.outcome.${outcome}`);
  const ok = outcome === "checkedIn" || outcome === "already";
  return Response.json((ok ? { message } : { formError: message }) satisfies ActionData, { status: ok ? 200 : outcome === "notRegistered" ? 404 : 409 });
}

export default function CheckIn() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  const done = Boolean(result?.message);
  return (
    <>
      <h1>{d.problem ? t("offerings.checkIn.refusedTitle") : t("offerings.checkIn.title", { title: pick(locale, d.titleKo, d.titleEn) })}</h1>
      {d.problem ? <p className="alert" role="alert">{t(`offerings.checkIn.outcome.${d.problem}`)}</p> : null}
      <FormAlert result={result} />
      <FormStatus message={result?.message} />
      {!d.problem && !done ? (
        <>
          <p>{t("offerings.checkIn.intro")}</p>
          <Form method="post" className="stack">
            <input type="hidden" name="code" value={d.code} />
            {!d.signedIn ? (
              <>
                <p>{t("offerings.checkIn.formIntro")}</p>
                <TextField name="name" label={t("offerings.checkIn.name")} autoComplete="name" required maxLength={100} />
                <TextField name="email" type="email" label={t("offerings.checkIn.email")} autoComplete="email" required maxLength={200} />
              </>
            ) : null}
            <div><button type="submit" className="primary" disabled={busy}>{t("offerings.checkIn.submit")}</button></div>
          </Form>
        </>
      ) : null}
    </>
  );
}
