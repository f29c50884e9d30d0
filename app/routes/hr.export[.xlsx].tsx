import type { LoaderFunctionArgs } from "@remix-run/node";
import { Readable } from "node:stream";
import { complianceXlsxStream } from "~/modules/compliance/compliance.server";
import { requireExport } from "~/modules/compliance/guard.server";

/** Streamed XLSX of the officer's subtree for one cycle, now or as of a day; every download is logged. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, cycle, asOf, locale, t, headers } = await requireExport(request, "xlsx");
  const body = Readable.toWeb(complianceXlsxStream(actor, cycle.id, locale, t, cycle.label, asOf)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: headers("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") });
}
