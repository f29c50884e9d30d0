import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { getCurrentSession } from "~/modules/auth/session.server";
import { saveUserLocale } from "~/modules/auth/account.server";
import { badRequest, safeRedirectPath } from "~/utils/http.server";
import { isLocale } from "~/utils/i18n";
import { localeCookie } from "~/utils/locale.server";

/** Switch the reading language; remembered in a cookie and on the account. */
export async function action({ request }: ActionFunctionArgs) {
  const form = await request.formData();
  const locale = form.get("locale");
  if (!isLocale(locale)) badRequest("locale");
  const current = await getCurrentSession(request);
  if (current) await saveUserLocale(current.userId, locale);
  return redirect(safeRedirectPath(form.get("redirectTo")), { headers: { "Set-Cookie": localeCookie(locale) } });
}

export function loader() {
  return redirect("/");
}
