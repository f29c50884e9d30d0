import type { LoaderFunctionArgs } from "@remix-run/node";
import { complianceCsvStream } from "~/modules/compliance/compliance.server";
import { requireHrCycle } from "~/modules/compliance/guard.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { notFound } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";

/** Streamed CSV of the officer's subtree for one cycle; every download is logged. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, cycle } = await requireHrCycle(request);
  if (!cycle) notFound();
  const { locale, t } = requestTranslator(request, actor.user.locale);
  await recordAudit({
    actorUserId: actor.userId,
    action: "report.export",
    entityType: "cycle",
    entityId: cycle.id,
    data: { format: "csv", scope: actor.hrScopeUnitIds },
  });
  return new Response(complianceCsvStream(actor, cycle.id, locale, t), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="compliance-${cycle.label}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
