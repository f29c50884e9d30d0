import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/modules/auth/permissions.server";
import { getOrgUnit } from "~/modules/org/org.server";
import { importTemplateCsv } from "~/modules/personnel/import.server";

/** The personnel file's template: Korean headers and one sample row in the officer's own unit. Names nobody. */
export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  const own = actor.hrScopeUnitIds[0] ? await getOrgUnit(actor.hrScopeUnitIds[0]) : null;
  return new Response(importTemplateCsv(own?.code ?? "UNIT-CODE"), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="personnel-template.csv"; filename*=UTF-8''${encodeURIComponent("인사자료_양식.csv")}`,
      "Cache-Control": "private, no-store",
    },
  });
}
