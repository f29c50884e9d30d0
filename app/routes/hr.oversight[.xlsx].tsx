import type { LoaderFunctionArgs } from "@remix-run/node";
import { Readable } from "node:stream";
import { requireOversightFile } from "~/modules/reporting/oversight-guard.server";
import { oversightXlsxStream } from "~/modules/reporting/oversight.server";

/** The oversight return as a streamed workbook, once its download is recorded with a purpose. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { ret, locale, t, headers } = await requireOversightFile(request, "xlsx");
  const body = Readable.toWeb(oversightXlsxStream(ret, locale, t)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: headers("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") });
}
