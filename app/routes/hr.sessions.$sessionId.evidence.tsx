import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/modules/auth/permissions.server";
import { getEvidence } from "~/modules/attendance/sessions.server";
import { notFound } from "~/utils/http.server";

/** The signed sheet, as uploaded. Sent as a download, never rendered inline. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const file = await getEvidence(actor, params.sessionId!);
  if (!file) notFound();
  const ascii = file.fileName.replace(/[^\x20-\x7e]/g, "_");
  return new Response(file.content, {
    headers: {
      "Content-Type": file.mediaType,
      "Content-Length": String(file.size),
      "Content-Disposition": `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      "X-Content-Type-Options": "nosniff",
      "Cache-Control": "private, no-store",
    },
  });
}
