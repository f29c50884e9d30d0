import type { LoaderFunctionArgs } from "@remix-run/node";
import { Readable } from "node:stream";
import { requireOversightFile } from "~/modules/reporting/oversight-guard.server";
import { oversightPdfStream } from "~/modules/reporting/oversight.server";

/** The oversight return as a PDF to hand in, once its download is recorded with a purpose. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { ret, locale, t, headers } = await requireOversightFile(request, "pdf");
  const body = Readable.toWeb(oversightPdfStream(ret, locale, t)) as ReadableStream<Uint8Array>;
  return new Response(body, { headers: headers("application/pdf") });
}
