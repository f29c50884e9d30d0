import { Fragment } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import type { PurposeError } from "~/modules/audit/purpose";
import { useTranslation } from "react-i18next";
import { DownloadForm } from "~/components/download-form";
import { PurposeFields } from "~/components/purpose-fields";
import { purposeAction, readViewPurpose, recordReportView } from "~/modules/audit/access.server";
import { requireRole } from "~/modules/auth/permissions.server";
import { oversightReturn, oversightYears, reportScopeRoots, type Counts } from "~/modules/reporting/oversight.server";
import { COUNT_COLUMNS, cycleFacts, institutionName, percent, periodLabel, rankLabel } from "~/modules/reporting/oversight-labels";
import { notFound } from "~/utils/http.server";
import { formatDate, pick, seoulYear, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { now } from "~/utils/clock.server";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "감독기관 제출용 이수 현황", "Oversight return");


export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const params = new URL(request.url).searchParams;
  const purpose = await readViewPurpose(actor, params);
  const years = await oversightYears();
  const wanted = params.get("year");
  if (wanted && !years.includes(Number(wanted))) notFound();
  // The default return is this year's in Seoul, if it has cycles.
  const thisYear = seoulYear(now());
  const year = wanted ? Number(wanted) : years.includes(thisYear) ? thisYear : years[0];
  const roots = await reportScopeRoots(actor);
  if (year === undefined) return { years, year: null, ret: null, hasScope: roots.length > 0, purpose: purpose.purpose, purposeNote: purpose.note, accessId: purpose.accessId };
  const ret = await oversightReturn(actor, year, roots);
  await recordReportView(actor, {
    report: "oversight",
    entityType: "oversight_year",
    entityId: String(year),
    purpose: purpose.purpose,
    note: purpose.note,
    accessId: purpose.accessId,
    data: { year, scope: roots },
  });
  return { years, year, ret, hasScope: roots.length > 0, purpose: purpose.purpose, purposeNote: purpose.note, accessId: purpose.accessId };
}

/** The form's "show": the purpose is recorded, then the page is read with it (see purposeAction). */
export async function action({ request }: ActionFunctionArgs) {
  return purposeAction(request, await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN"));
}

function CountCells({ c, locale }: { c: Counts; locale: AppLocale }) {
  return (
    <>
      <td className="num">{c.assigned}</td>
      <td className="num">{c.exempted}</td>
      <td className="num">{c.completed}</td>
      <td className="num">{percent(c.ratePercent, locale)}</td>
      <td className="num">{c.inPerson}</td>
      <td className="num">{percent(c.inPersonSharePercent, locale)}</td>
    </>
  );
}

export default function OversightReturnPage() {
  const d = useLoaderData<typeof loader>();
  const refused = useActionData<{ purposeError: PurposeError; purpose: string; note: string }>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <>
      <h1 className="no-print">{t("oversight.title")}</h1>
      <p className="lead no-print">{t("oversight.intro")}</p>
      {!d.hasScope ? <p className="alert">{t("oversight.noInstitutions")}</p> : null}
      {d.year === null || !d.ret ? (
        <p className="panel">{t("oversight.noYears")}</p>
      ) : (
        <>
          <Form method="post" className="form-grid no-print">
            <div>
              <label htmlFor="year">{t("oversight.year")}</label>
              <select id="year" name="year" defaultValue={d.year}>
                {d.years.map((y) => (
                  <option key={y} value={y}>{y}</option>
                ))}
              </select>
            </div>
            <PurposeFields idPrefix="view" mode="view" defaultPurpose={refused?.purpose ?? d.purpose} defaultNote={refused?.note ?? d.purposeNote} error={refused?.purposeError} />
            <div className="form-actions">
              <button type="submit" className="primary">{t("oversight.show")}</button>
              <button type="button" className="button secondary" onClick={() => window.print()} aria-describedby="print-hint">
                {t("oversight.print")}
              </button>
              <p id="print-hint" className="meta">{t("oversight.printHint")}</p>
            </div>
          </Form>
          <DownloadForm
            report="oversight"
            params={{ year: String(d.year) }}
            formats={["xlsx", "pdf"]}
            declared={d.accessId ? { accessId: d.accessId, purpose: d.purpose, note: d.purposeNote } : undefined}
          />
          <p className="meta no-print">{t("oversight.basis")}</p>
          {d.ret.institutions.map((inst) => {
            const name = institutionName(locale, inst);
            const headingId = `inst-${inst.unitId}`;
            return (
              <section key={inst.unitId} className="oversight-institution" aria-labelledby={headingId}>
                <p className="print-only return-title">{t("oversight.fileTitle", { year: d.ret!.year })}</p>
                <h2 id={headingId}>
                  {name} <span className="meta">({t(`oversight.kind.${inst.kind}`)} · {inst.code})</span>
                </h2>
                <dl className="facts">
                  <dt>{t("oversight.year")}</dt>
                  <dd>{d.ret!.year}</dd>
                  <dt>{t("oversight.asOf")}</dt>
                  <dd>{formatDate(d.ret!.asOf, locale, true)}</dd>
                  <dt>{t("oversight.preparedBy")}</dt>
                  <dd>{d.ret!.preparedBy.name} ({d.ret!.preparedBy.email})</dd>
                </dl>
                {inst.cycles.length === 0 ? <p>{t("oversight.nothingAssigned")}</p> : null}
                {inst.cycles.map((c) => {
                  const obligation = pick(locale, c.obligationTitleKo, c.obligationTitleEn);
                  const period = periodLabel(t, locale, c);
                  return (
                    <div key={c.cycleId} className="return-cycle">
                      <h3>{obligation}</h3>
                      <dl className="facts">
                        {cycleFacts(t, locale, c).map(([label, value]) => (
                          <Fragment key={label}>
                            <dt>{label}</dt>
                            <dd>{value}</dd>
                          </Fragment>
                        ))}
                      </dl>
                      <TableRegion label={`${obligation} · ${period}`} stickyFirst>
                        <table className="return-table">
                          <caption>{t("oversight.caption", { institution: name, obligation, period: t(`oversight.period.${c.period || "ANNUAL"}`, { year: d.ret!.year }) })}</caption>
                          <thead>
                            <tr>
                              <th scope="col">{t("oversight.rank")}</th>
                              {COUNT_COLUMNS.map((col) => (
                                <th key={col} scope="col" className="num">{t(`oversight.col.${col}`)}</th>
                              ))}
                            </tr>
                          </thead>
                          <tbody>
                            {c.rows.map((r) => (
                              <tr key={`${r.staffCategory}-${r.grade}-${r.subtotal}`} className={r.subtotal ? "subtotal" : undefined}>
                                <th scope="row">{rankLabel(t, locale, r)}</th>
                                <CountCells c={r} locale={locale} />
                              </tr>
                            ))}
                          </tbody>
                          <tfoot>
                            <tr>
                              <th scope="row">{t("oversight.total")}</th>
                              <CountCells c={c.total} locale={locale} />
                            </tr>
                          </tfoot>
                        </table>
                      </TableRegion>
                    </div>
                  );
                })}
              </section>
            );
          })}
        </>
      )}
    </>
  );
}
