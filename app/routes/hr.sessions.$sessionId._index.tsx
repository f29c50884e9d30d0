import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { AttendanceError, getSession, withdrawAttendance } from "~/modules/attendance/sessions.server";
import { notFound } from "~/utils/http.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => pageTitle(matches, data?.title ?? "집합교육", data?.title ?? "Session");

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const found = await getSession(actor, params.sessionId!);
  if (!found) notFound();
  const { session: s, attendees } = found;
  return {
    id: s.id,
    title: s.title,
    heldOn: s.heldOn,
    minutes: s.minutes,
    place: s.place,
    unit: { ko: s.orgUnit.nameKo, en: s.orgUnit.nameEn },
    cycles: s.cycles.map((c) => ({ id: c.cycleId, label: c.cycle.label, ko: c.cycle.obligation.titleKo, en: c.cycle.obligation.titleEn, closed: c.cycle.status === "CLOSED" })),
    evidence: { name: s.evidence.fileName, kb: Math.ceil(s.evidence.size / 1024), sha256: s.evidence.sha256 },
    attendees,
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  if (!(await getSession(actor, params.sessionId!))) notFound();
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await request.formData();
  const attendanceId = String(form.get("attendanceId") ?? "");
  try {
    await withdrawAttendance(actor, params.sessionId!, attendanceId, String(form.get("reason") ?? ""));
  } catch (e) {
    if (!(e instanceof AttendanceError)) throw e;
    if (e.code === "not-found") notFound();
    return Response.json({ attendanceId, message: t(`sessions.withdrawError.${e.code}`) }, { status: e.code === "reason" ? 400 : 409 });
  }
  return redirect(`/hr/sessions/${params.sessionId}`);
}

export default function SessionRecord() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<{ attendanceId: string; message: string }>();
  const [search] = useSearchParams();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const saved = search.get("attendees");
  const closed = d.cycles.some((c) => c.closed);
  return (
    <>
      <p className="meta"><Link to="/hr/sessions">{t("sessions.back")}</Link></p>
      <h1>{d.title}</h1>
      {saved ? (
        <p className="success" role="status">
          {t("sessions.saved", {
            attendees: saved,
            completed: search.get("completed") ?? "0",
            alreadyDone: search.get("alreadyDone") ?? "0",
            notOwed: search.get("notOwed") ?? "0",
          })}
        </p>
      ) : null}
      <dl className="facts">
        <dt>{t("sessions.held")}</dt><dd>{formatDate(d.heldOn, locale)} · {t("sessions.duration", { minutes: d.minutes })}</dd>
        <dt>{t("sessions.fields.place")}</dt><dd>{d.place}</dd>
        <dt>{t("sessions.fields.orgUnitId")}</dt><dd>{pick(locale, d.unit.ko, d.unit.en)}</dd>
        <dt>{t("sessions.cycles")}</dt>
        <dd>{d.cycles.map((c) => `${pick(locale, c.ko, c.en)} · ${c.label}`).join(" / ")}</dd>
        <dt>{t("sessions.evidence")}</dt>
        <dd>
          <a href={`/hr/sessions/${d.id}/evidence`} download>{t("sessions.download", { name: d.evidence.name, kb: d.evidence.kb })}</a>
          <br /><span className="meta">SHA-256 {d.evidence.sha256.slice(0, 16)}…</span>
        </dd>
      </dl>
      <h2>{t("sessions.attendance")} ({d.attendees.length})</h2>
      {!closed ? <p className="meta">{t("sessions.withdrawHelp")}</p> : null}
      <TableRegion labelledBy="attendance-caption" stickyFirst>
        <table>
          <caption id="attendance-caption" className="visually-hidden">{t("sessions.attendance")}</caption>
          <thead>
            <tr>
              <th scope="col">{t("hr.name")}</th>
              <th scope="col">{t("hr.employeeNo")}</th>
              <th scope="col">{t("hr.unit")}</th>
              <th scope="col">{t("sessions.completedCycles")}</th>
              {!closed ? <th scope="col">{t("sessions.withdraw")}</th> : null}
            </tr>
          </thead>
          <tbody>
            {d.attendees.map((a) => (
              <tr key={a.attendanceId}>
                <th scope="row" className="nowrap">{a.name}</th>
                <td className="nowrap">{a.employeeNo ?? "—"}</td>
                <td>{a.unitKo ? pick(locale, a.unitKo, a.unitEn ?? a.unitKo) : "—"}</td>
                <td>{a.completedKo.length ? pick(locale, a.completedKo, a.completedEn).join(" / ") : t("sessions.nothingCompleted")}</td>
                {!closed ? (
                  <td>
                    <Form method="post" className="inline-form">
                      <input type="hidden" name="attendanceId" value={a.attendanceId} />
                      <label htmlFor={`reason-${a.attendanceId}`} className="visually-hidden">{t("sessions.withdrawReason", { name: a.name })}</label>
                      <input
                        id={`reason-${a.attendanceId}`}
                        name="reason"
                        type="text"
                        required
                        minLength={5}
                        maxLength={500}
                        placeholder={t("sessions.withdrawPlaceholder")}
                        aria-invalid={result?.attendanceId === a.attendanceId ? true : undefined}
                        aria-describedby={result?.attendanceId === a.attendanceId ? `reason-${a.attendanceId}-error` : undefined}
                      />
                      <button type="submit" className="secondary">{t("sessions.withdraw")}</button>
                      {result?.attendanceId === a.attendanceId ? (
                        <p id={`reason-${a.attendanceId}-error`} className="field-error" role="alert">{result.message}</p>
                      ) : null}
                    </Form>
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    </>
  );
}
