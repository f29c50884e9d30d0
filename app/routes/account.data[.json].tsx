import type { LoaderFunctionArgs } from "@remix-run/node";
import { exportMyData } from "~/modules/auth/accounts.server";
import { requireSession } from "~/modules/auth/session.server";

/** The signed-in person's own data as a JSON file. */
export async function loader({ request }: LoaderFunctionArgs) {
  const current = await requireSession(request);
  const data = await exportMyData(current.userId);
  return new Response(JSON.stringify(data, null, 2), {
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Content-Disposition": `attachment; filename="my-data.json"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
