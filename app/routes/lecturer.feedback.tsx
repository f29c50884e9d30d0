import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { feedbackByLecturer, lecturerClasses, MIN_ANSWERS, yearFrom } from "~/modules/offerings/reports.server";
import { now } from "~/utils/clock.server";
import { formatDate, pick, seoulYear, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";
import { YearFilter } from "~/components/year-filter";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "내 강의의 설문 결과", "Survey results of my classes");

/** A lecturer's own classes and their surveys: the queries keep to classes listing this account. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "LECTURER");
  const current = seoulYear(now());
  const year = yearFrom(new URL(request.url), current);
  const [classes, [overall]] = await Promise.all([lecturerClasses(actor.userId, year), feedbackByLecturer(year, actor.userId)]);
  const years = Array.from({ length: 5 }, (_, i) => current - i);
  return { year, years: years.includes(year) ? years : [year, ...years], classes, overall: overall ?? null, min: MIN_ANSWERS };
}

export default function MyFeedback() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const m = (k: string, o?: Record<string, unknown>) => t(`offerings.myFeedback.${k}`, o);
  const mean = (n: number | null) => (n === null ? t("offerings.lecturers.tooFew", { min: d.min }) : n.toFixed(1));
  return (
    <>
      <h1>{m("title")}</h1>
      <p className="lead">{m("intro", { min: d.min })}</p>
      <YearFilter year={d.year} years={d.years} />
      {d.classes.length === 0 || !d.overall ? <p className="panel">{m("none", { year: d.year })}</p> : (
        <>
          <p className="panel">{m("overall", { year: d.year, classes: d.overall.classes, participants: d.overall.participants, answers: d.overall.answers })}</p>
          <TableRegion labelledBy="my-classes-caption">
            <table>
              <caption id="my-classes-caption">{m("caption", { year: d.year })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("offerings.year.column.class")}</th>
                  <th scope="col">{t("offerings.year.column.starts")}</th>
                  <th scope="col" className="num">{t("offerings.lecturers.participants")}</th>
                  <th scope="col" className="num">{t("offerings.lecturers.answers")}</th>
                  <th scope="col">{t("offerings.year.column.satisfaction")}</th>
                  <th scope="col">{t("offerings.year.column.usefulness")}</th>
                  <th scope="col">{t("offerings.year.column.accessibility")}</th>
                </tr>
              </thead>
              <tbody>
                <tr>
                  <th scope="row">{m("allClasses")}</th>
                  <td>—</td>
                  <td className="num">{d.overall.participants}</td>
                  <td className="num">{d.overall.answers}</td>
                  <td>{mean(d.overall.satisfaction)}</td>
                  <td>{mean(d.overall.usefulness)}</td>
                  <td>{mean(d.overall.accessibility)}</td>
                </tr>
                {d.classes.map((c) => (
                  <tr key={c.id}>
                    <th scope="row"><Link to={`/academy/offerings/${c.id}`}>{pick(locale, c.titleKo, c.titleEn)}</Link></th>
                    <td>{formatDate(c.startsAt, locale, true)}</td>
                    <td className="num">{c.participants}</td>
                    <td className="num">{c.answers}</td>
                    <td>{mean(c.satisfaction)}</td>
                    <td>{mean(c.usefulness)}</td>
                    <td>{mean(c.accessibility)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
          {d.overall.comments.length ? (
            <section aria-labelledby="my-comments">
              <h2 id="my-comments">{m("comments", { year: d.year })}</h2>
              <ul className="comments">{d.overall.comments.map((c, i) => <li key={i}>{c}</li>)}</ul>
            </section>
          ) : null}
        </>
      )}
    </>
  );
}
