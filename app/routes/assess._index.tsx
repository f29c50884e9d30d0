import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { assessorDemonstrations } from "~/modules/lecturers/practicum.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "강의 시연 채점", "Scoring demonstrations");

/** An assessor's demonstrations: the query leaves out any they are conflicted on. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "ASSESSOR");
  return { rows: await assessorDemonstrations(actor.userId) };
}

export default function Assess() {
  const { rows } = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <>
      <h1>{t("lecturerPracticum.assess.title")}</h1>
      <p className="lead">{t("lecturerPracticum.assess.intro")}</p>
      {rows.length === 0 ? <p className="panel">{t("lecturerPracticum.assess.none")}</p> : (
        <TableRegion labelledBy="assess-caption">
          <table>
            <caption id="assess-caption">{t("lecturerPracticum.assess.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("lecturerPracticum.assess.trainee")}</th>
                <th scope="col">{t("lecturerPracticum.assess.class")}</th>
                <th scope="col">{t("lecturerPracticum.assess.when")}</th>
                <th scope="col">{t("lecturerPracticum.assess.state")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.traineeName}</th>
                  <td>{pick(locale, r.titleKo, r.titleEn)}</td>
                  <td>{formatDate(r.startsAt, locale, true)}</td>
                  <td>
                    {r.state === "notYet" || r.state === "full" ? t(`lecturerPracticum.assess.states.${r.state}`) : (
                      <Link to={`/assess/${r.id}`} aria-label={t("lecturerPracticum.assess.open", { name: r.traineeName, n: r.attempt })}>{t(`lecturerPracticum.assess.states.${r.state}`)}</Link>
                    )}
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
