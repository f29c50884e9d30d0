import type { LoaderFunctionArgs } from "@remix-run/node";
import { claimYearDownload } from "~/modules/audit/access.server";
import { requireRole } from "~/modules/auth/permissions.server";
import { hoursCsvStream } from "~/modules/reporting/hours.server";
import { now } from "~/utils/clock.server";
import { seoulYear } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";

/**
 * Streamed CSV of the year's recognised hours in the officer's subtrees. Served only on a
 * download already recorded with its purpose (?access=, ADR 009); without one, the form that asks why.
 */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const year = await claimYearDownload(actor, new URL(request.url), "hours", seoulYear(now()));
  const { locale, t } = requestTranslator(request, actor.user.locale);
  return new Response(hoursCsvStream(actor, year, locale, t), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="recognised-hours-${year}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
