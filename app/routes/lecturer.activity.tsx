import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { lecturerActivity } from "~/modules/lecturers/activity.server";
import { hoursOf } from "~/modules/lecturers/request-codes";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "나의 강의 활동", "My lecturing");

/** The lecturer's own classes only: the rule is in each query (activity.server.ts). */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "LECTURER");
  return lecturerActivity(actor);
}

export default function LecturerActivity() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const k = (key: string, vars?: Record<string, unknown>) => t(`lectureRequests.activity.${key}`, vars);
  const mean = (v: number | null) => (v === null ? "—" : v.toFixed(1));
  return (
    <>
      <h1>{k("title")}</h1>
      <p className="lead">{k("intro")}</p>

      <section aria-labelledby="upcoming-heading">
        <h2 id="upcoming-heading">{k("upcoming")}</h2>
        {d.upcoming.length === 0 ? <p className="panel">{k("noUpcoming")}</p> : (
          <ul className="cards">
            {d.upcoming.map((o) => (
              <li key={o.id} className="panel">
                <h3><Link to={`/academy/offerings/${o.id}`}>{pick(locale, o.titleKo, o.titleEn)}</Link></h3>
                <p>{formatDate(o.startsAt, locale, true)} – {formatDate(o.endsAt, locale, true)}</p>
                <p>{o.format === "IN_PERSON" ? `${o.place}${o.district ? ` (${t(`offerings.district.${o.district}`)})` : ""}` : t("offerings.format.LIVE_ONLINE")}</p>
                <p className="meta">{t("offerings.page.seatsValue", { capacity: o.capacity, left: Math.max(0, o.capacity - o.confirmed) })}</p>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="hours-heading">
        <h2 id="hours-heading">{k("hours", { year: d.year })}</h2>
        <p className="panel">{k("hoursValue", { hours: hoursOf(d.total.minutes), count: d.total.lectures })}</p>
      </section>

      <section aria-labelledby="feedback-heading">
        <h2 id="feedback-heading">{k("feedback")}</h2>
        <p className="meta">{k("feedbackHint")}</p>
        {d.feedback.answers === 0 ? <p className="panel">{k("noFeedback")}</p> : d.feedback.satisfaction === null ? (
          <p className="panel">{k("tooFewFeedback", { count: d.feedback.answers, min: d.minAnswers })}</p>
        ) : (
          <dl className="facts">
            <dt>{k("answers")}</dt><dd>{d.feedback.answers}</dd>
            <dt>{k("satisfaction")}</dt><dd>{mean(d.feedback.satisfaction)}</dd>
            <dt>{k("usefulness")}</dt><dd>{mean(d.feedback.usefulness)}</dd>
            <dt>{k("accessibility")}</dt><dd>{mean(d.feedback.accessibility)}</dd>
          </dl>
        )}
      </section>

      <section aria-labelledby="statement-heading">
        <h2 id="statement-heading">{k("statement", { year: d.year })}</h2>
        <p className="meta">{k("statementHint")}</p>
        <TableRegion labelledBy="statement-caption">
          <table>
            <caption id="statement-caption">{k("statement", { year: d.year })}</caption>
            <thead>
              <tr>
                <th scope="col">{k("month")}</th>
                <th scope="col" className="num">{k("lectures")}</th>
                <th scope="col" className="num">{k("hoursCol")}</th>
              </tr>
            </thead>
            <tbody>
              {d.months.map((m) => (
                <tr key={m.month}>
                  <th scope="row">{k("monthValue", { month: m.month })}</th>
                  <td className="num">{m.lectures}</td>
                  <td className="num">{hoursOf(m.minutes)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row">{k("total")}</th>
                <td className="num">{d.total.lectures}</td>
                <td className="num">{hoursOf(d.total.minutes)}</td>
              </tr>
            </tfoot>
          </table>
        </TableRegion>
      </section>
    </>
  );
}
