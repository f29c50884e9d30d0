import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { acceptOffer, declineOffer, lecturerOffersSection } from "~/modules/lecturers/offers.server";
import { LectureOffersSection } from "~/modules/lecturers/offers-section";
import { deliverSoon } from "~/modules/lecturers/requests.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "강의 요청", "Lecture offers");

const DONE = ["accepted", "declined"] as const;

/** The lecturer's own offers: only rows of the person their account holds (the rule is in the query). */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "LECTURER");
  const done = new URL(request.url).searchParams.get("done");
  return { offers: await lecturerOffersSection(actor), done: DONE.find((x) => x === done) ?? null };
}

type ActionData = { formError: string; fieldErrors?: Record<string, string> };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "LECTURER");
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await request.formData();
  const offerId = String(form.get("offerId") ?? "");
  const intent = form.get("intent");
  const fail = (problem: string, field?: string) => {
    const message = t(`lectureRequests.lecturer.error.${problem}`);
    return Response.json({ formError: message, fieldErrors: field ? { [field]: message } : {} } satisfies ActionData, { status: problem === "notFound" ? 404 : problem === "overlap" || problem === "closed" ? 409 : 400 });
  };
  if (intent === "accept") {
    const result = await acceptOffer(actor, offerId);
    if (!result.ok) return fail(result.problem);
    await deliverSoon(result.mail);
    return redirect("/lecturer/requests?done=accepted");
  }
  if (intent === "decline") {
    const result = await declineOffer(actor, offerId, String(form.get(`reason-${offerId}`) ?? form.get("reason") ?? ""));
    if (!result.ok) return fail(result.problem, result.problem === "reason" ? `reason-${offerId}` : undefined);
    await deliverSoon(result.mail);
    return redirect("/lecturer/requests?done=declined");
  }
  return Response.json({ formError: t("lectureRequests.error.invalid") } satisfies ActionData, { status: 400 });
}

export default function LecturerRequests() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  return (
    <>
      {d.done ? <p className="success" role="status">{t(`lectureRequests.lecturer.done.${d.done}`)}</p> : null}
      <FormAlert result={result} />
      <LectureOffersSection offers={d.offers} errors={result?.fieldErrors} busy={busy} headingLevel={1} />
    </>
  );
}
