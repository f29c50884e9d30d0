import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireActor } from "~/modules/auth/permissions.server";
import { appointmentsOfUser } from "~/modules/lecturers/appointments.server";
import { profileFromForm, profileOfUser, saveProfile } from "~/modules/lecturers/directory.server";
import { ProfilePanel } from "~/modules/lecturers/profile-panel";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert, FormStatus } from "~/components/form-alert";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "강사 소개 공개 설정", "Your directory profile");

/** The signed-in lecturer's own profile and appointments, read by their account in the query. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const [mine, appointments] = await Promise.all([profileOfUser(actor.userId), appointmentsOfUser(actor.userId)]);
  return { mine, appointments, saved: new URL(request.url).searchParams.get("done") === "saved" };
}

type ActionData = { formError: string; fieldErrors?: Record<string, string> };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await request.formData();
  if (form.get("intent") !== "profile") return Response.json({ formError: t("lecturerPracticum.profile.invalid") } satisfies ActionData, { status: 400 });
  const result = await saveProfile(actor.userId, profileFromForm(form));
  if (!result.ok) {
    if (result.problem === "notLecturer") return Response.json({ formError: t("lecturerPracticum.profile.notLecturer") } satisfies ActionData, { status: 403 });
    const fieldErrors = Object.fromEntries(Object.entries(result.fields).map(([k, v]) => [k, t(`lecturerPracticum.profile.fieldError.${v}`)]));
    return Response.json({ formError: t("lecturerPracticum.profile.invalid"), fieldErrors } satisfies ActionData, { status: 400 });
  }
  return redirect("/lecturer/profile?done=saved");
}

const dayOf = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

export default function LecturerProfile() {
  const { mine, appointments, saved } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("lecturerPracticum.profile.title")}</h1>
      <p className="lead">{t("lecturerPracticum.profile.intro")}</p>
      <FormStatus message={saved ? t("lecturerPracticum.profile.saved") : null} />
      <FormAlert result={result} />
      {appointments.length > 0 ? (
        <section aria-labelledby="appointments-heading">
          <h2 id="appointments-heading">{t("lecturerPracticum.profile.appointments")}</h2>
          <ul>
            {appointments.map((a) => (
              <li key={a.id}>
                {t("lecturerPracticum.profile.credential", { number: a.number, code: a.verificationCode })} ·{" "}
                {t("lecturerPracticum.verify.termValue", { from: dayOf(a.startsOn), to: dayOf(a.endsOn) })} ·{" "}
                <Link to={`/verify/${a.verificationCode}`}>{t("lecturerPracticum.profile.verifyLink")}</Link>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {mine?.active ? <ProfilePanel profile={mine.profile} errors={result?.fieldErrors} /> : <p className="panel">{t("lecturerPracticum.profile.notLecturer")}</p>}
    </>
  );
}
