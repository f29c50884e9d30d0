import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/modules/auth/permissions.server";
import { evidenceResponse, getEvidence } from "~/modules/attendance/sessions.server";
import { notFound } from "~/utils/http.server";

/** The signed sheet, as uploaded, under a name the server gives it. Sent as a download, never rendered inline. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const file = await getEvidence(actor, params.sessionId!);
  if (!file) notFound();
  return evidenceResponse(file, file.downloadName);
}
