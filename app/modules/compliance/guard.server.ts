import { json, redirect } from "@remix-run/node";
import { requireRole, type Actor } from "~/modules/auth/permissions.server";
import { claimDownload, downloadFormHref } from "~/modules/audit/access.server";
import { badRequest } from "~/utils/http.server";
import { isDateKey, seoulDateKey, seoulDayEnd } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { requestTranslator } from "~/utils/locale.server";
import { listCycles, type CycleOption } from "./compliance.server";

/**
 * The cycle a report opens on when none is chosen: of the open cycles running
 * today (Seoul), the one with the longest period, so the year's annual duty
 * comes before the half-year running beside it; else any open cycle; else the
 * newest.
 */
export function defaultCycle(cycles: CycleOption[], today: string): CycleOption | null {
  const open = cycles.filter((c) => c.status === "OPEN");
  const running = open.filter((c) => c.startsOn <= today && today <= c.endsOn);
  const span = (c: CycleOption) => Date.parse(c.endsOn) - Date.parse(c.startsOn);
  const longest = [...running].sort((a, b) => span(b) - span(a))[0];
  return longest ?? open[0] ?? cycles[0] ?? null;
}

/** HR officer guard plus the cycle chosen in ?cycle= (default: see defaultCycle). */
export async function requireHrCycle(request: Request): Promise<{ actor: Actor; cycles: CycleOption[]; cycle: CycleOption | null }> {
  const actor = await requireRole(request, "HR_OFFICER");
  return { actor, ...(await chosenCycle(request, actor.hrScopeUnitIds)) };
}

/** The cycles a report offers and the one chosen in ?cycle= (default: see defaultCycle); an unknown one is a 404. */
export async function chosenCycle(request: Request, scopeUnitIds: string[]): Promise<{ cycles: CycleOption[]; cycle: CycleOption | null }> {
  const cycles = await listCycles(scopeUnitIds);
  const wanted = new URL(request.url).searchParams.get("cycle");
  if (wanted && !cycles.some((c) => c.id === wanted)) throw json({ error: "not-found" }, { status: 404 });
  const cycle = cycles.find((c) => c.id === wanted) ?? defaultCycle(cycles, seoulDateKey(now()));
  return { cycles, cycle };
}

/**
 * The view's date from ?asOf=YYYY-MM-DD: the end of that day in Seoul ("who
 * was compliant on 31 December"), or null for now. Anything else is a 400.
 */
export function readAsOf(search: URLSearchParams): { asOf: Date | null; asOfParam: string | null } {
  const asOfParam = search.get("asOf") || null;
  if (asOfParam === null) return { asOf: null, asOfParam };
  if (!isDateKey(asOfParam)) badRequest("asOf");
  return { asOf: seoulDayEnd(asOfParam), asOfParam };
}

/**
 * Guard of the export routes: an HR officer, the reader's language, and a
 * download already recorded with its purpose (?access=, see
 * recordDownload). Without one — a bookmark, an old or borrowed link — the
 * person is sent to the form that asks why; nothing is exported.
 */
export async function requireExport(request: Request, format: "csv" | "xlsx") {
  const actor = await requireRole(request, "HR_OFFICER");
  const url = new URL(request.url);
  const grant = await claimDownload(actor, url.searchParams.get("access"), "compliance", format);
  if (!grant || grant.report !== "compliance") {
    const cycles = await listCycles(actor.hrScopeUnitIds);
    const wanted = url.searchParams.get("cycle");
    // A cycle the reader is not offered (another city's) is not there for them, as on /hr.
    if (wanted && !cycles.some((c) => c.id === wanted)) throw json({ error: "not-found" }, { status: 404 });
    const cycle = cycles.find((c) => c.id === wanted) ?? defaultCycle(cycles, seoulDateKey(now()));
    if (!cycle) throw json({ error: "not-found" }, { status: 404 });
    throw redirect(downloadFormHref({ report: "compliance", format, cycleId: cycle.id }), 303);
  }
  const cycle = (await listCycles()).find((c) => c.id === grant.cycleId);
  if (!cycle) throw json({ error: "not-found" }, { status: 404 });
  const asOf = grant.asOf ? seoulDayEnd(grant.asOf) : null;
  const { locale, t } = requestTranslator(request, actor.user.locale);
  const headers = (type: string) => ({
    "Content-Type": type,
    "Content-Disposition": `attachment; filename="compliance-${cycle.label}${grant.asOf ? `-as-of-${grant.asOf}` : ""}.${format}"`,
    "Cache-Control": "private, no-store",
  });
  return { actor, cycle, asOf, locale, t, headers };
}
