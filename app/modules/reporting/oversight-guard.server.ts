import { redirect } from "@remix-run/node";
import { requireRole } from "~/modules/auth/permissions.server";
import { claimDownload, downloadFormHref } from "~/modules/audit/access.server";
import { notFound } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";
import { oversightReturn, oversightYears } from "./oversight.server";

/**
 * Guard of the oversight return's files: an HR officer or system
 * administrator, and a download already recorded with its purpose
 * (?access=). Without one the person is sent to the form that asks why.
 */
export async function requireOversightFile(request: Request, format: "xlsx" | "pdf") {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const url = new URL(request.url);
  const grant = await claimDownload(actor, url.searchParams.get("access"), "oversight", format);
  if (!grant || grant.report !== "oversight") {
    const wanted = Number(url.searchParams.get("year"));
    const years = await oversightYears();
    const year = years.includes(wanted) ? wanted : years[0];
    if (year === undefined) notFound();
    throw redirect(downloadFormHref({ report: "oversight", format, year }), 303);
  }
  const { locale, t } = requestTranslator(request, actor.user.locale);
  const ret = await oversightReturn(actor, grant.year);
  const headers = (type: string) => ({
    "Content-Type": type,
    "Content-Disposition": `attachment; filename="oversight-return-${grant.year}.${format}"`,
    "Cache-Control": "private, no-store",
  });
  return { ret, locale, t, headers };
}
