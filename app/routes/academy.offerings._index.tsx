import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { listOfferingsForAcademy } from "~/modules/offerings/offerings.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "수업 일정", "Classes");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const url = new URL(request.url);
  const scheduled = Number(url.searchParams.get("scheduled"));
  return { offerings: await listOfferingsForAcademy(), scheduled: Number.isInteger(scheduled) && scheduled > 0 ? scheduled : null };
}

export default function AcademyOfferings() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <>
      <h1>{t("offerings.admin.title")}</h1>
      <p className="lead">{t("offerings.admin.intro")}</p>
      {d.scheduled ? <p className="success" role="status">{t("offerings.admin.done.scheduled", { count: d.scheduled })}</p> : null}
      <p><Link className="button" to="/academy/offerings/new">{t("offerings.admin.new")}</Link></p>
      {d.offerings.length === 0 ? <p className="panel">{t("offerings.admin.none")}</p> : (
        <TableRegion labelledBy="offerings-caption">
          <table>
            <caption id="offerings-caption">{t("offerings.admin.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("offerings.admin.class")}</th>
                <th scope="col">{t("offerings.admin.when")}</th>
                <th scope="col">{t("offerings.admin.format")}</th>
                <th scope="col" className="num">{t("offerings.admin.seats")}</th>
                <th scope="col" className="num">{t("offerings.admin.waitlist")}</th>
                <th scope="col">{t("offerings.admin.state")}</th>
              </tr>
            </thead>
            <tbody>
              {d.offerings.map((o) => {
                const title = pick(locale, o.titleKo, o.titleEn);
                return (
                  <tr key={o.id}>
                    <th scope="row"><Link to={`/academy/offerings/${o.id}`} aria-label={t("offerings.admin.manage", { title })}>{title}</Link></th>
                    <td>{formatDate(o.startsAt, locale, true)}</td>
                    <td>{t(`offerings.format.${o.format}`)}</td>
                    <td className="num">{o.confirmed}/{o.capacity}</td>
                    <td className="num">{o.waitlisted}</td>
                    <td>{t(`offerings.state.${o.status}`)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}
