import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { unitPeople } from "~/modules/compliance/compliance.server";
import { readAsOf, requireHrCycle } from "~/modules/compliance/guard.server";
import { getOrgUnit } from "~/modules/org/org.server";
import { readViewPurpose, recordReportView } from "~/modules/audit/access.server";
import { carriedViewQuery } from "~/modules/audit/purpose";
import { notFound } from "~/utils/http.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { isUuid } from "~/utils/ids";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, `${data?.unit?.nameKo ?? ""} 대상자`, `People in ${data?.unit?.nameEn ?? ""}`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { actor, cycle } = await requireHrCycle(request);
  if (!cycle || !isUuid(params.unitId!)) notFound();
  const search = new URL(request.url).searchParams;
  const purpose = await readViewPurpose(actor, search);
  const filter = search.get("show") === "all" ? "all" : "pending";
  const { asOf, asOfParam } = readAsOf(search);
  const people = await unitPeople(actor, params.unitId!, cycle.id, filter, asOf);
  if (!people) notFound();
  // Names of people are shown: the view is logged with the unit and its purpose.
  await recordReportView(actor, {
    report: "unit",
    entityType: "cycle",
    entityId: cycle.id,
    purpose: purpose.purpose,
    note: purpose.note,
    accessId: purpose.accessId,
    data: { unitId: params.unitId!, show: filter, asOf: asOfParam },
  });
  const unit = await getOrgUnit(params.unitId!);
  const purposeQuery = carriedViewQuery({ asOf: asOfParam, accessId: purpose.accessId });
  return { unit, cycle, people, filter, asOf: asOfParam, purposeQuery };
}

export default function UnitPeople() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const name = d.unit ? pick(locale, d.unit.nameKo, d.unit.nameEn) : "";
  const base = `/hr/units/${d.unit?.id}?cycle=${d.cycle.id}${d.purposeQuery}`;
  return (
    <>
      <p className="meta"><Link to={`/hr?cycle=${d.cycle.id}${d.purposeQuery}`}>{t("hr.back")}</Link></p>
      <h1>{t("hr.peopleTitle", { unit: name })}</h1>
      <p className="meta">
        {pick(locale, d.cycle.obligationTitleKo, d.cycle.obligationTitleEn)} · {d.cycle.label}
        {d.asOf ? ` · ${t("hr.asOfCaption", { date: d.asOf })}` : ""}
      </p>
      <nav aria-label={t("hr.status")} className="actions">
        {d.filter === "pending" ? <strong aria-current="page">{t("hr.pendingOnly")}</strong> : <Link to={base}>{t("hr.pendingOnly")}</Link>}
        {d.filter === "all" ? <strong aria-current="page">{t("hr.everyone")}</strong> : <Link to={`${base}&show=all`}>{t("hr.everyone")}</Link>}
      </nav>
      {d.people.length === 0 ? <p className="panel">{t("hr.nobody")}</p> : (
        <TableRegion labelledBy="people-caption">
          <table>
            <caption id="people-caption">{t("hr.peopleTitle", { unit: name })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("hr.employeeNo")}</th>
                <th scope="col">{t("hr.name")}</th>
                <th scope="col">{t("hr.category")}</th>
                <th scope="col">{t("hr.grade")}</th>
                <th scope="col">{t("hr.status")}</th>
                <th scope="col" className="num">{t("hr.lessons")}</th>
                <th scope="col">{t("hr.due")}</th>
                <th scope="col">{t("hr.completedAt")}</th>
              </tr>
            </thead>
            <tbody>
              {d.people.map((p) => (
                <tr key={p.personId}>
                  <td>{p.employeeNo ?? "—"}</td>
                  <th scope="row" className="nowrap"><Link to={`/hr/assignments/${p.assignmentId}`}>{p.name}</Link></th>
                  <td>{t(`staffCategory.${p.staffCategory}`)}</td>
                  <td>{p.grade ?? "—"}</td>
                  <td><span className={`badge ${p.status}`}>{t(`status.${p.status}`)}</span></td>
                  <td className="num">{p.lessonsDone}</td>
                  <td>{formatDate(p.dueAt, locale)}</td>
                  <td>
                    {p.completedAt ? formatDate(p.completedAt, locale) : "—"}
                    {p.completionMode ? ` (${t(`completionMode.${p.completionMode}`)})` : ""}
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
