import type { LoaderFunctionArgs } from "@remix-run/node";
import { Readable } from "node:stream";
import { requireActor } from "~/modules/auth/permissions.server";
import { getCertificateForActor } from "~/modules/certificates/certificates.server";
import { renderCertificatePdf } from "~/modules/certificates/pdf.server";
import { sealInForce } from "~/modules/certificates/seal.server";
import { notFound } from "~/utils/http.server";

/** The certificate PDF, streamed; only its holder and officers over their unit may download it. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const cert = await getCertificateForActor(actor, params.certificateId!);
  if (!cert) notFound();
  const body = Readable.toWeb(renderCertificatePdf(cert, await sealInForce(cert.issuedAt))) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="certificate-${cert.number}.pdf"`,
      "Cache-Control": "private, no-store",
    },
  });
}
