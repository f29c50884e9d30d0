import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { feedbackByLecturer, MIN_ANSWERS, offeringYears, yearFrom } from "~/modules/offerings/reports.server";
import { now } from "~/utils/clock.server";
import { seoulYear } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";
import { YearFilter } from "~/components/year-filter";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "강사별 설문 결과", "Survey results by lecturer");

/** The academy compares lecturers across the year's classes: means from MIN_ANSWERS answers on, comments without names. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const year = yearFrom(new URL(request.url), seoulYear(now()));
  const [lecturers, years] = await Promise.all([feedbackByLecturer(year), offeringYears(year)]);
  return { year, years, lecturers, min: MIN_ANSWERS };
}

export default function LecturerResults() {
  const d = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  const l = (k: string, o?: Record<string, unknown>) => t(`offerings.lecturers.${k}`, o);
  const name = (r: (typeof d.lecturers)[number]) => (r.userId ? r.name : l("outside", { name: r.name }));
  const mean = (n: number | null) => (n === null ? l("tooFew", { min: d.min }) : n.toFixed(1));
  return (
    <>
      <p><Link to={`/academy?year=${d.year}`}>{l("back")}</Link></p>
      <h1>{l("title")}</h1>
      <p className="lead">{l("intro", { min: d.min })}</p>
      <YearFilter year={d.year} years={d.years} />
      {d.lecturers.length === 0 ? <p className="panel">{l("none", { year: d.year })}</p> : (
        <>
          <TableRegion labelledBy="lecturers-caption">
            <table>
              <caption id="lecturers-caption">{l("caption", { year: d.year })}</caption>
              <thead>
                <tr>
                  <th scope="col">{l("lecturer")}</th>
                  <th scope="col" className="num">{l("classes")}</th>
                  <th scope="col" className="num">{l("participants")}</th>
                  <th scope="col" className="num">{l("answers")}</th>
                  <th scope="col">{t("offerings.year.column.satisfaction")}</th>
                  <th scope="col">{t("offerings.year.column.usefulness")}</th>
                  <th scope="col">{t("offerings.year.column.accessibility")}</th>
                </tr>
              </thead>
              <tbody>
                {d.lecturers.map((r) => (
                  <tr key={`${r.userId ?? ""}:${r.userId ? "" : r.name}`}>
                    <th scope="row">{name(r)}</th>
                    <td className="num">{r.classes}</td>
                    <td className="num">{r.participants}</td>
                    <td className="num">{r.answers}</td>
                    <td>{mean(r.satisfaction)}</td>
                    <td>{mean(r.usefulness)}</td>
                    <td>{mean(r.accessibility)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
          {d.lecturers.filter((r) => r.comments.length > 0).map((r, i) => (
            <section key={`${r.userId ?? ""}:${r.name}`} aria-labelledby={`comments-${i}`}>
              <h2 id={`comments-${i}`}>{l("commentsOf", { name: name(r) })}</h2>
              <ul className="comments">{r.comments.map((c, j) => <li key={j}>{c}</li>)}</ul>
            </section>
          ))}
        </>
      )}
    </>
  );
}
