import { checkHealth } from "~/modules/ops/health.server";

/** Liveness and readiness for load balancers and the quick start. */
export async function loader() {
  const health = await checkHealth();
  return Response.json(
    { status: health.ok ? "ok" : "degraded", checks: health.checks },
    { status: health.ok ? 200 : 503, headers: { "Cache-Control": "no-store" } },
  );
}
