import type { LoaderFunctionArgs } from "@remix-run/node";
import { complianceCsvStream } from "~/modules/compliance/compliance.server";
import { requireExport } from "~/modules/compliance/guard.server";

/** Streamed CSV of the officer's subtree for one cycle, now or as of a day; every download is logged. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, cycle, asOf, locale, t, headers } = await requireExport(request, "csv");
  return new Response(complianceCsvStream(actor, cycle.id, locale, t, asOf), { headers: headers("text/csv; charset=utf-8") });
}
