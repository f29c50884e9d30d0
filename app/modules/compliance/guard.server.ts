import { json } from "@remix-run/node";
import { requireRole, type Actor } from "~/modules/auth/permissions.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { requestTranslator } from "~/utils/locale.server";
import { listCycles, type CycleOption } from "./compliance.server";

/** HR officer guard plus the cycle chosen in ?cycle= (default: the newest open cycle). */
export async function requireHrCycle(request: Request): Promise<{ actor: Actor; cycles: CycleOption[]; cycle: CycleOption | null }> {
  const actor = await requireRole(request, "HR_OFFICER");
  const cycles = await listCycles();
  const wanted = new URL(request.url).searchParams.get("cycle");
  if (wanted && !cycles.some((c) => c.id === wanted)) throw json({ error: "not-found" }, { status: 404 });
  const cycle = cycles.find((c) => c.id === wanted) ?? cycles.find((c) => c.status === "OPEN") ?? cycles[0] ?? null;
  return { actor, cycles, cycle };
}

/** Guard of the export routes: an HR officer, a cycle, the reader's language, and the download logged. */
export async function requireExport(request: Request, format: "csv" | "xlsx") {
  const { actor, cycle } = await requireHrCycle(request);
  if (!cycle) throw json({ error: "not-found" }, { status: 404 });
  const { locale, t } = requestTranslator(request, actor.user.locale);
  await recordAudit({
    actorUserId: actor.userId,
    action: "report.export",
    entityType: "cycle",
    entityId: cycle.id,
    data: { format, scope: actor.hrScopeUnitIds },
  });
  const headers = (type: string) => ({
    "Content-Type": type,
    "Content-Disposition": `attachment; filename="compliance-${cycle.label}.${format}"`,
    "Cache-Control": "private, no-store",
  });
  return { actor, cycle, locale, t, headers };
}
