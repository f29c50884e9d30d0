import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { PurposeFields } from "~/components/purpose-fields";
import { claimPurpose, parseDownloadTarget, recordDownload, type DownloadTarget } from "~/modules/audit/access.server";
import { parsePurpose, type PurposeError } from "~/modules/audit/purpose";
import { requireRole, type Actor } from "~/modules/auth/permissions.server";
import { listCycles } from "~/modules/compliance/compliance.server";
import { oversightYears, reportScopeRoots } from "~/modules/reporting/oversight.server";
import { notFound } from "~/utils/http.server";
import { pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "보고서 내려받기", "Download a report");

/**
 * The file asked for, if this person may have it: the compliance list and the hours are for HR
 * officers, the return also for system administrators, the lecturers' activity for the academy.
 */
async function resolve(actor: Actor, target: DownloadTarget | null) {
  if (!target) notFound();
  if (target.report === "lecturerActivity") {
    if (!actor.roles.has("ACADEMY_ADMIN")) throw json({ error: "forbidden" }, { status: 403 });
    return { target, cycle: null, back: "/academy/lecture-requests" };
  }
  if (target.report === "oversight" && !actor.roles.has("HR_OFFICER") && !actor.roles.has("SYSTEM_ADMIN")) throw json({ error: "forbidden" }, { status: 403 });
  if (target.report === "compliance") {
    if (!actor.roles.has("HR_OFFICER")) throw json({ error: "forbidden" }, { status: 403 });
    const cycle = (await listCycles()).find((c) => c.id === target.cycleId);
    if (!cycle) notFound();
    const back = `/hr?cycle=${cycle.id}${target.asOf ? `&asOf=${target.asOf}` : ""}`;
    return { target, cycle: { titleKo: cycle.obligationTitleKo, titleEn: cycle.obligationTitleEn, label: cycle.label }, back };
  }
  if (target.report === "hours") {
    if (!actor.roles.has("HR_OFFICER")) throw json({ error: "forbidden" }, { status: 403 });
    return { target, cycle: null, back: `/hr/hours?year=${target.year}` };
  }
  if (!(await oversightYears()).includes(target.year)) notFound();
  return { target, cycle: null, back: `/hr/oversight?year=${target.year}` };
}

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN", "ACADEMY_ADMIN");
  return resolve(actor, parseDownloadTarget(new URL(request.url).searchParams));
}

/**
 * The purpose is checked and recorded here, then the browser is sent on to
 * the file. Without a valid purpose nothing is recorded or exported: the form
 * comes back (400) saying what is missing.
 */
export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN", "ACADEMY_ADMIN");
  const form = await request.formData();
  const { target } = await resolve(actor, parseDownloadTarget(form));
  // The purpose declared for this visit to the reports, else the one chosen on this form.
  const declared = await claimPurpose(actor, form.get("access"));
  const purpose = declared ? ({ ok: true, ...declared } as const) : parsePurpose(form);
  if (!purpose.ok) {
    const note = form.get("purposeNote");
    return Response.json(
      { error: purpose.error, purpose: String(form.get("purpose") ?? ""), note: typeof note === "string" ? note : "" },
      { status: 400 },
    );
  }
  const scope = target.report === "oversight" ? await reportScopeRoots(actor) : target.report === "lecturerActivity" ? [] : actor.hrScopeUnitIds;
  return redirect(await recordDownload(actor, target, purpose.purpose, purpose.note, scope), 303);
}

export default function Download() {
  const d = useLoaderData<typeof loader>();
  const refused = useActionData<{ error: PurposeError; purpose: string; note: string }>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const format = d.target.format.toUpperCase();
  const file =
    d.target.report === "compliance" && d.cycle
      ? t("download.compliance", { cycle: `${pick(locale, d.cycle.titleKo, d.cycle.titleEn)} · ${d.cycle.label}`, format }) +
        (d.target.asOf ? ` · ${t("hr.asOfCaption", { date: d.target.asOf })}` : "")
      : d.target.report === "hours"
        ? t("hoursExport.file", { year: d.target.year, format })
        : d.target.report === "lecturerActivity"
          ? t("download.lecturerActivity", { year: d.target.year, format })
          : t("download.oversight", { year: d.target.report === "oversight" ? d.target.year : "", format });
  return (
    <>
      <p className="meta"><Link to={d.back}>{t("download.back")}</Link></p>
      <h1>{t("download.title")}</h1>
      <p className="lead">{t("download.intro")}</p>
      {refused ? <p className="alert" role="alert">{t("download.refused")} {t(`purpose.error.${refused.error}`)}</p> : null}
      <dl className="facts">
        <dt>{t("download.file")}</dt>
        <dd>{file}</dd>
      </dl>
      {/* A real form post: the answer is a file, which the browser saves. */}
      <Form method="post" reloadDocument className="stack">
        <input type="hidden" name="report" value={d.target.report} />
        <input type="hidden" name="format" value={d.target.format} />
        {d.target.report === "compliance" ? <input type="hidden" name="cycle" value={d.target.cycleId} /> : <input type="hidden" name="year" value={d.target.year} />}
        {d.target.report === "compliance" && d.target.asOf ? <input type="hidden" name="asOf" value={d.target.asOf} /> : null}
        <PurposeFields idPrefix="download" mode="download" defaultPurpose={refused?.purpose} defaultNote={refused?.note} error={refused?.error} />
        <div><button type="submit" className="primary">{t("download.submit")}</button></div>
      </Form>
    </>
  );
}
