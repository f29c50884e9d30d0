import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { listSessions } from "~/modules/attendance/sessions.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "집합교육 출석", "In-person sessions");

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  return { sessions: await listSessions(actor) };
}

export default function Sessions() {
  const { sessions } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <>
      <h1>{t("sessions.title")}</h1>
      <p className="lead">{t("sessions.intro")}</p>
      <p><Link className="button primary" to="/hr/sessions/new">{t("sessions.record")}</Link></p>
      {sessions.length === 0 ? <p className="panel">{t("sessions.none")}</p> : (
        <>
        <h2>{t("sessions.countsTitle")}</h2>
        <dl className="glossary" id="sessions-terms">
          <div>
            <dt>{t("sessions.attendees")}</dt>
            <dd>{t("sessions.attendeesMeans")}</dd>
          </div>
          <div>
            <dt>{t("sessions.completedCount")}</dt>
            <dd>{t("sessions.completedMeans")}</dd>
          </div>
        </dl>
        <TableRegion labelledBy="sessions-caption">
          <table aria-describedby="sessions-terms">
            <caption id="sessions-caption">{t("sessions.list")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("sessions.heading")}</th>
                <th scope="col">{t("sessions.held")}</th>
                <th scope="col">{t("sessions.fields.orgUnitId")}</th>
                <th scope="col">{t("sessions.cycles")}</th>
                <th scope="col" className="num">{t("sessions.attendees")}</th>
                <th scope="col" className="num">{t("sessions.completedCount")}</th>
              </tr>
            </thead>
            <tbody>
              {sessions.map((s) => (
                <tr key={s.id}>
                  <th scope="row"><Link to={`/hr/sessions/${s.id}`}>{s.title}</Link></th>
                  <td>{formatDate(s.heldOn, locale)} · {t("sessions.duration", { minutes: s.minutes })}</td>
                  <td>{pick(locale, s.unitKo, s.unitEn)}</td>
                  <td>{pick(locale, s.cyclesKo, s.cyclesEn).join(" / ")}</td>
                  <td className="num">{s.attendees}</td>
                  <td className="num">{s.completed}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
        </>
      )}
    </>
  );
}
