import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { claimDownload, downloadFormHref } from "~/modules/audit/access.server";
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
  const url = new URL(request.url);
  const grant = await claimDownload(actor, url.searchParams.get("access"), "lecturerActivity", "csv");
  if (!grant || grant.report !== "lecturerActivity") {
    const asked = Number(url.searchParams.get("year"));
    const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2999 ? asked : seoulYear(now());
    throw redirect(downloadFormHref({ report: "lecturerActivity", format: "csv", year }), 303);
  }
  const { t } = requestTranslator(request, actor.user.locale);
  const header = (["year", "month", "number", "name", "email", "lectures", "minutes", "hours"] as const).map((c) => t(`lectureRequests.activity.csv.${c}`));
  return new Response(activityCsv(await activityStatement(actor, grant.year), header), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="lecturer-activity-${grant.year}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
