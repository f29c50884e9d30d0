import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { unitPeople } from "~/modules/compliance/compliance.server";
import { readAsOf, requireHrCycle } from "~/modules/compliance/guard.server";
import { getOrgUnit, unitIsInScope } from "~/modules/org/org.server";
import { MAX_PICKED, remindNow, type HrReminderOutcome } from "~/modules/notifications/hr-reminders.server";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { requestTranslator } from "~/utils/locale.server";
import { getEnv } from "~/utils/env.server";
import { readViewPurpose, recordReportView } from "~/modules/audit/access.server";
import { carriedViewQuery } from "~/modules/audit/purpose";
import { notFound } from "~/utils/http.server";
import { pick, type AppLocale } from "~/utils/i18n";
import { isUuid } from "~/utils/ids";
import { TableRegion } from "~/components/table-region";
import { ProgressCells } from "~/components/compliance-cells";
import { staffCategoryNames } from "~/modules/org/staff-categories.server";
import { staffCategoryName } from "~/modules/org/staff-category-names";

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
  // Reminders go to people of an open cycle as it stands today, not to a view of the past.
  const canRemind = cycle.status === "OPEN" && asOf === null;
  const categoryNames = await staffCategoryNames();
  return { unit, cycle, people, categoryNames, filter, asOf: asOfParam, purposeQuery, canRemind, minDays: getEnv().HR_REMINDER_MIN_DAYS };
}

type ActionData = { outcome?: HrReminderOutcome; formError?: string };

/** Remind the people picked, or everyone of the unit not done, now (hr-reminders.server.ts). */
export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, cycle } = await requireHrCycle(request);
  if (!cycle || !isUuid(params.unitId!)) notFound();
  // Outside the officer's units the unit does not exist for them.
  if (!(await unitIsInScope(actor.hrScopeUnitIds, params.unitId!))) notFound();
  const { t } = requestTranslator(request, actor.user.locale);
  if (cycle.status !== "OPEN") return Response.json({ formError: t("hr.remind.closed") } satisfies ActionData, { status: 409 });
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === "remind-pending") {
    return Response.json({ outcome: await remindNow(actor, cycle.id, params.unitId!, { kind: "pending" }) } satisfies ActionData);
  }
  if (intent !== "remind-picked") return Response.json({ formError: t("hr.remind.unknown") } satisfies ActionData, { status: 400 });
  const picked = form.getAll("assignmentId").filter((v): v is string => typeof v === "string" && isUuid(v));
  if (picked.length === 0) return Response.json({ formError: t("hr.remind.noneSelected") } satisfies ActionData, { status: 400 });
  if (picked.length > MAX_PICKED) return Response.json({ formError: t("hr.remind.tooMany", { max: MAX_PICKED }) } satisfies ActionData, { status: 400 });
  return Response.json({ outcome: await remindNow(actor, cycle.id, params.unitId!, { kind: "picked", assignmentIds: picked }) } satisfies ActionData);
}

function outcomeMessage(o: HrReminderOutcome, minDays: number, t: (k: string, v?: Record<string, unknown>) => string): string {
  const parts = [t("hr.remind.queued", { count: o.queued })];
  if (o.finished > 0) parts.push(t("hr.remind.finished", { count: o.finished }));
  if (o.recent > 0) parts.push(t("hr.remind.recent", { count: o.recent, days: minDays }));
  if (o.unknown > 0) parts.push(t("hr.remind.gone", { count: o.unknown }));
  return parts.join(" ");
}

export default function UnitPeople() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const name = d.unit ? pick(locale, d.unit.nameKo, d.unit.nameEn) : "";
  const base = `/hr/units/${d.unit?.id}?cycle=${d.cycle.id}${d.purposeQuery}`;
  const result = useActionData<ActionData>();
  const busy = useNavigation().state === "submitting";
  const open = (status: string) => status === "ASSIGNED" || status === "IN_PROGRESS";
  const anyOpen = d.canRemind && d.people.some((p) => open(p.status));
  const table = (
    <TableRegion labelledBy="people-caption">
          <table>
            <caption id="people-caption">{t("hr.peopleTitle", { unit: name })}</caption>
            <thead>
              <tr>
                {anyOpen ? <th scope="col">{t("hr.remind.pick")}</th> : null}
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
                  {anyOpen ? (
                    <td>
                      {open(p.status) ? (
                        <input type="checkbox" name="assignmentId" value={p.assignmentId} id={`pick-${p.assignmentId}`} aria-label={t("hr.remind.pickPerson", { name: p.name })} />
                      ) : null}
                    </td>
                  ) : null}
                  <td>{p.employeeNo ?? "—"}</td>
                  <th scope="row" className="nowrap"><Link to={`/hr/assignments/${p.assignmentId}`}>{p.name}</Link></th>
                  <td>{staffCategoryName(d.categoryNames, p.staffCategory, locale)}</td>
                  <td>{p.grade ?? "—"}</td>
                  <ProgressCells p={p} />
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
  );
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
      <FormAlert result={result} />
      <FormStatus message={result?.outcome ? outcomeMessage(result.outcome, d.minDays, t) : null} />
      {d.people.length === 0 ? (
        <p className="panel">{t("hr.nobody")}</p>
      ) : anyOpen ? (
        <Form method="post" aria-labelledby="remind-title">
          <h2 id="remind-title" className="visually-hidden">{t("hr.remind.title")}</h2>
          <p className="meta">{t("hr.remind.help", { days: d.minDays })}</p>
          {table}
          <div className="actions">
            <button type="submit" name="intent" value="remind-picked" className="primary" disabled={busy}>{t("hr.remind.picked")}</button>
            <button type="submit" name="intent" value="remind-pending" className="secondary" disabled={busy}>{t("hr.remind.pending")}</button>
          </div>
        </Form>
      ) : (
        table
      )}
    </>
  );
}
