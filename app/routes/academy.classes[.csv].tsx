import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/modules/auth/permissions.server";
import { academyYear, academyYearCsv, yearFrom } from "~/modules/offerings/reports.server";
import { now } from "~/utils/clock.server";
import { seoulYear } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";

/**
 * The year's classes table of /academy as a CSV file, for the academy. It counts people and names
 * none (ADR 031), so it is served without the purpose that downloads naming people ask for (ADR 009).
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const year = yearFrom(new URL(request.url), seoulYear(now()));
  const { locale, t } = requestTranslator(request, actor.user.locale);
  const body = academyYearCsv(await academyYear(year), locale, t);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="academy-classes-${year}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
