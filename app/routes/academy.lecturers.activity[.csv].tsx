import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/modules/auth/permissions.server";
import { activityCsv, activityStatement } from "~/modules/lecturers/activity.server";
import { now } from "~/utils/clock.server";
import { seoulYear } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";

/** The appointed lecturers' activity by month for a year (?year=), one row per lecturer and month, for paying fees. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN");
  const asked = Number(new URL(request.url).searchParams.get("year"));
  const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2999 ? asked : seoulYear(now());
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
