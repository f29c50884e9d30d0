import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { ssoEnabled, startSignIn } from "~/modules/auth/sso.server";
import { notFound } from "~/utils/http.server";

const Schema = z.object({ redirectTo: z.string().max(2000).optional() });

/** "Sign in with the staff portal": off to the city's identity provider, the flow remembered in a sealed cookie. */
export async function action({ request }: ActionFunctionArgs) {
  if (!ssoEnabled()) notFound();
  const parsed = Schema.safeParse(Object.fromEntries(await request.formData()));
  const { url, cookie } = await startSignIn(parsed.success ? parsed.data.redirectTo : undefined);
  return redirect(url, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
}

export function loader() {
  return redirect("/login");
}
