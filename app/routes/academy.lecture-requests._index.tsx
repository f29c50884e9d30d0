import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { listLectureRequests } from "~/modules/lecturers/requests.server";
import { REQUEST_STATUSES } from "~/modules/lecturers/request-codes";
import { now } from "~/utils/clock.server";
import { formatDate, seoulYear, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "강의 신청 관리", "Lecture requests");

/** The academy's requests by status, and the lecturers' activity export for payment. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN");
  const status = new URL(request.url).searchParams.get("status");
  const shown = REQUEST_STATUSES.find((s) => s === status) ?? null;
  return { status: shown, requests: await listLectureRequests(actor, shown), year: seoulYear(now()) };
}

export default function LectureRequests() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const k = (key: string, vars?: Record<string, unknown>) => t(`lectureRequests.admin.${key}`, vars);
  return (
    <>
      <h1>{k("title")}</h1>
      <p className="lead">{k("intro")}</p>
      <Form method="get" className="filters" aria-label={k("filter")}>
        <label htmlFor="status">{k("status")}</label>
        <select id="status" name="status" defaultValue={d.status ?? ""}>
          <option value="">{k("all")}</option>
          {REQUEST_STATUSES.map((s) => <option key={s} value={s}>{t(`lectureRequests.requestStatus.${s}`)}</option>)}
        </select>
        <button type="submit" className="secondary">{k("show")}</button>
      </Form>
      {d.requests.length === 0 ? <p className="panel">{k("none")}</p> : (
        <TableRegion labelledBy="requests-caption">
          <table>
            <caption id="requests-caption">{k("caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{k("organisation")}</th>
                <th scope="col">{k("topic")}</th>
                <th scope="col">{k("window")}</th>
                <th scope="col" className="num">{k("size")}</th>
                <th scope="col">{k("status")}</th>
                <th scope="col">{k("received")}</th>
              </tr>
            </thead>
            <tbody>
              {d.requests.map((r) => (
                <tr key={r.id}>
                  <th scope="row">
                    <Link to={`/academy/lecture-requests/${r.id}`} aria-label={k("open", { name: r.organizationName })}>{r.organizationName}</Link>
                    <span className="meta"> · {t(`lectureRequests.kind.${r.organizationKind}`)}</span>
                  </th>
                  <td>{t(`offerings.topic.${r.topic}`)}</td>
                  <td>{formatDate(r.preferredFrom, locale, true)} – {formatDate(r.preferredTo, locale, true)}</td>
                  <td className="num">{r.audienceSize}</td>
                  <td>
                    {t(`lectureRequests.requestStatus.${r.status}`)}
                    {r.openOffers ? <span className="meta"> · {k("openOffers", { count: r.openOffers })}</span> : null}
                  </td>
                  <td>{formatDate(r.createdAt, locale)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      <section aria-labelledby="export-heading">
        <h2 id="export-heading">{t("lectureRequests.activity.exportTitle")}</h2>
        <p>{t("lectureRequests.activity.exportHint")}</p>
        {/* The file names the lecturers: the download form asks why, and the access log keeps it (ADR 009). */}
        <Form method="get" action="/hr/download" className="filters">
          <input type="hidden" name="report" value="lecturerActivity" />
          <input type="hidden" name="format" value="csv" />
          <label htmlFor="year">{t("lectureRequests.activity.year")}</label>
          <input id="year" name="year" type="number" inputMode="numeric" min={2000} max={2999} defaultValue={d.year} required />
          <button type="submit" className="secondary">{t("lectureRequests.activity.download")}</button>
        </Form>
      </section>
    </>
  );
}
