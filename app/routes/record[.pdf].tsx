import type { LoaderFunctionArgs } from "@remix-run/node";
import { Readable } from "node:stream";
import { requireLearner } from "~/modules/learning/guard.server";
import { learnerRecord, recordHolder } from "~/modules/learning/record.server";
import { renderTranscriptPdf } from "~/modules/learning/transcript-pdf.server";
import { now } from "~/utils/clock.server";
import { seoulDateKey } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";

/** The signed-in learner's record as a PDF transcript in their language; only their own. */
export async function loader({ request }: LoaderFunctionArgs) {
  const learner = await requireLearner(request);
  const { personId } = learner;
  const { locale, t } = requestTranslator(request, learner.locale);
  const [holder, years] = await Promise.all([recordHolder(personId), learnerRecord(personId)]);
  const printedAt = now();
  const body = Readable.toWeb(renderTranscriptPdf(holder, years, locale, t, printedAt)) as ReadableStream<Uint8Array>;
  return new Response(body, {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="training-record-${seoulDateKey(printedAt)}.pdf"`,
      "Cache-Control": "private, no-store",
    },
  });
}
