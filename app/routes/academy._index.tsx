import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { courseOutcomes } from "~/modules/reporting/learning-gain.server";
import { pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "과정 운영 현황", "Course outcomes");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  return { courses: await courseOutcomes() };
}

export default function AcademyCourses() {
  const { courses } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const dash = (n: number | null, suffix = "") => (n === null ? "—" : `${n}${suffix}`);
  return (
    <>
      <h1>{t("academy.title")}</h1>
      <p className="lead">{t("academy.intro")}</p>
      <TableRegion labelledBy="academy-caption">
        <table>
          <caption id="academy-caption">{t("academy.caption")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("academy.course")}</th>
              <th scope="col">{t("academy.track")}</th>
              <th scope="col" className="num">{t("academy.enrolled")}</th>
              <th scope="col" className="num">{t("academy.completed")}</th>
              <th scope="col" className="num">{t("academy.pairs")}</th>
              <th scope="col" className="num">{t("academy.pre")}</th>
              <th scope="col" className="num">{t("academy.post")}</th>
              <th scope="col" className="num">{t("academy.gain")}</th>
            </tr>
          </thead>
          <tbody>
            {courses.map((c) => (
              <tr key={c.courseId}>
                <th scope="row">{pick(locale, c.titleKo, c.titleEn)}</th>
                <td>{t(`catalog.track.${c.track}`)}</td>
                <td className="num">{c.enrolled}</td>
                <td className="num">{c.completed}</td>
                <td className="num">{c.pairs}</td>
                <td className="num">{dash(c.pretestMean)}</td>
                <td className="num">{dash(c.quizMean)}</td>
                <td className="num">{c.gain === null ? "—" : `${c.gain > 0 ? "+" : ""}${c.gain}`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </>
  );
}
