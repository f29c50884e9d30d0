import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { offeringInputFromForm, scheduleFormOptions, scheduleOffering, type ScheduleInput } from "~/modules/offerings/offerings.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";
import { OfferingForm, type OfferingFormValues } from "~/components/offering-form";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "수업 열기", "Schedule a class");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  return { options: await scheduleFormOptions() };
}

type ActionData = { formError: string; fieldErrors: Record<string, string>; values: ScheduleInput };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const values = offeringInputFromForm(await request.formData());
  const result = await scheduleOffering(actor.userId, values);
  if (!result.ok) {
    const fieldErrors = Object.fromEntries(Object.entries(result.errors).map(([f, code]) => [f, t(`offerings.admin.error.${code}`)]));
    return Response.json({ formError: t("offerings.admin.error.summary"), fieldErrors, values } satisfies ActionData, { status: 400 });
  }
  return redirect(`/academy/offerings?scheduled=${result.ids.length}`);
}

export default function NewOffering() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      <h1>{t("offerings.admin.newTitle")}</h1>
      <FormAlert result={result} />
      <OfferingForm mode="new" options={d.options} values={result?.values as OfferingFormValues | undefined} errors={result?.fieldErrors} busy={busy} />
    </>
  );
}
