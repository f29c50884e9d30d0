import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { claimDownload, downloadFormHref } from "~/modules/audit/access.server";
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
  const url = new URL(request.url);
  const grant = await claimDownload(actor, url.searchParams.get("access"), "hours", "csv");
  if (!grant || grant.report !== "hours") {
    const asked = Number(url.searchParams.get("year"));
    const year = Number.isInteger(asked) && asked >= 2000 && asked <= 2999 ? asked : seoulYear(now());
    throw redirect(downloadFormHref({ report: "hours", format: "csv", year }), 303);
  }
  const { locale, t } = requestTranslator(request, actor.user.locale);
  return new Response(hoursCsvStream(actor, grant.year, locale, t), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="recognised-hours-${grant.year}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
