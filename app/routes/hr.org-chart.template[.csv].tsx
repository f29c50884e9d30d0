import type { LoaderFunctionArgs } from "@remix-run/node";
import { requireRole } from "~/modules/auth/permissions.server";
import { chartTemplateCsv } from "~/modules/org/chart-file.server";

/** The unit file's template: Korean headers, a new unit and a merge. Names nobody. */
export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "HR_OFFICER", "SYSTEM_ADMIN");
  return new Response(chartTemplateCsv(), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="org-chart-template.csv"; filename*=UTF-8''${encodeURIComponent("조직자료_양식.csv")}`,
      "Cache-Control": "private, no-store",
    },
  });
}
