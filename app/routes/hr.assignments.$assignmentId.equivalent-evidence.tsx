import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/modules/auth/permissions.server";
import { evidenceResponse } from "~/modules/attendance/sessions.server";
import { getEquivalentEvidence } from "~/modules/obligations/equivalents.server";
import { notFound } from "~/utils/http.server";

/** The certificate of completion of a recognised equivalent course, as a download under the server's name. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const file = await getEquivalentEvidence(actor, params.assignmentId!);
  if (!file) notFound();
  return evidenceResponse(file, file.downloadName);
}
