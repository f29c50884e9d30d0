import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { courseOutcomes } from "~/modules/reporting/learning-gain.server";
import { academyYear, offeringYears, yearFrom } from "~/modules/offerings/reports.server";
import { now } from "~/utils/clock.server";
import { formatDate, pick, seoulYear, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";
import { YearFilter } from "~/components/year-filter";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "과정 운영 현황", "Course outcomes");

/** The academy's own view: a year of classes (one statement), then the online courses' outcomes. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const current = seoulYear(now());
  const year = yearFrom(new URL(request.url), current);
  const [classes, years, courses] = await Promise.all([academyYear(year), offeringYears(year), courseOutcomes()]);
  return { year, years, classes, courses };
}

export default function AcademyCourses() {
  const { year, years, classes, courses } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const y = (k: string, o?: Record<string, unknown>) => t(`offerings.year.${k}`, o);
  const dash = (n: number | null, suffix = "") => (n === null ? "—" : `${n}${suffix}`);
  const signed = (n: number) => `${n > 0 ? "+" : ""}${n}`;
  return (
    <>
      <h1>{t("academy.title")}</h1>
      <section aria-labelledby="classes-heading">
        <h2 id="classes-heading">{y("title")}</h2>
        <p className="lead">{y("intro")}</p>
        <YearFilter year={year} years={years} />
        <p className="actions">
          <a href={`/academy/classes.csv?year=${year}`} download>{y("export", { year })}</a>
          <Link to={`/academy/lecturer-feedback?year=${year}`}>{y("lecturersLink")}</Link>
        </p>
        {classes.length === 0 ? <p className="panel">{y("none", { year })}</p> : (
          <TableRegion labelledBy="classes-caption">
            <table>
              <caption id="classes-caption">{y("caption", { year, count: classes.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{y("column.class")}</th>
                  <th scope="col">{y("column.starts")}</th>
                  <th scope="col">{y("column.state")}</th>
                  <th scope="col" className="num">{y("column.seats")}</th>
                  <th scope="col" className="num">{y("column.waitlisted")}</th>
                  <th scope="col" className="num">{y("column.attended")}</th>
                  <th scope="col" className="num">{y("column.noShows")}</th>
                  <th scope="col">{y("column.scores")}</th>
                  <th scope="col">{y("column.gain")}</th>
                </tr>
              </thead>
              <tbody>
                {classes.map((c) => {
                  const title = pick(locale, c.titleKo, c.titleEn);
                  return (
                    <tr key={c.id}>
                      <th scope="row"><Link to={`/academy/offerings/${c.id}`} aria-label={y("roster", { title })}>{title}</Link></th>
                      <td>{formatDate(c.startsAt, locale, true)}</td>
                      <td>{t(`offerings.state.${c.state}`)}</td>
                      <td className="num">{y("seatsValue", { registered: c.registered, capacity: c.capacity, rate: c.fillRate })}</td>
                      <td className="num">{c.waitlisted}</td>
                      <td className="num">{c.attended}</td>
                      <td className="num">{c.noShows}</td>
                      <td>
                        {c.answers === 0 ? "—" : y("scoresValue", {
                          satisfaction: c.satisfaction?.toFixed(1), usefulness: c.usefulness?.toFixed(1), accessibility: c.accessibility?.toFixed(1), answers: c.answers,
                        })}
                      </td>
                      <td>{c.gain === null ? "—" : y("gainValue", { pre: c.pretestMean, post: c.quizMean, gain: signed(c.gain), pairs: c.pairs })}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>

      <section aria-labelledby="courses-heading">
        <h2 id="courses-heading">{y("coursesHeading")}</h2>
        <p>{t("academy.intro")}</p>
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
                  <td className="num">{c.gain === null ? "—" : signed(c.gain)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      </section>
    </>
  );
}
