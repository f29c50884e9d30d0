import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { SCREENING_DIVERGENCE_POINTS } from "~/modules/lecturers/codes";
import { getRound, roundApplications } from "~/modules/lecturers/recruitment.server";
import { notFound } from "~/utils/http.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "모집 회차 지원서", "A round's applications");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN");
  const round = await getRound(params.roundId);
  if (!round) notFound();
  return { round, applications: await roundApplications(round.id, actor.userId) };
}

export default function AcademyRound() {
  const { round, applications } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const r = (k: string, o?: Record<string, unknown>) => t(`lecturers.round.${k}`, o);
  return (
    <>
      <p><Link to="/academy/lecturers">{r("back")}</Link></p>
      <h1>{pick(locale, round.titleKo, round.titleEn)}</h1>
      <p className="lead">{r("intro", { from: formatDate(round.opensAt, locale), to: formatDate(round.closesAt, locale), places: round.places, months: round.retentionMonths })}</p>
      <p className="meta">{t("lecturers.public.fields", { fields: round.fields.map((f) => t(`lecturers.field.${f}`)).join(", ") })}</p>
      {applications.length === 0 ? <p className="panel">{r("none")}</p> : (
        <TableRegion labelledBy="applications-caption">
          <table>
            <caption id="applications-caption">{r("caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{r("applicant")}</th>
                <th scope="col">{r("fields")}</th>
                <th scope="col">{r("submittedAt")}</th>
                <th scope="col" className="num">{r("reviews")}</th>
                <th scope="col">{r("totals")}</th>
                <th scope="col">{r("status")}</th>
              </tr>
            </thead>
            <tbody>
              {applications.map((a) => (
                <tr key={a.id}>
                  <th scope="row"><Link to={`/academy/lecturers/applications/${a.id}`} aria-label={r("open", { name: a.name })}>{a.name}</Link></th>
                  <td>{a.fields.map((f) => t(`lecturers.field.${f}`)).join(", ")}</td>
                  <td>{formatDate(a.submittedAt, locale)}</td>
                  <td className="num">{a.reviews}</td>
                  <td>{a.minTotal === null ? (a.reviews > 0 ? r("hidden") : "—") : a.minTotal === a.maxTotal ? a.minTotal : `${a.minTotal}–${a.maxTotal}`}</td>
                  <td>
                    {t(`lecturers.status.${a.status}`)}
                    {a.divergent ? <><br /><strong className="badge divergent">{r("flag", { points: SCREENING_DIVERGENCE_POINTS })}</strong></> : null}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
