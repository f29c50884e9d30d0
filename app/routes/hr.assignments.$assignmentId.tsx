import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { plainText } from "~/utils/text";
import { TextField } from "~/components/text-field";
import { requireRole } from "~/modules/auth/permissions.server";
import { accountState } from "~/modules/auth/accounts.server";
import { readInvitationOutcome } from "~/modules/auth/invitation-outcome";
import { exempt, ExemptionError, getAssignmentForOfficer, revokeExemption } from "~/modules/obligations/exemptions.server";
import { EquivalentInputError, equivalentInForce, recordEquivalent, withdrawEquivalent } from "~/modules/obligations/equivalents.server";
import { MAX_EVIDENCE_BYTES } from "~/modules/attendance/sessions.server";
import { readUploadForm } from "~/utils/upload.server";
import { notFound } from "~/utils/http.server";
import { formatDate, pick, seoulDateKey, type AppLocale } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";
import { staffCategoryNames } from "~/modules/org/staff-categories.server";
import { staffCategoryName } from "~/modules/org/staff-category-names";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) =>
  pageTitle(matches, `${data?.person.name ?? ""} 이수 기록`, `${data?.person.name ?? ""}: training record`);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const found = await getAssignmentForOfficer(actor, params.assignmentId!);
  if (!found) notFound();
  const { assignment: a, history } = found;
  const categoryNames = await staffCategoryNames();
  return {
    categoryNames,
    id: a.id,
    status: a.status,
    exemptReason: a.exemptReason,
    dueAt: a.dueAt,
    completedAt: a.completedAt,
    certificate: a.certificate,
    cycleId: a.cycleId,
    cycleLabel: a.cycle?.label ?? "",
    cycleClosed: a.cycle?.status === "CLOSED",
    cycleFrom: a.cycle ? a.cycle.startsOn.toISOString().slice(0, 10) : "",
    cycleTo: a.cycle ? a.cycle.endsOn.toISOString().slice(0, 10) : "",
    today: seoulDateKey(now()),
    completionMode: a.completionMode,
    equivalent: a.completionMode === "EQUIVALENT" ? await equivalentInForce(a.id) : null,
    obligationKo: a.cycle?.obligation.titleKo ?? "",
    obligationEn: a.cycle?.obligation.titleEn ?? "",
    person: { name: a.person.name, employeeNo: a.person.employeeNo, staffCategory: a.person.staffCategory, grade: a.person.grade },
    unit: a.person.orgUnit ? { id: a.person.orgUnit.id, ko: a.person.orgUnit.nameKo, en: a.person.orgUnit.nameEn } : null,
    history,
    personId: a.personId,
    account: await accountState(a.personId),
    invitation: readInvitationOutcome(new URL(request.url).searchParams),
  };
}

const Schema = z.object({
  intent: z.enum(["exempt", "revoke"]),
  reason: z.string().transform(plainText).pipe(z.string().min(5).max(500)),
});

/** The intents of this page's forms. */
export const INTENT = { exempt: "exempt", revoke: "revoke", equivalent: "equivalent", withdrawEquivalent: "withdraw-equivalent" } as const;

type EquivalentValues = { courseName: string; provider: string; completedOn: string; hours: string; reason: string };
type ActionData = { fieldError?: string; formError?: string; equivalent?: { field: string; message: string; values: EquivalentValues } };

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  // Whose record it is decides first: outside the officer's units it does not exist for them.
  if (!(await getAssignmentForOfficer(actor, params.assignmentId!))) notFound();
  const { t } = requestTranslator(request, actor.user.locale);
  const multipart = (request.headers.get("Content-Type") ?? "").startsWith("multipart/form-data");
  // Only the equivalent course's form carries a file, of at most the evidence limit.
  const form = multipart ? await readUploadForm(request, MAX_EVIDENCE_BYTES, t("errors.bodyMalformed")) : await request.formData();
  const text = (name: string) => (form === "too-large" ? "" : String(form.get(name) ?? ""));
  const equivalentError = (e: EquivalentInputError, values: EquivalentValues) =>
    Response.json({ equivalent: { field: e.field, message: t(`equivalent.error.${e.field}.${e.code}`, e.params), values } } satisfies ActionData, {
      status: e.field === "assignment" ? 409 : e.field === "evidence" && e.code === "tooLarge" ? 413 : 400,
    });
  const intent = text("intent");
  // The recognition's reason has its own name: the exemption form beside it has a "reason" too.
  const values: EquivalentValues = {
    courseName: text("courseName"),
    provider: text("provider"),
    completedOn: text("completedOn"),
    hours: text("hours"),
    reason: text(intent === INTENT.equivalent ? "recognitionReason" : "reason"),
  };
  if (form === "too-large") return equivalentError(new EquivalentInputError("evidence", "tooLarge", { mb: MAX_EVIDENCE_BYTES / 1024 / 1024 }), values);
  try {
    if (intent === INTENT.equivalent) {
      const file = form.get("evidence");
      await recordEquivalent(actor, params.assignmentId!, {
        ...values,
        evidence: file instanceof File && file.size > 0 ? { fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null,
      });
      return redirect(`/hr/assignments/${params.assignmentId}`);
    }
    if (intent === INTENT.withdrawEquivalent) {
      await withdrawEquivalent(actor, params.assignmentId!, values.reason);
      return redirect(`/hr/assignments/${params.assignmentId}`);
    }
  } catch (e) {
    if (e instanceof EquivalentInputError) return equivalentError(e, values);
    throw e;
  }
  const parsed = Schema.safeParse(Object.fromEntries(form));
  if (!parsed.success) {
    return Response.json({ fieldError: t("exemption.reasonRequired") }, { status: 400 });
  }
  try {
    if (parsed.data.intent === "exempt") await exempt(actor, params.assignmentId!, parsed.data.reason);
    else await revokeExemption(actor, params.assignmentId!, parsed.data.reason);
  } catch (e) {
    if (e instanceof ExemptionError) {
      if (e.code === "not-found") notFound();
      return Response.json({ formError: t(`exemption.error.${e.code}`) }, { status: 409 });
    }
    throw e;
  }
  return redirect(`/hr/assignments/${params.assignmentId}`);
}

export default function AssignmentRecord() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const exempted = d.status === "EXEMPTED";
  const canExempt = !d.cycleClosed && (d.status === "ASSIGNED" || d.status === "IN_PROGRESS");
  const equivalentResult = result?.equivalent;
  const ev = equivalentResult?.values;
  const eqErr = (field: string) => (equivalentResult?.field === field ? equivalentResult.message : undefined);
  return (
    <>
      <p className="meta">
        {d.unit ? <Link to={`/hr/units/${d.unit.id}?cycle=${d.cycleId}`}>{pick(locale, d.unit.ko, d.unit.en)}</Link> : null}
      </p>
      <h1>{t("exemption.title", { name: d.person.name })}</h1>
      <dl className="facts">
        <dt>{t("hr.employeeNo")}</dt><dd>{d.person.employeeNo ?? "—"}</dd>
        <dt>{t("hr.category")}</dt><dd>{staffCategoryName(d.categoryNames, d.person.staffCategory, locale)}{d.person.grade ? ` · ${d.person.grade}` : ""}</dd>
        <dt>{t("certificate.obligation")}</dt><dd>{pick(locale, d.obligationKo, d.obligationEn)} · {d.cycleLabel}</dd>
        <dt>{t("hr.status")}</dt><dd><span className={`badge ${d.status}`}>{t(`status.${d.status}`)}</span>{d.status === "COMPLETED" && d.completionMode ? ` (${t(`completionMode.${d.completionMode}`)})` : ""}{exempted && d.exemptReason ? ` — ${d.exemptReason}` : ""}</dd>
        <dt>{t("hr.due")}</dt><dd>{d.dueAt ? formatDate(d.dueAt, locale) : "—"}</dd>
        <dt>{t("hr.completedAt")}</dt><dd>{d.completedAt ? formatDate(d.completedAt, locale) : "—"}</dd>
        {d.certificate ? (<><dt>{t("certificate.number")}</dt><dd>{d.certificate.number}</dd></>) : null}
      </dl>
      {result?.formError ? <p className="alert" role="alert">{result.formError}</p> : null}
      <section className="panel" aria-labelledby="account-title">
        <h2 id="account-title">{t("invitation.title")}</h2>
        {d.invitation ? (
          <p className={d.invitation === "sent" ? "success" : "alert"} role="status">{t(`invitation.outcome.${d.invitation}`)}</p>
        ) : null}
        <p>{t(`invitation.state.${d.account}`)}</p>
        {d.account === "none" || d.account === "invited" ? (
          <Form method="post" action={`/hr/people/${d.personId}/invitation`}>
            <input type="hidden" name="redirectTo" value={`/hr/assignments/${d.id}`} />
            <button type="submit" className="secondary">{t(d.account === "invited" ? "invitation.resend" : "invitation.send")}</button>
          </Form>
        ) : null}
      </section>
      {d.equivalent ? (
        <section className="panel" aria-labelledby="equivalent-title">
          <h2 id="equivalent-title">{t("equivalent.inForce")}</h2>
          <dl className="facts">
            <dt>{t("equivalent.fields.courseName")}</dt><dd>{d.equivalent.courseName}</dd>
            <dt>{t("equivalent.fields.provider")}</dt><dd>{d.equivalent.provider}</dd>
            <dt>{t("equivalent.fields.completedOn")}</dt><dd>{formatDate(d.equivalent.completedOn, locale)}</dd>
            <dt>{t("equivalent.fields.hours")}</dt><dd>{t("equivalent.hoursValue", { hours: d.equivalent.minutes / 60 })}</dd>
            <dt>{t("equivalent.fields.reason")}</dt><dd>{d.equivalent.reason}</dd>
          </dl>
          <p><a href={`/hr/assignments/${d.id}/equivalent-evidence`} download>{t("equivalent.evidenceLink")}</a></p>
          {!d.cycleClosed ? (
            <>
              <h3>{t("equivalent.withdrawTitle")}</h3>
              <p>{t("equivalent.withdrawHelp")}</p>
              {equivalentResult ? <p className="alert" role="alert">{equivalentResult.message}</p> : null}
              <Form method="post" className="stack">
                <input type="hidden" name="intent" value={INTENT.withdrawEquivalent} />
                <TextField name="reason" label={t("equivalent.withdrawReason")} hint={t("exemption.reasonHint")} error={eqErr("reason")} type="text" required maxLength={500} />
                <div><button type="submit" className="secondary">{t("equivalent.withdraw")}</button></div>
              </Form>
            </>
          ) : null}
        </section>
      ) : null}
      {canExempt ? (
        <section className="panel" aria-labelledby="equivalent-new-title">
          <h2 id="equivalent-new-title">{t("equivalent.title")}</h2>
          <p>{t("equivalent.help")}</p>
          {equivalentResult ? <p className="alert" role="alert">{equivalentResult.message}</p> : null}
          <Form method="post" encType="multipart/form-data" className="stack">
            <input type="hidden" name="intent" value={INTENT.equivalent} />
            <TextField name="courseName" label={t("equivalent.fields.courseName")} required minLength={2} maxLength={200} defaultValue={ev?.courseName} error={eqErr("courseName")} />
            <TextField name="provider" label={t("equivalent.fields.provider")} hint={t("equivalent.fields.providerHint")} required minLength={2} maxLength={200} defaultValue={ev?.provider} error={eqErr("provider")} />
            <TextField
              name="completedOn"
              type="date"
              label={t("equivalent.fields.completedOn")}
              hint={t("equivalent.fields.completedOnHint", { from: d.cycleFrom, to: d.cycleTo })}
              required
              min={d.cycleFrom}
              max={d.today < d.cycleTo ? d.today : d.cycleTo}
              defaultValue={ev?.completedOn}
              error={eqErr("completedOn")}
            />
            <TextField name="hours" inputMode="decimal" label={t("equivalent.fields.hours")} hint={t("equivalent.fields.hoursHint")} required defaultValue={ev?.hours} error={eqErr("hours")} />
            <TextField
              name="evidence"
              type="file"
              label={t("equivalent.fields.evidence")}
              hint={t("equivalent.fields.evidenceHint")}
              required
              accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
              error={eqErr("evidence")}
            />
            <TextField name="recognitionReason" label={t("equivalent.fields.reason")} hint={t("equivalent.fields.reasonHint")} required maxLength={500} defaultValue={ev?.reason} error={eqErr("reason")} />
            <div><button type="submit" className="primary">{t("equivalent.submit")}</button></div>
          </Form>
        </section>
      ) : null}
      {canExempt || exempted ? (
        <section className="panel" aria-labelledby="exempt-title">
          <h2 id="exempt-title">{exempted ? t("exemption.revokeTitle") : t("exemption.grantTitle")}</h2>
          <p>{exempted ? t("exemption.revokeHelp") : t("exemption.grantHelp")}</p>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value={exempted ? "revoke" : "exempt"} />
            <TextField name="reason" label={t("exemption.reason")} hint={t("exemption.reasonHint")} error={result?.fieldError} type="text" required maxLength={500} />
            <div><button type="submit" className="primary">{exempted ? t("exemption.revoke") : t("exemption.grant")}</button></div>
          </Form>
        </section>
      ) : null}
      <section aria-labelledby="history-title">
        <h2 id="history-title">{t("exemption.history")}</h2>
        {d.history.length === 0 ? <p>{t("exemption.noHistory")}</p> : (
          <TableRegion labelledBy="exemption-caption">
            <table>
              <caption id="exemption-caption" className="visually-hidden">{t("exemption.history")}</caption>
              <thead><tr><th scope="col">{t("exemption.when")}</th><th scope="col">{t("exemption.what")}</th><th scope="col">{t("exemption.who")}</th><th scope="col">{t("exemption.reason")}</th></tr></thead>
              <tbody>
                {d.history.map((h) => (
                  <tr key={h.id}>
                    <td>{formatDate(h.at, locale, true)}</td>
                    <td>{t(`exemption.action.${h.action.replace(/\./g, "_")}`, { defaultValue: h.action })}</td>
                    <td>{h.by}</td>
                    <td>{h.reason ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>
    </>
  );
}
