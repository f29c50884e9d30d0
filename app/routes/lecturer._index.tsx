import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireLearner } from "~/modules/learning/guard.server";
import { loadTraineeSection } from "~/modules/lecturers/trainee.server";
import { pageTitle } from "~/utils/meta";
import { FormStatus } from "~/components/form-alert";
import { LecturerTraineeSection } from "~/components/lecturer-trainee-section";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "내 인권강사 활동", "My lecturer programme");

/** A trainee's or lecturer's own page: each section loads only the signed-in person's own rows. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request);
  const applied = new URL(request.url).searchParams.get("applied") === "1";
  return { recruitment: await loadTraineeSection(personId), applied };
}

export default function LecturerHome() {
  const d = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("lecturers.trainee.title")}</h1>
      <p className="lead">{t("lecturers.trainee.intro")}</p>
      <FormStatus message={d.applied ? t("lecturers.apply.done") : null} />
      <LecturerTraineeSection data={d.recruitment} />
    </>
  );
}
