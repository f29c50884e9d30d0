import type { Role } from "~/generated/prisma/enums";

/** The roles an administrator grants (everyone is a learner already). Shared by the page and the server. */
export const GRANTABLE_ROLES = ["HR_OFFICER", "ACADEMY_ADMIN", "ASSESSOR", "SYSTEM_ADMIN"] as const satisfies readonly Role[];
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];
