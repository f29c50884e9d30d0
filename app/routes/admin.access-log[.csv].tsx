import type { LoaderFunctionArgs } from "@remix-run/node";
import { accessLogCsvStream, parseAccessLogFilter } from "~/modules/audit/access.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { requireRole } from "~/modules/auth/permissions.server";
import { badRequest } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";

/** The filtered access log as streamed CSV for system administrators; the download is itself logged. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "SYSTEM_ADMIN");
  const { locale, t } = requestTranslator(request, actor.user.locale);
  const filter = parseAccessLogFilter(new URL(request.url).searchParams);
  if (!filter) badRequest(t("accessLog.badDate"));
  await recordAudit({
    actorUserId: actor.userId,
    action: "accesslog.export",
    entityType: "access_log",
    data: { report: "accessLog", format: "csv", person: filter.person, from: filter.from, to: filter.to },
  });
  return new Response(accessLogCsvStream(filter, locale, t), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="report-access-log.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
