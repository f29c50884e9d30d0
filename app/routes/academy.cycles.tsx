import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import {
  cancelScheduled,
  cycleHistory,
  getCycle,
  isCycleAction,
  listScheduled,
  listYear,
  planYear,
  previewCycle,
  scheduleAction,
  takeAction,
  unitByCode,
  workInFlight,
  type ActionInput,
  type CycleAction,
  type PreviewRow,
} from "~/modules/obligations/cycle-admin.server";
import { CycleActionError } from "~/modules/obligations/cycles.server";
import { formatDate, pick, seoulDateKey, seoulYear, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { now } from "~/utils/clock.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";
import { TextAreaField, TextField } from "~/components/text-field";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "의무교육 주기 관리", "Obligation cycles");

const INTENT = { plan: "plan", act: "act", cancel: "cancel" } as const;
const DONE = ["open", "close", "extend", "reopen", "scheduled", "cancelled", "planned"] as const;

function yearFrom(value: string | null): number {
  const y = Number(value);
  const current = seoulYear(now());
  return Number.isInteger(y) && y >= 2000 && y <= current + 5 ? y : current;
}

function page(year: number, extra: Record<string, string> = {}) {
  return `/academy/cycles?${new URLSearchParams({ year: String(year), ...extra }).toString()}`;
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const url = new URL(request.url);
  const year = yearFrom(url.searchParams.get("year"));
  const done = url.searchParams.get("done");
  const selected = await getCycle(url.searchParams.get("cycle") ?? "");
  const doParam = url.searchParams.get("do");
  const action = selected && isCycleAction(doParam) ? doParam : null;
  const preview = selected && action === "open" ? await previewCycle(selected.id) : null;
  const inFlight = selected && action === "close" ? await workInFlight(selected.id) : null;
  const [obligations, scheduled] = await Promise.all([listYear(year), listScheduled(year)]);
  const labels = new Map(obligations.flatMap((o) => o.cycles.map((c) => [c.id, `${pick("ko", o.titleKo, o.titleEn)}|${o.titleEn}|${c.label}`] as const)));
  const history = (await cycleHistory([...labels.keys()])).map((e) => {
    const [ko, en, label] = (labels.get(e.entityId ?? "") ?? "||").split("|");
    return { id: e.id, action: e.action, at: e.createdAt, reason: e.reason, actor: e.actor, data: e.data as Record<string, unknown> | null, cycleKo: `${ko} ${label}`, cycleEn: `${en} ${label}` };
  });
  return {
    year,
    today: seoulDateKey(now()),
    obligations,
    history,
    scheduled: scheduled.map((s) => ({
      id: s.id,
      action: s.action,
      runOn: s.runOn.toISOString().slice(0, 10),
      newDueOn: s.newDueOn,
      unit: s.unit,
      reason: s.reason,
      cycleLabel: s.cycle.label,
      obligationKo: s.cycle.obligation.titleKo,
      obligationEn: s.cycle.obligation.titleEn,
      state: s.cancelledAt ? "cancelled" : s.doneAt ? (s.failed ? "failed" : "done") : "waiting",
      outcome: s.outcome as { count?: number; error?: string; params?: Record<string, string | number> } | null,
    })),
    selected: selected
      ? {
          id: selected.id,
          label: selected.label,
          status: selected.status,
          endsOn: selected.endsOn.toISOString().slice(0, 10),
          dueOn: seoulDateKey(selected.dueAt),
          obligationKo: selected.obligation.titleKo,
          obligationEn: selected.obligation.titleEn,
        }
      : null,
    action,
    preview,
    inFlight,
    done: DONE.find((d) => d === done) ?? null,
    count: Number(url.searchParams.get("n") ?? 0) || 0,
    labels: url.searchParams.get("labels") ?? "",
  };
}

type ActionData = { formError: string; fieldErrors?: Record<string, string> };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await request.formData();
  const field = (name: string) => String(form.get(name) ?? "");
  const year = yearFrom(field("year"));
  const refuse = (e: unknown) => {
    if (e instanceof CycleActionError) {
      const message = t(`cycles.error.${e.code}`, e.params);
      const fieldOf: Record<string, string> = { reasonRequired: "reason", badDate: "dueOn", pastPeriod: "dueOn", notLater: "dueOn", unitNotFound: "unitCode", badRunOn: "runOn", runOnPast: "runOn", inProgress: "closeInFlight" };
      const f = fieldOf[e.code];
      return Response.json({ formError: message, fieldErrors: f ? { [f]: message } : undefined } satisfies ActionData, { status: 400 });
    }
    throw e;
  };
  const intent = field("intent");
  if (intent === INTENT.plan) {
    try {
      const labels = await planYear(field("obligation"), year, actor.userId);
      return redirect(page(year, { done: "planned", labels: labels.join(", ") }));
    } catch (e) {
      return refuse(e);
    }
  }
  if (intent === INTENT.cancel) {
    if (!(await cancelScheduled(field("scheduledId"), actor.userId))) {
      return Response.json({ formError: t("cycles.error.cancelGone") } satisfies ActionData, { status: 409 });
    }
    return redirect(page(year, { done: "cancelled" }));
  }
  if (intent !== INTENT.act) return Response.json({ formError: t("cycles.error.invalid") } satisfies ActionData, { status: 400 });
  const which = field("action");
  const cycle = await getCycle(field("cycleId"));
  if (!cycle || !isCycleAction(which)) return Response.json({ formError: t("cycles.error.notFound") } satisfies ActionData, { status: 404 });
  try {
    const input: ActionInput = { action: which, closeInFlight: form.get("closeInFlight") === "on", reason: field("reason") };
    if (which === "extend") {
      const code = field("unitCode").trim();
      const unit = code ? await unitByCode(code) : null;
      if (code && !unit) throw new CycleActionError("unitNotFound");
      input.extension = { dueOn: field("dueOn"), unitId: unit?.id ?? null, reason: field("reason") };
    }
    if (field("when") === "later") {
      await scheduleAction(cycle.id, input, field("runOn"), actor.userId);
      return redirect(page(year, { done: "scheduled" }));
    }
    const count = await takeAction(cycle.id, input, actor.userId);
    return redirect(page(year, { cycle: cycle.id, done: which, n: String(count) }));
  } catch (e) {
    return refuse(e);
  }
}

const ACTIONS_FOR: Record<string, CycleAction[]> = { PLANNED: ["open", "extend"], OPEN: ["extend", "close"], CLOSED: ["reopen"] };

export default function AcademyCycles() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  const err = (f: string) => result?.fieldErrors?.[f];
  return (
    <>
      <h1>{t("cycles.title")}</h1>
      <p className="lead">{t("cycles.intro")}</p>
      {d.done ? (
        <p className="success" role="status">
          {d.done === "planned" ? t("cycles.planned", { labels: d.labels }) : t(`cycles.done.${d.done}`, { count: d.count })}
        </p>
      ) : null}
      <FormAlert result={result} />

      <Form method="get" className="inline">
        <label htmlFor="year">{t("cycles.year")}</label> <input id="year" name="year" type="number" min={2000} defaultValue={d.year} inputMode="numeric" />{" "}
        <button type="submit" className="secondary">{t("cycles.show")}</button>
      </Form>

      {d.selected && d.action ? (
        <section className="panel stack" aria-labelledby="confirm-heading">
          <h2 id="confirm-heading">{t(`cycles.confirmTitle.${d.action}`)}</h2>
          <p>
            <strong>{pick(locale, d.selected.obligationKo, d.selected.obligationEn)}</strong> · {d.selected.label} · {t(`cycles.status.${d.selected.status}`)} ·{" "}
            {t("cycles.cols.due")} {d.selected.dueOn}
          </p>
          <p>{t(`cycles.confirmIntro.${d.action}`, { end: d.selected.endsOn })}</p>
          {d.preview ? <Preview preview={d.preview} /> : null}
          {d.inFlight ? <p>{t("cycles.inFlight", d.inFlight)}</p> : null}
          <Form method="post" className="stack" noValidate>
            <input type="hidden" name="intent" value={INTENT.act} />
            <input type="hidden" name="action" value={d.action} />
            <input type="hidden" name="cycleId" value={d.selected.id} />
            <input type="hidden" name="year" value={d.year} />
            {d.action === "extend" ? (
              <>
                <TextField name="dueOn" type="date" label={t("cycles.dueOn")} error={err("dueOn")} max={d.selected.endsOn} required />
                <TextField name="unitCode" label={t("cycles.unitCode")} hint={t("cycles.unitCodeHint")} error={err("unitCode")} autoComplete="off" />
              </>
            ) : null}
            {d.action === "extend" || d.action === "reopen" ? (
              <TextAreaField name="reason" label={t("cycles.reason")} error={err("reason")} rows={3} maxLength={1000} required />
            ) : null}
            {d.action === "close" && d.inFlight && d.inFlight.inProgress > 0 ? (
              <label className="option">
                <input type="checkbox" name="closeInFlight" aria-invalid={err("closeInFlight") ? true : undefined} />
                <span>{t("cycles.closeInFlight")}</span>
              </label>
            ) : null}
            <fieldset className="choices">
              <legend>{t("cycles.when")}</legend>
              <label className="option">
                <input type="radio" name="when" value="now" defaultChecked />
                <span>{t("cycles.now")}</span>
              </label>
              <label className="option">
                <input type="radio" name="when" value="later" />
                <span>{t("cycles.later")}</span>
              </label>
            </fieldset>
            <TextField name="runOn" type="date" label={t("cycles.runOn")} error={err("runOn")} min={d.today} />
            <div className="actions">
              <button type="submit" className="primary" disabled={busy}>{t(`cycles.confirm.${d.action}`)}</button>{" "}
              <Link to={`/academy/cycles?year=${d.year}`}>{t("cycles.back")}</Link>
            </div>
          </Form>
        </section>
      ) : null}

      {d.obligations.map((o) => {
        const title = pick(locale, o.titleKo, o.titleEn);
        const captionId = `cycles-${o.id}`;
        return (
          <section key={o.id} aria-labelledby={`${captionId}-h`}>
            <h2 id={`${captionId}-h`}>{title}</h2>
            {o.unitsNotInChart.length > 0 ? (
              <p className="alert" role="note">{t("cycles.unitsNotInChart", { codes: o.unitsNotInChart.join(", ") })}</p>
            ) : null}
            {o.cycles.length === 0 ? <p>{t("cycles.noCycles")}</p> : (
              <TableRegion labelledBy={captionId}>
                <table>
                  <caption id={captionId}>{t("cycles.caption", { title, year: d.year })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("cycles.cols.cycle")}</th>
                      <th scope="col">{t("cycles.cols.window")}</th>
                      <th scope="col">{t("cycles.cols.due")}</th>
                      <th scope="col">{t("cycles.cols.status")}</th>
                      <th scope="col" className="num">{t("cycles.cols.assigned")}</th>
                      <th scope="col" className="num">{t("cycles.cols.inProgress")}</th>
                      <th scope="col" className="num">{t("cycles.cols.completed")}</th>
                      <th scope="col">{t("cycles.cols.actions")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {o.cycles.map((c) => (
                      <tr key={c.id}>
                        <th scope="row">{c.label}</th>
                        <td>{formatDate(c.startsOn, locale)} – {formatDate(c.endsOn, locale)}</td>
                        <td>
                          {o.joiningWithinDays !== null
                            ? t("cycles.dueOnJoining", { days: o.joiningWithinDays, date: formatDate(c.dueAt, locale) })
                            : formatDate(c.dueAt, locale)}
                        </td>
                        <td>{t(`cycles.status.${c.status}`)}</td>
                        <td className="num">{c.assigned}</td>
                        <td className="num">{c.inProgress}</td>
                        <td className="num">{c.completed}</td>
                        <td>
                          <ul className="row-actions">
                            {(ACTIONS_FOR[c.status] ?? []).map((a) => (
                              <li key={a}>
                                <Link to={`/academy/cycles?${new URLSearchParams({ year: String(d.year), cycle: c.id, do: a }).toString()}`} aria-label={t("cycles.actionLabel", { cycle: c.label, action: t(`cycles.actionName.${a}`) })}>
                                  {t(`cycles.actionLink.${a}`)}
                                </Link>
                              </li>
                            ))}
                          </ul>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableRegion>
            )}
            {o.missingPeriods.length > 0 ? (
              <Form method="post">
                <input type="hidden" name="intent" value={INTENT.plan} />
                <input type="hidden" name="obligation" value={o.code} />
                <input type="hidden" name="year" value={d.year} />
                <button type="submit" className="secondary" disabled={busy}>{t("cycles.plan", { year: d.year })}</button>
              </Form>
            ) : null}
          </section>
        );
      })}

      <h2 id="scheduled-heading">{t("cycles.scheduledTitle")}</h2>
      {d.scheduled.length === 0 ? <p className="panel">{t("cycles.noScheduled")}</p> : (
        <TableRegion labelledBy="scheduled-caption">
          <table>
            <caption id="scheduled-caption">{t("cycles.scheduledCaption", { year: d.year })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("cycles.scheduledCols.cycle")}</th>
                <th scope="col">{t("cycles.scheduledCols.action")}</th>
                <th scope="col">{t("cycles.scheduledCols.runOn")}</th>
                <th scope="col">{t("cycles.scheduledCols.details")}</th>
                <th scope="col">{t("cycles.scheduledCols.state")}</th>
                <th scope="col">{t("cycles.scheduledCols.cancel")}</th>
              </tr>
            </thead>
            <tbody>
              {d.scheduled.map((s) => {
                const cycle = `${pick(locale, s.obligationKo, s.obligationEn)} ${s.cycleLabel}`;
                const actionName = t(`cycles.actionName.${s.action}`);
                return (
                  <tr key={s.id}>
                    <th scope="row">{cycle}</th>
                    <td>{actionName}</td>
                    <td>{s.runOn}</td>
                    <td>
                      {[s.newDueOn, s.unit ? `${pick(locale, s.unit.nameKo, s.unit.nameEn)} (${s.unit.code})` : null, s.reason].filter(Boolean).join(" · ") || "—"}
                      {s.outcome?.error ? <p className="field-error">{t(`cycles.error.${s.outcome.error}`, s.outcome.params ?? {})}</p> : null}
                    </td>
                    <td>{t(`cycles.scheduledState.${s.state}`)}</td>
                    <td>
                      {s.state === "waiting" ? (
                        <Form method="post" className="inline">
                          <input type="hidden" name="intent" value={INTENT.cancel} />
                          <input type="hidden" name="scheduledId" value={s.id} />
                          <input type="hidden" name="year" value={d.year} />
                          <button type="submit" className="secondary" aria-label={t("cycles.cancelLabel", { cycle, action: actionName })} disabled={busy}>{t("cycles.cancel")}</button>
                        </Form>
                      ) : "—"}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableRegion>
      )}

      <h2>{t("cycles.historyTitle")}</h2>
      {d.history.length === 0 ? <p className="panel">{t("cycles.noHistory")}</p> : (
        <TableRegion labelledBy="history-caption">
          <table>
            <caption id="history-caption">{t("cycles.historyCaption", { year: d.year })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("cycles.historyCols.at")}</th>
                <th scope="col">{t("cycles.historyCols.cycle")}</th>
                <th scope="col">{t("cycles.historyCols.event")}</th>
                <th scope="col">{t("cycles.historyCols.details")}</th>
                <th scope="col">{t("cycles.historyCols.reason")}</th>
                <th scope="col">{t("cycles.historyCols.actor")}</th>
              </tr>
            </thead>
            <tbody>
              {d.history.map((e) => (
                <tr key={e.id}>
                  <td>{formatDate(e.at, locale, true)}</td>
                  <th scope="row">{pick(locale, e.cycleKo, e.cycleEn)}</th>
                  <td>{t(`cycles.event.${e.action.replace(/\./g, "_")}`, { defaultValue: e.action })}</td>
                  <td>{detailsOf(e.data, t)}</td>
                  <td>{e.reason ?? "—"}</td>
                  <td>{e.actor || "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
    </>
  );
}

/** The facts an audit event keeps, as short text: dates, unit code, counts. */
function detailsOf(data: Record<string, unknown> | null, t: (key: string) => string): string {
  if (!data) return "—";
  const parts = ["from", "to", "unitCode", "changed", "assigned", "inProgress", "action", "runOn"]
    .filter((k) => data[k] !== undefined && data[k] !== null)
    .map((k) => (k === "from" || k === "to" ? String(data[k]) : `${t(`cycles.detail.${k}`)}: ${k === "action" ? t(`cycles.detailAction.${String(data[k])}`) : String(data[k])}`));
  return parts.length ? parts.join(" · ").replace(/^(\d{4}-\d{2}-\d{2}) · (\d{4}-\d{2}-\d{2})/, "$1 → $2") : "—";
}

function Preview({ preview }: { preview: { total: PreviewRow; byUnit: PreviewRow[]; byCategory: PreviewRow[]; byCourse: PreviewRow[]; previousLabel: string | null } }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const tot = preview.total;
  const groups = [
    { key: "unit", rows: preview.byUnit, name: (r: PreviewRow) => pick(locale, r.nameKo, r.nameEn) },
    { key: "category", rows: preview.byCategory, name: (r: PreviewRow) => pick(locale, r.nameKo, r.nameEn) },
    { key: "course", rows: preview.byCourse, name: (r: PreviewRow) => pick(locale, r.nameKo, r.nameEn) },
  ] as const;
  return (
    <div className="stack">
      <h3>{t("cycles.previewTitle")}</h3>
      <p>
        {preview.previousLabel
          ? t("cycles.previewTotal", { people: tot.people, fresh: tot.newSincePrevious, already: tot.alreadyAssigned, previous: preview.previousLabel })
          : t("cycles.previewTotalNoPrevious", { people: tot.people, already: tot.alreadyAssigned })}
      </p>
      {groups.map((g) => (
        <TableRegion key={g.key} labelledBy={`preview-${g.key}`}>
          <table>
            <caption id={`preview-${g.key}`}>{t(`cycles.previewBy.${g.key}`)}</caption>
            <thead>
              <tr>
                <th scope="col">{t("cycles.previewCols.name")}</th>
                <th scope="col" className="num">{t("cycles.previewCols.people")}</th>
                <th scope="col" className="num">{t("cycles.previewCols.fresh")}</th>
                <th scope="col" className="num">{t("cycles.previewCols.already")}</th>
              </tr>
            </thead>
            <tbody>
              {g.rows.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{g.name(r)}</th>
                  <td className="num">{r.people}</td>
                  <td className="num">{r.newSincePrevious}</td>
                  <td className="num">{r.alreadyAssigned}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ))}
    </div>
  );
}
