import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { pageTitle } from "~/utils/meta";
import { requireActor } from "~/modules/auth/permissions.server";
import { unitCompliance, unitPeople } from "~/modules/compliance/compliance.server";
import { chosenCycle } from "~/modules/compliance/guard.server";
import { headedUnit, headReader } from "~/modules/org/heads.server";
import { recordReportView } from "~/modules/audit/access.server";
import { notFound } from "~/utils/http.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { isUuid } from "~/utils/ids";
import { TableRegion } from "~/components/table-region";
import { CountCells, CountHeaders, ProgressCells } from "~/components/compliance-cells";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "우리 부서 이수 현황", "My unit's progress");

/**
 * A head of unit's own unit: its numbers and those of the units under it,
 * and the people of one of them (?unit=, within the subtree) with their
 * progress. Read-only; viewing names is logged like any report view.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const headed = await headedUnit(actor);
  if (!headed) notFound();
  const reader = headReader(actor, headed);
  const search = new URL(request.url).searchParams;
  const { cycles, cycle } = await chosenCycle(request, [headed]);
  if (!cycle) return { cycles, cycle: null, units: [], people: [], unitId: headed };
  const unitParam = search.get("unit");
  const unitId = unitParam && isUuid(unitParam) ? unitParam : headed;
  const [units, people] = await Promise.all([unitCompliance(reader, cycle.id), unitPeople(reader, unitId, cycle.id, "all")]);
  // A unit outside the head's own subtree does not exist for them.
  if (!people) notFound();
  await recordReportView(actor, { report: "team", entityType: "cycle", entityId: cycle.id, purpose: null, data: { unitId } });
  return { cycles, cycle, units, people, unitId };
}

export default function Team() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const shown = d.units.find((u) => u.unitId === d.unitId);
  const shownName = shown ? pick(locale, shown.nameKo, shown.nameEn) : "";
  return (
    <>
      <h1>{t("team.title")}</h1>
      <p className="lead">{t("team.intro")}</p>
      {!d.cycle ? <p className="panel">{t("hr.noCycles")}</p> : (
        <>
          <Form method="get" className="form-grid">
            <div>
              <label htmlFor="cycle">{t("hr.cycle")}</label>
              <select id="cycle" name="cycle" defaultValue={d.cycle.id}>
                {d.cycles.map((c) => (
                  <option key={c.id} value={c.id}>{pick(locale, c.obligationTitleKo, c.obligationTitleEn)} · {c.label}</option>
                ))}
              </select>
            </div>
            <div className="form-actions">
              <button type="submit" className="primary">{t("hr.show")}</button>
            </div>
          </Form>
          <p className="meta">{t("hr.dueOn", { date: formatDate(d.cycle.dueAt, locale) })}</p>
          <TableRegion labelledBy="team-units" stickyFirst>
            <table>
              <caption id="team-units">{pick(locale, d.cycle.obligationTitleKo, d.cycle.obligationTitleEn)} · {d.cycle.label} · {t("hr.rolledUp")}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("hr.unit")}</th>
                  <CountHeaders />
                </tr>
              </thead>
              <tbody>
                {d.units.map((u) => {
                  const name = pick(locale, u.nameKo, u.nameEn);
                  return (
                    <tr key={u.unitId}>
                      <th scope="row" className={`indent-${Math.min(u.depth, 3)}`}>
                        {u.unitId === d.unitId ? <strong aria-current="true">{name}</strong> : <Link to={`/team?cycle=${d.cycle!.id}&unit=${u.unitId}`}>{name}</Link>}
                      </th>
                      <CountCells counts={u} />
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableRegion>
          <h2 id="team-people">{t("hr.peopleTitle", { unit: shownName })}</h2>
          {d.people.length === 0 ? <p className="panel">{t("hr.nobody")}</p> : (
            <TableRegion labelledBy="team-people">
              <table>
                <thead>
                  <tr>
                    <th scope="col">{t("hr.name")}</th>
                    <th scope="col">{t("hr.status")}</th>
                    <th scope="col" className="num">{t("hr.lessons")}</th>
                    <th scope="col">{t("hr.due")}</th>
                    <th scope="col">{t("hr.completedAt")}</th>
                  </tr>
                </thead>
                <tbody>
                  {d.people.map((p) => (
                    <tr key={p.personId}>
                      <th scope="row" className="nowrap">{p.name}</th>
                      <ProgressCells p={p} />
                    </tr>
                  ))}
                </tbody>
              </table>
            </TableRegion>
          )}
          <p className="meta">{t("team.readOnly")}</p>
        </>
      )}
    </>
  );
}
