import type { LoaderFunctionArgs } from "@remix-run/node";
import { Readable } from "node:stream";
import { complianceXlsxStream } from "~/modules/compliance/compliance.server";
import { requireHrCycle } from "~/modules/compliance/guard.server";
import { recordAudit } from "~/modules/audit/audit.server";
import { notFound } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";

/** Streamed XLSX of the officer's subtree for one cycle; every download is logged. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, cycle } = await requireHrCycle(request);
  if (!cycle) notFound();
  const { locale, t } = requestTranslator(request, actor.user.locale);
  await recordAudit({
    actorUserId: actor.userId,
    action: "report.export",
    entityType: "cycle",
    entityId: cycle.id,
    data: { format: "xlsx", scope: actor.hrScopeUnitIds },
  });
  const body = Readable.toWeb(complianceXlsxStream(actor, cycle.id, locale, t, cycle.label)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
      "Content-Disposition": `attachment; filename="compliance-${cycle.label}.xlsx"`,
      "Cache-Control": "private, no-store",
    },
  });
}
