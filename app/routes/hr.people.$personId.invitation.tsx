import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { z } from "zod";
import { sendInvitationAsOfficer } from "~/modules/auth/accounts.server";
import { requireRole } from "~/modules/auth/permissions.server";
import { notFound, safeRedirectPath } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";
import { invitationOutcome } from "~/modules/auth/invitation-outcome";

const Schema = z.object({ redirectTo: z.string().max(2000).optional() });

/** An HR officer sends someone in their scope a new invitation; back to the page it was sent from. */
export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const parsed = Schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success || !z.string().uuid().safeParse(params.personId).success) notFound();
  const { locale } = requestTranslator(request, actor.user.locale);
  const result = await sendInvitationAsOfficer(actor, params.personId!, locale);
  if (!result) notFound();
  // Back to the page it was sent from, which says what happened.
  const back = new URL(safeRedirectPath(parsed.data.redirectTo, "/hr"), "http://app.invalid");
  back.searchParams.set(invitationOutcome.param, result.ok ? "sent" : result.reason);
  return redirect(back.pathname + back.search);
}

export function loader() {
  return notFound();
}
