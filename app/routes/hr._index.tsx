import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { RateChart } from "~/components/rate-chart";
import { categoryCompliance, unitComplianceView } from "~/modules/compliance/compliance.server";
import { isUuid } from "~/utils/ids";
import { countsAsOf } from "~/modules/compliance/counts.server";
import { readAsOf, requireHrCycle } from "~/modules/compliance/guard.server";
import { purposeAction, readViewPurpose, recordReportView } from "~/modules/audit/access.server";
import { carriedViewQuery, type PurposeError } from "~/modules/audit/purpose";
import { DownloadForm } from "~/components/download-form";
import { PurposeFields } from "~/components/purpose-fields";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { TableRegion } from "~/components/table-region";
import { CountCells, CountHeaders, inPersonShare } from "~/components/compliance-cells";
import { staffCategoryNames } from "~/modules/org/staff-categories.server";
import { staffCategoryName } from "~/modules/org/staff-category-names";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "이수 현황", "Compliance");

/**
 * The most units the table shows at once. A scope with more (a city's thousands) shows its top two
 * levels and each unit leads to the units under it (?under=), so the page stays one screenful of
 * work for the server and the officer whatever the size of the city.
 */
const MAX_ROWS = 500;

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, cycles, cycle } = await requireHrCycle(request);
  const params = new URL(request.url).searchParams;
  const purpose = await readViewPurpose(actor, params);
  const { asOf, asOfParam } = readAsOf(params);
  const underParam = params.get("under");
  const under = underParam && isUuid(underParam) ? underParam : null;
  const [view, categories] = cycle
    ? await Promise.all([unitComplianceView(actor, cycle.id, asOf, { under, maxRows: MAX_ROWS }), categoryCompliance(actor, cycle.id, asOf)])
    : [{ rows: [], extent: null }, []];
  const units = view.rows;
  const categoryNames = await staffCategoryNames();
  // Today's figures are the cycle's counts as of a moment (ADR 036); as of a date, that date.
  const countedAt = cycle && !asOf ? await countsAsOf(cycle.id) : null;
  if (cycle) {
    await recordReportView(actor, {
      report: "compliance",
      entityType: "cycle",
      entityId: cycle.id,
      purpose: purpose.purpose,
      note: purpose.note,
      accessId: purpose.accessId,
      data: { asOf: asOfParam, scope: actor.hrScopeUnitIds },
    });
  }
  return {
    cycles,
    cycle,
    units,
    extent: view.extent,
    // A unit outside the officer's scope shows nothing, as if it were not there.
    under: under ? (units[0] ?? null) : null,
    maxRows: MAX_ROWS,
    categories,
    categoryNames,
    countedAt,
    asOf: asOf ? asOfParam : null,
    hasScope: actor.hrScopeUnitIds.length > 0,
    purpose: purpose.purpose,
    purposeNote: purpose.note,
    accessId: purpose.accessId,
  };
}

/** The form's "show": the purpose is recorded, then the page is read with it (see purposeAction). */
export async function action({ request }: ActionFunctionArgs) {
  const { actor } = await requireHrCycle(request);
  return purposeAction(request, actor);
}

export default function Compliance() {
  const d = useLoaderData<typeof loader>();
  const refused = useActionData<{ purposeError: PurposeError; purpose: string; note: string }>();
  const busy = useNavigation().state === "submitting";
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  // Every row is rolled up over its subtree, so the total adds up the top rows only.
  const total = d.units.filter((u) => u.depth === 0).reduce(
    (acc, u) => ({
      assigned: acc.assigned + u.assigned,
      completed: acc.completed + u.completed,
      inPerson: acc.inPerson + u.inPerson,
      inProgress: acc.inProgress + u.inProgress,
      notStarted: acc.notStarted + u.notStarted,
      exempted: acc.exempted + u.exempted,
      overdue: acc.overdue + u.overdue,
    }),
    { assigned: 0, completed: 0, inPerson: 0, inProgress: 0, notStarted: 0, exempted: 0, overdue: 0 },
  );
  const totalRate = total.assigned - total.exempted > 0 ? Math.round((100 * total.completed) / (total.assigned - total.exempted)) : null;
  const carried = carriedViewQuery({ asOf: d.asOf, accessId: d.accessId });
  return (
    <>
      <h1>{t("hr.title")}</h1>
      <p className="lead">{t("hr.intro")}</p>
      {!d.hasScope ? <p className="alert">{t("hr.noScope")}</p> : null}
      {!d.cycle ? <p className="panel">{t("hr.noCycles")}</p> : (
        <>
          <Form method="post" className="form-grid">
            <div>
              <label htmlFor="cycle">{t("hr.cycle")}</label>
              <select id="cycle" name="cycle" defaultValue={d.cycle.id}>
                {d.cycles.map((c) => (
                  <option key={c.id} value={c.id}>{pick(locale, c.obligationTitleKo, c.obligationTitleEn)} · {c.label}</option>
                ))}
              </select>
            </div>
            <div>
              <label htmlFor="asOf">{t("hr.asOf")}</label>
              <input id="asOf" name="asOf" type="date" defaultValue={d.asOf ?? ""} aria-describedby="asOf-hint" />
              <p id="asOf-hint" className="meta">{t("hr.asOfHint")}</p>
            </div>
            <PurposeFields idPrefix="view" mode="view" defaultPurpose={refused?.purpose ?? d.purpose} defaultNote={refused?.note ?? d.purposeNote} error={refused?.purposeError} />
            <div className="form-actions">
              <button type="submit" className="primary" disabled={busy}>{t("hr.show")}</button>
            </div>
          </Form>
          <DownloadForm
            report="compliance"
            params={{ cycle: d.cycle.id, ...(d.asOf ? { asOf: d.asOf } : {}) }}
            formats={["csv", "xlsx"]}
            declared={d.accessId ? { accessId: d.accessId, purpose: d.purpose, note: d.purposeNote } : undefined}
            note={d.asOf ? t("download.asOfNote", { date: d.asOf }) : undefined}
          />
          <p><Link to={`/hr/hours${d.accessId ? `?access=${d.accessId}` : ""}`}>{t("hoursExport.title")}</Link></p>
          <p className="meta">
            {t("hr.dueOn", { date: formatDate(d.cycle.dueAt, locale) })}
            {d.cycle.graceDays > 0 ? ` · ${t("hr.grace", { count: d.cycle.graceDays })}` : ""} · {t("hr.overdueHint")}
            {d.countedAt ? <> · {t("hr.countedAt", { time: formatDate(d.countedAt, locale, true) })}</> : null}
          </p>
          <RateChart
            rows={d.units.filter((u) => u.depth <= 1 && u.assigned > 0).map((u) => ({ label: pick(locale, u.nameKo, u.nameEn), rate: u.ratePercent }))}
            caption={t("hr.chartCaption", { rate: totalRate ?? 0 })}
          />
          {d.under ? (
            <p>
              {t("hr.underUnit", { unit: pick(locale, d.under.nameKo, d.under.nameEn) })}{" "}
              <Link to={`/hr?cycle=${d.cycle.id}${carried}`}>{t("hr.wholeScope")}</Link>
            </p>
          ) : null}
          {d.extent?.topOnly ? <p className="meta">{t("hr.topOnly", { count: d.extent.units, max: d.maxRows })}</p> : null}
          <TableRegion labelledBy="compliance-caption" stickyFirst>
            <table>
              <caption id="compliance-caption">
                {pick(locale, d.cycle.obligationTitleKo, d.cycle.obligationTitleEn)} · {d.cycle.label}
                {d.asOf ? ` · ${t("hr.asOfCaption", { date: d.asOf })}` : ""} · {t("hr.rolledUp")}
              </caption>
              <thead>
                <tr>
                  <th scope="col">{t("hr.unit")}</th>
                  <CountHeaders />
                </tr>
              </thead>
              <tbody>
                {d.units.map((u) => {
                  const name = pick(locale, u.nameKo, u.nameEn);
                  const pending = u.assigned - u.completed - u.exempted;
                  return (
                    <tr key={u.unitId}>
                      <th scope="row" className={`indent-${Math.min(u.depth, 3)}`}>
                        {u.assigned > 0 ? (
                          <Link to={`/hr/units/${u.unitId}?cycle=${d.cycle!.id}${carried}`} aria-label={pending > 0 ? t("hr.drill", { unit: name }) : undefined}>{name}</Link>
                        ) : name}
                        {d.extent?.topOnly && u.depth > 0 && u.subUnits > 0 ? (
                          <>
                            {" "}
                            <Link className="meta" to={`/hr?cycle=${d.cycle!.id}&under=${u.unitId}${carried}`} aria-label={t("hr.subUnitsOf", { unit: name, count: u.subUnits })}>
                              {t("hr.subUnits", { count: u.subUnits })}
                            </Link>
                          </>
                        ) : null}
                      </th>
                      <CountCells counts={u} />
                    </tr>
                  );
                })}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">{t("hr.total")}</th>
                  <CountCells counts={{ ...total, ratePercent: totalRate }} />
                </tr>
              </tfoot>
            </table>
          </TableRegion>
          <h2>{t("hr.byCategory")}</h2>
          <TableRegion labelledBy="category-caption" stickyFirst>
            <table>
              <caption id="category-caption" className="visually-hidden">{t("hr.byCategory")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("hr.category")}</th>
                  <th scope="col">{t("hr.grade")}</th>
                  <th scope="col" className="num">{t("hr.assigned")}</th>
                  <th scope="col" className="num">{t("hr.completed")}</th>
                  <th scope="col" className="num">{t("hr.inPerson")}</th>
                  <th scope="col" className="num">{t("hr.exempted")}</th>
                  <th scope="col" className="num">{t("hr.rate")}</th>
                </tr>
              </thead>
              <tbody>
                {d.categories.map((c) => (
                  <tr key={`${c.staffCategory}-${c.grade}`}>
                    <th scope="row">{staffCategoryName(d.categoryNames, c.staffCategory, locale)}</th>
                    <td>{c.grade ?? "—"}</td>
                    <td className="num">{c.assigned}</td>
                    <td className="num">{c.completed}</td>
                    <td className="num">{inPersonShare(c.inPerson, c.completed)}</td>
                    <td className="num">{c.exempted}</td>
                    <td className="num">{c.ratePercent === null ? "—" : `${c.ratePercent}%`}</td>
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
