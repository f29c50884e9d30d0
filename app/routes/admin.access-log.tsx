import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import { accessLogCells, accessLogPage, parseAccessLogFilter, recordReportView } from "~/modules/audit/access.server";
import { requireRole } from "~/modules/auth/permissions.server";
import { badRequest } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "보고서 접근 기록", "Report access log");

const PAGE_SIZE = 50;

/** The report access log for system administrators: newest first, a page at a time; reading it is logged too. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "SYSTEM_ADMIN");
  const { locale, t } = requestTranslator(request, actor.user.locale);
  const params = new URL(request.url).searchParams;
  const filter = parseAccessLogFilter(params);
  if (!filter) badRequest(t("accessLog.badDate"));
  const before = params.get("before");
  const rows = await accessLogPage(filter, before, PAGE_SIZE + 1);
  const page = rows.slice(0, PAGE_SIZE);
  await recordReportView(actor, {
    report: "accessLog",
    entityType: "access_log",
    entityId: null,
    purpose: null,
    data: { person: filter.person, from: filter.from, to: filter.to, before },
  });
  const query = new URLSearchParams(Object.entries(filter).filter((e): e is [string, string] => Boolean(e[1])));
  const older = rows.length > PAGE_SIZE ? `?${new URLSearchParams([...query, ["before", page[page.length - 1]!.id]])}` : null;
  return {
    filter,
    entries: page.map((e) => ({ id: e.id, ...accessLogCells(e, locale, t) })),
    older,
    newest: before ? `?${query}` : null,
    csvHref: `/admin/access-log.csv?${query}`,
  };
}

export default function AccessLog() {
  const d = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("accessLog.title")}</h1>
      <p className="lead">{t("accessLog.intro")}</p>
      <Form method="get" className="filters">
        <div>
          <label htmlFor="person">{t("accessLog.person")}</label>
          <input id="person" name="person" type="text" defaultValue={d.filter.person ?? ""} />
        </div>
        <div>
          <label htmlFor="from">{t("accessLog.from")}</label>
          <input id="from" name="from" type="date" defaultValue={d.filter.from ?? ""} />
        </div>
        <div>
          <label htmlFor="to">{t("accessLog.to")}</label>
          <input id="to" name="to" type="date" defaultValue={d.filter.to ?? ""} />
        </div>
        <button type="submit" className="primary">{t("accessLog.filter")}</button>
        <a className="button secondary" href={d.csvHref} download>{t("accessLog.downloadCsv")}</a>
      </Form>
      {d.entries.length === 0 ? (
        <p className="panel">{t("accessLog.none")}</p>
      ) : (
        <TableRegion labelledBy="access-log-caption">
          <table>
            <caption id="access-log-caption">{t("accessLog.caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("accessLog.when")}</th>
                <th scope="col">{t("accessLog.who")}</th>
                <th scope="col">{t("accessLog.what")}</th>
                <th scope="col">{t("accessLog.report")}</th>
                <th scope="col">{t("accessLog.cycle")}</th>
                <th scope="col">{t("accessLog.format")}</th>
                <th scope="col">{t("accessLog.unit")}</th>
                <th scope="col">{t("accessLog.why")}</th>
              </tr>
            </thead>
            <tbody>
              {d.entries.map((e) => (
                <tr key={e.id}>
                  <th scope="row" className="nowrap"><time dateTime={`${e.when.replace(" ", "T")}+09:00`}>{e.when}</time></th>
                  <td>{e.who}{e.email ? <><br /><span className="meta">{e.email}</span></> : null}</td>
                  <td className="nowrap">{e.what}</td>
                  <td className="nowrap">{e.report}</td>
                  <td>{e.cycle || "—"}</td>
                  <td className="nowrap">{e.format || "—"}</td>
                  <td>{e.unit || "—"}</td>
                  <td>{e.why || "—"}{e.note ? <><br /><span className="meta">{e.note}</span></> : null}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}
      {d.older || d.newest ? (
        <nav aria-label={t("accessLog.caption")} className="actions">
          {d.newest ? <Link to={d.newest}>{t("accessLog.newest")}</Link> : null}
          {d.older ? <Link to={d.older}>{t("accessLog.older")}</Link> : null}
        </nav>
      ) : null}
    </>
  );
}
