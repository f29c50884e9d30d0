import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireActor } from "~/modules/auth/permissions.server";
import { bookPracticum, cancelPracticum, practicumForTrainee } from "~/modules/lecturers/practicum.server";
import { PracticumPanel } from "~/modules/lecturers/practicum-panel";
import { formatDate } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert, FormStatus } from "~/components/form-alert";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "강의 시연(실습)", "Practicum");

/** The trainee's own practicum: read by their account in the query; anyone else sees that it is not theirs. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const data = await practicumForTrainee(actor.userId);
  const done = new URL(request.url).searchParams.get("done");
  return { data, done: done === "booked" || done === "cancelled" ? done : null };
}

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const { t, locale } = requestTranslator(request, actor.user.locale);
  const form = await request.formData();
  if (form.get("intent") === "cancel") {
    const cancelled = await cancelPracticum(actor.userId, String(form.get("attemptId") ?? ""));
    if (!cancelled.ok) return Response.json({ formError: t(`lecturerPracticum.trainee.cancelRefused.${cancelled.problem}`) }, { status: cancelled.problem === "notFound" ? 404 : 409 });
    return redirect("/lecturer/practicum?done=cancelled");
  }
  if (form.get("intent") !== "book") return Response.json({ formError: t("lecturerPracticum.assess.error.state") }, { status: 400 });
  const result = await bookPracticum(actor.userId, String(form.get("offeringId") ?? ""));
  if (!result.ok) {
    const message = t(`lecturerPracticum.trainee.refused.${result.problem}`, { date: result.retakeFrom ? formatDate(result.retakeFrom, locale) : "" });
    return Response.json({ formError: message }, { status: result.problem === "notTrainee" ? 403 : 409 });
  }
  return redirect("/lecturer/practicum?done=booked");
}

export default function LecturerPracticum() {
  const { data, done } = useLoaderData<typeof loader>();
  const result = useActionData<{ formError?: string }>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("lecturerPracticum.trainee.title")}</h1>
      <p className="lead">{t("lecturerPracticum.trainee.intro")}</p>
      <FormAlert result={result} />
      <FormStatus message={done ? t(`lecturerPracticum.trainee.${done}`) : null} />
      {data ? <PracticumPanel data={data} /> : <p className="panel">{t("lecturerPracticum.trainee.notTrainee")}</p>}
    </>
  );
}
