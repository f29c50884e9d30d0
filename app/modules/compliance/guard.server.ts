import { json } from "@remix-run/node";
import { requireRole, type Actor } from "~/modules/auth/permissions.server";
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
