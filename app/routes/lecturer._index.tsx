import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { json } from "@remix-run/node";
import { requireActor } from "~/modules/auth/permissions.server";
import { loadTraineeSection } from "~/modules/lecturers/trainee.server";
import { practicumForTrainee } from "~/modules/lecturers/practicum.server";
import { lecturerOffersSection } from "~/modules/lecturers/offers.server";
import { PracticumPanel } from "~/modules/lecturers/practicum-panel";
import { LectureOffersSection } from "~/modules/lecturers/offers-section";
import { pageTitle } from "~/utils/meta";
import { FormStatus } from "~/components/form-alert";
import { LecturerTraineeSection } from "~/components/lecturer-trainee-section";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "내 인권강사 활동", "My lecturer programme");

/**
 * A trainee's or lecturer's own page: their applications and stages, their practicum, and for an
 * appointed lecturer the offers awaiting an answer and the way to the rest of their work. Each
 * section loads only the signed-in person's own rows.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const personId = actor.user.personId;
  const lecturer = actor.roles.has("LECTURER");
  // Someone on no roll (an account made for teaching only) has no applications or stages of their own.
  if (!personId && !lecturer) throw json({ error: "forbidden" }, { status: 403 });
  const [recruitment, practicum, offers] = await Promise.all([
    personId ? loadTraineeSection(personId) : null,
    practicumForTrainee(actor.userId),
    lecturer ? lecturerOffersSection(actor) : null,
  ]);
  const applied = new URL(request.url).searchParams.get("applied") === "1";
  return { recruitment, practicum, offers, lecturer, applied };
}

export default function LecturerHome() {
  const d = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const more = (key: string) => t(`lecturers.trainee.more.${key}`);
  return (
    <>
      <h1>{t("lecturers.trainee.title")}</h1>
      <p className="lead">{t("lecturers.trainee.intro")}</p>
      <FormStatus message={d.applied ? t("lecturers.apply.done") : null} />
      {d.recruitment ? <LecturerTraineeSection data={d.recruitment} /> : null}
      {d.practicum ? <PracticumPanel data={d.practicum} /> : null}
      {d.offers ? <LectureOffersSection offers={d.offers} /> : null}
      {d.lecturer || d.practicum ? (
        <section aria-labelledby="lecturer-more">
          <h2 id="lecturer-more">{t("lecturers.trainee.moreHeading")}</h2>
          <ul>
            {d.practicum ? <li><Link to="/lecturer/practicum">{more("practicum")}</Link></li> : null}
            {d.lecturer ? (
              <>
                <li><Link to="/lecturer/requests">{more("requests")}</Link></li>
                <li><Link to="/lecturer/activity">{more("activity")}</Link></li>
                <li><Link to="/lecturer/feedback">{more("feedback")}</Link></li>
                <li><Link to="/lecturer/profile">{more("profile")}</Link></li>
              </>
            ) : null}
          </ul>
        </section>
      ) : null}
    </>
  );
}
