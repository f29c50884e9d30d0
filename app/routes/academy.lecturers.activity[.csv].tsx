import type { LoaderFunctionArgs } from "@remix-run/node";
import { claimYearDownload } from "~/modules/audit/access.server";
import { requireRole } from "~/modules/auth/permissions.server";
import { activityCsv, activityStatement } from "~/modules/lecturers/activity.server";
import { now } from "~/utils/clock.server";
import { seoulYear } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";

/**
 * The appointed lecturers' activity by month for a year, one row per lecturer and month, for
 * paying fees. It names them and their addresses, so it is served only on a download already
 * recorded with its purpose (?access=, ADR 009); without one, the form that asks why.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN");
  const year = await claimYearDownload(actor, new URL(request.url), "lecturerActivity", seoulYear(now()));
  const { t } = requestTranslator(request, actor.user.locale);
  const header = (["year", "month", "number", "name", "email", "lectures", "minutes", "hours"] as const).map((c) => t(`lectureRequests.activity.csv.${c}`));
  return new Response(activityCsv(await activityStatement(actor, year), header), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="lecturer-activity-${year}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
