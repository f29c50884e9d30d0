/** What became of an invitation an HR officer sent, as carried back to the page (client-safe). */
export const invitationOutcome = {
  param: "invitation",
  values: ["sent", "not-found", "has-account", "left", "sso"] as const,
};
export type InvitationOutcome = (typeof invitationOutcome.values)[number];

export function readInvitationOutcome(search: URLSearchParams): InvitationOutcome | null {
  const value = search.get(invitationOutcome.param);
  return (invitationOutcome.values as readonly string[]).includes(value ?? "") ? (value as InvitationOutcome) : null;
}
