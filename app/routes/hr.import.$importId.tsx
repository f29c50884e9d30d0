import { useEffect } from "react";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useRevalidator } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { FormAlert } from "~/components/form-alert";
import { TextField } from "~/components/text-field";
import { requireRole } from "~/modules/auth/permissions.server";
import { getImport, getImportView, importErrorCode, ImportError, leaversPage, recheckImport, submitApply, type ImportSummary } from "~/modules/personnel/import.server";
import { badRequest, notFound } from "~/utils/http.server";
import { formatDate, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";
import { isChartImport, isChartSummary, recheckChart, submitChartApply, type ChartSummary } from "~/modules/org/chart-file.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "인사 자료 점검 결과", "Personnel import check");

/** How often the page asks again while the worker checks or applies the file. */
const REFRESH_MS = 1500;

type ActionData = { formError: string; confirmError?: string };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const saved = await getImportView(actor, params.importId!);
  if (!saved) notFound();
  // While the worker is still checking there is nothing to show yet.
  const pending = saved.status === "CHECKING" || saved.status === "FAILED";
  // A unit file (ADR 024) goes through the same page with its own summary.
  const chart = saved.kind === "ORG_CHART" && !pending && isChartSummary(saved.summary) ? (saved.summary as unknown as ChartSummary) : null;
  const summary = pending || saved.kind === "ORG_CHART" ? null : (saved.summary as unknown as ImportSummary);
  // The full summary stays on the server: the page gets the counts and one page of leavers at a time.
  const { leavers: _all, ...counts } = summary ?? { leavers: undefined };
  const page = Number(new URL(request.url).searchParams.get("leavers") ?? "1");
  return {
    id: saved.id,
    fileName: saved.fileName,
    kind: saved.kind,
    status: saved.status,
    rowCount: saved.rowCount,
    error: importErrorCode(saved.error),
    createdAt: saved.createdAt,
    appliedAt: saved.appliedAt,
    progress: saved.progress,
    summary: summary ? (counts as Omit<ImportSummary, "leavers">) : null,
    chart,
    leavers: summary && summary.left > 0 ? await leaversPage(summary, page) : null,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const isChart = await isChartImport(actor, params.importId!);
  if (!isChart && !(await getImport(actor, params.importId!))) notFound();
  const { t, locale } = requestTranslator(request, actor.user.locale);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent !== "apply" && intent !== "recheck") badRequest("intent");
  try {
    if (isChart) {
      if (intent === "recheck") return redirect(`/hr/import/${(await recheckChart(actor, params.importId!)).id}`);
      await submitChartApply(actor, params.importId!);
      return redirect(`/hr/import/${params.importId}`);
    }
    if (intent === "recheck") {
      const { id } = await recheckImport(actor, params.importId!);
      return redirect(`/hr/import/${id}`);
    }
    const typed = form.get("confirmLeavers");
    await submitApply(actor, params.importId!, typeof typed === "string" ? typed : null);
  } catch (e) {
    if (e instanceof ImportError) {
      if (e.message === "not-found") notFound();
      const params = Object.fromEntries(Object.entries(e.params).map(([k, v]) => [k, typeof v === "number" ? v.toLocaleString(locale) : v]));
      const message = t(`import.error.${e.message}`, params);
      const confirm = e.message === "confirm-missing" || e.message === "confirm-wrong";
      return Response.json({ formError: message, confirmError: confirm ? message : undefined } satisfies ActionData, { status: confirm ? 400 : 409 });
    }
    throw e;
  }
  return redirect(`/hr/import/${params.importId}`);
}

export default function ImportResult() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const running = d.status === "CHECKING" || d.status === "APPLYING";
  const { revalidate, state } = useRevalidator();

  // Ask again a moment after each answer until the worker is done; the
  // <noscript> refresh below does the same without JavaScript.
  useEffect(() => {
    if (!running || state !== "idle") return;
    const timer = setTimeout(revalidate, REFRESH_MS);
    return () => clearTimeout(timer);
  }, [running, state, revalidate]);

  const s = d.summary;
  const blocked = (s !== null && s.problems.length > 0) || (d.chart !== null && d.chart.problems.length > 0);
  const errorText = d.error ? t(`import.error.${d.error}`, { defaultValue: t("import.error.unexpected") }) : null;

  // One live region for the whole life of the page, so that the end of the
  // work is announced in the same place as its steps.
  let status: { className: string; text: string };
  if (running) {
    const p = d.progress;
    const phase = p ? t(`import.phase.${p.phase}`) : t("import.phase.unknown");
    status = {
      className: "notice",
      text: p && p.step > 0 ? t("import.progress.step", { step: p.step, steps: p.steps, phase }) : phase,
    };
  } else if (d.status === "FAILED") {
    status = { className: "alert", text: t("import.checkFailed", { reason: errorText }) };
  } else if (d.status === "APPLIED") {
    status = { className: "success", text: t("import.applied", { date: formatDate(d.appliedAt!, locale, true) }) };
  } else if (blocked && s && s.problems.length === 1 && (s.problems[0]!.code === "no-rows" || s.problems[0]!.code === "no-changes")) {
    // A file with no one in it is refused as a whole: say why, not "line 1 has a problem".
    status = { className: "alert", text: t(`import.problem.${s.problems[0]!.code}`) };
  } else if (blocked) {
    const lines = (s?.problems ?? d.chart?.problems ?? []).map((p) => p.line);
    status = { className: "alert", text: t("import.blocked", { count: new Set(lines).size }) };
  } else if (errorText) {
    status = { className: "alert", text: t("import.applyFailed", { reason: errorText }) };
  } else if (s?.confirmLeavers) {
    status = { className: "alert", text: t("import.readyConfirm", { left: s.left.toLocaleString(locale), active: s.active.toLocaleString(locale) }) };
  } else {
    status = { className: "notice", text: t("import.ready") };
  }

  return (
    <>
      <p className="meta"><Link to="/hr/import">{t("import.title")}</Link></p>
      <h1>{d.status === "CHECKING" ? t("import.checkingTitle", { file: d.fileName }) : d.kind === "ORG_CHART" ? t("chart.resultTitle", { file: d.fileName }) : t("import.resultTitle", { file: d.fileName })}</h1>
      <div role="status" aria-live="polite" aria-atomic="true">
        <p className={status.className}>{status.text}</p>
      </div>
      <FormAlert result={result} />
      {running ? <Progress checking={d.status === "CHECKING"} rowCount={d.rowCount} percent={d.progress?.percent ?? null} /> : null}
      {d.status === "FAILED" ? <p><Link to="/hr/import">{t("import.uploadAgain")}</Link></p> : null}
      {s ? (
        <>
          <TableRegion labelledBy="import-summary-caption">
            <table>
              <caption id="import-summary-caption">{d.status === "APPLIED" ? t("import.appliedChanges") : t("import.dryRun")}</caption>
              <tbody>
                <tr><th scope="row">{t("import.kind.legend")}</th><td>{t(`import.kind.${d.kind}`)}</td></tr>
                {(["rows", "created", "moved", "updated", "left", "unchanged"] as const).map((k) => (
                  <tr key={k}><th scope="row">{t(`import.count.${k}`)}</th><td className="num">{s[k].toLocaleString(locale)}</td></tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
          <p className="meta">{t(`import.kind.${d.kind}_help`)}</p>
          {d.leavers ? <Leavers list={d.leavers} applied={d.status === "APPLIED"} /> : null}
          {s.samples.moved.length > 0 ? <p className="meta">{t("import.movedList")}: {s.samples.moved.join(", ")}</p> : null}
        </>
      ) : null}
      {d.chart ? <ChartResult summary={d.chart} applied={d.status === "APPLIED"} /> : null}
      {blocked && s ? (
        <TableRegion labelledBy="import-problems-caption">
          <table>
            <caption id="import-problems-caption">{t("import.problems")}</caption>
            <thead><tr><th scope="col">{t("import.line")}</th><th scope="col">{t("import.reason")}</th></tr></thead>
            <tbody>{s.problems.map((p, i) => <tr key={i}><td className="num">{p.line}</td><td>{p.code ? t(`import.problem.${p.code}`, p.params) : p.reason}</td></tr>)}</tbody>
          </table>
        </TableRegion>
      ) : null}
      {d.status === "CHECKED" && s && d.error === "leavers-changed" ? (
        <Form method="post" className="actions">
          <input type="hidden" name="intent" value="recheck" />
          <button type="submit" className="primary">{t("import.recheck")}</button>
        </Form>
      ) : d.status === "CHECKED" && d.chart && !blocked && d.error !== "has-problems" ? (
        <Form method="post">
          <input type="hidden" name="intent" value="apply" />
          <div><button type="submit" className="primary">{errorText ? t("import.applyAgain") : t("import.apply")}</button></div>
        </Form>
      ) : d.status === "CHECKED" && d.chart && d.error === "has-problems" ? (
        <Form method="post">
          <input type="hidden" name="intent" value="recheck" />
          <button type="submit" className="primary">{t("import.recheck")}</button>
        </Form>
      ) : d.status === "CHECKED" && s && !blocked && d.error !== "has-problems" ? (
        <Form method="post" className="stack" noValidate>
          <input type="hidden" name="intent" value="apply" />
          {s.confirmLeavers ? (
            <TextField
              name="confirmLeavers"
              label={t("import.confirm.label", { number: s.left.toLocaleString(locale) })}
              hint={t("import.confirm.hint", { left: s.left.toLocaleString(locale), active: s.active.toLocaleString(locale) })}
              error={result?.confirmError}
              inputMode="numeric"
              autoComplete="off"
              required
            />
          ) : null}
          <div><button type="submit" className="primary">{errorText ? t("import.applyAgain") : t("import.apply")}</button></div>
        </Form>
      ) : null}
    </>
  );
}

type LeaverList = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["leavers"]>;

/** Every leaver, a page at a time, each with their name and unit. */
function Leavers({ list, applied }: { list: LeaverList; applied: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const n = (v: number) => v.toLocaleString(locale);
  return (
    <section className="panel" aria-labelledby="leavers-title" id="leavers">
      <h2 id="leavers-title">{t(applied ? "import.leavers.titleApplied" : "import.leavers.title", { number: n(list.total) })}</h2>
      {list.complete ? null : <p className="meta">{t("import.leavers.incomplete")}</p>}
      <TableRegion labelledBy="leavers-caption">
        <table>
          <caption id="leavers-caption">{t("import.leavers.caption", { page: n(list.page), pages: n(list.pages) })}</caption>
          <thead>
            <tr>
              <th scope="col">{t("import.leavers.employeeNo")}</th>
              <th scope="col">{t("import.leavers.name")}</th>
              <th scope="col">{t("import.leavers.unit")}</th>
            </tr>
          </thead>
          <tbody>
            {list.rows.map((r) => (
              <tr key={r.employeeNo}>
                <td>{r.employeeNo}</td>
                <td>{r.name ?? "—"}</td>
                <td>{r.unitCode ? `${locale === "en" ? r.unitNameEn : r.unitNameKo} (${r.unitCode})` : "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {list.pages > 1 ? (
        <nav aria-label={t("import.leavers.pagesLabel")}>
          <ul>
            {list.page > 1 ? <li><Link to={`?leavers=${list.page - 1}#leavers`}>{t("import.leavers.previous")}</Link></li> : null}
            <li aria-current="page">{t("import.leavers.caption", { page: n(list.page), pages: n(list.pages) })}</li>
            {list.page < list.pages ? <li><Link to={`?leavers=${list.page + 1}#leavers`}>{t("import.leavers.next")}</Link></li> : null}
          </ul>
        </nav>
      ) : null}
    </section>
  );
}

function Progress({ checking, rowCount, percent }: { checking: boolean; rowCount: number; percent: number | null }) {
  const { t, i18n } = useTranslation();
  return (
    <section className="panel" aria-labelledby="import-progress-title">
      <h2 id="import-progress-title">{checking ? t("import.progress.checking") : t("import.progress.applying")}</h2>
      <p>{t("import.progress.rows", { rows: rowCount.toLocaleString(i18n.language) })}</p>
      <p>
        <label htmlFor="import-progress">{t("import.progress.label")}</label>{" "}
        {/* Without a figure (the queue cannot be reached) the bar is indeterminate. */}
        {percent === null ? <progress id="import-progress" /> : <progress id="import-progress" max={100} value={percent} />}{" "}
        {percent === null ? null : <span>{percent}%</span>}
      </p>
      <p className="meta">{t("import.progress.leave")}</p>
      <noscript>
        <meta httpEquiv="refresh" content="5" />
        <p className="meta">{t("import.progress.noscript")}</p>
      </noscript>
    </section>
  );
}

/** A unit file's dry run or result: the counts, every change with the people it affects, and each problem by line. */
function ChartResult({ summary, applied }: { summary: ChartSummary; applied: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const n = (v: number) => v.toLocaleString(locale);
  const name = (ko: string | null, en: string | null) => (locale === "en" ? en : ko) ?? "—";
  return (
    <>
      <TableRegion labelledBy="chart-summary-caption">
        <table>
          <caption id="chart-summary-caption">{applied ? t("import.appliedChanges") : t("import.dryRun")}</caption>
          <tbody>
            {(["rows", "created", "renamed", "moved", "rekinded", "ended", "merged", "unchanged", "peopleMoved"] as const).map((k) => (
              <tr key={k}><th scope="row">{t(`chart.count.${k}`)}</th><td className="num">{n(summary[k])}</td></tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
      {summary.changes.length > 0 ? (
        <TableRegion labelledBy="chart-changes-caption">
          <table>
            <caption id="chart-changes-caption">{t("chart.changes")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("chart.col.line")}</th>
                <th scope="col">{t("chart.col.unit")}</th>
                <th scope="col">{t("chart.col.change")}</th>
                <th scope="col">{t("chart.col.detail")}</th>
                <th scope="col">{t("chart.col.validFrom")}</th>
                <th scope="col">{t("chart.col.people")}</th>
              </tr>
            </thead>
            <tbody>
              {summary.changes.map((c) => (
                <tr key={c.line}>
                  <td className="num">{c.line}</td>
                  <td><code>{c.code}</code> {name(c.nameKo, c.nameEn)}</td>
                  <td>{c.changes.map((k) => t(`chart.change.${k}`)).join(", ")}</td>
                  <td>
                    {c.changes.includes("rename") ? <span>{name(c.oldNameKo, c.oldNameEn)} → {name(c.nameKo, c.nameEn)}. </span> : null}
                    {c.changes.includes("move") ? <span><code>{c.oldParent ?? "—"}</code> → <code>{c.parent ?? "—"}</code>. </span> : null}
                    {c.changes.includes("kind") ? <span>{t(`oversight.kind.${c.oldKind}`)} → {t(`oversight.kind.${c.kind}`)}. </span> : null}
                    {c.changes.includes("new") ? <span>↳ <code>{c.parent ?? "—"}</code> · {t(`oversight.kind.${c.kind}`)}</span> : null}
                    {c.mergedInto ? <span>{t("chart.mergeInto", { code: c.mergedInto })}</span> : null}
                  </td>
                  <td>{c.validFrom}</td>
                  <td className="num">{n(c.people)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      ) : null}
      {summary.changeCount > summary.changes.length ? <p className="meta">{t("chart.changesMore", { shown: n(summary.changes.length), total: n(summary.changeCount) })}</p> : null}
      {summary.problems.length > 0 ? (
        <TableRegion labelledBy="chart-problems-caption">
          <table>
            <caption id="chart-problems-caption">{t("import.problems")}</caption>
            <thead><tr><th scope="col">{t("import.line")}</th><th scope="col">{t("import.reason")}</th></tr></thead>
            <tbody>{summary.problems.map((p, i) => <tr key={i}><td className="num">{p.line}</td><td>{t(`chart.problem.${p.code}`, p.params)}</td></tr>)}</tbody>
          </table>
        </TableRegion>
      ) : null}
    </>
  );
}
