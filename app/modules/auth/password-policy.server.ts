import { COMMON_PASSWORDS } from "./common-passwords";

/**
 * What a new password must be, after NIST SP 800-63B (rev. 4): long enough
 * (15 characters, as it is the only factor for most people), not longer than
 * we can reasonably hash, not a known common password, not built from the
 * person's own address, and no rules about character classes.
 */
export const PASSWORD_RULES = { minLength: 15, maxLength: 200 } as const;

export type PasswordProblem = "tooShort" | "tooLong" | "common" | "personal" | "mismatch";

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  if (common) return common;
  common = new Set(COMMON_PASSWORDS.map((p) => p.toLowerCase()));
  return common;
}

/** Length counts characters as people see them (a Hangul syllable is one). */
function length(password: string): number {
  return [...password.normalize("NFC")].length;
}

export function checkNewPassword(password: string, confirm: string, email: string | null): PasswordProblem | null {
  const n = length(password);
  if (n < PASSWORD_RULES.minLength) return "tooShort";
  if (n > PASSWORD_RULES.maxLength) return "tooLong";
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower) || /^(.)\1+$/u.test(password)) return "common";
  const local = email?.split("@")[0]?.toLowerCase();
  if (local && local.length >= 4 && lower.includes(local)) return "personal";
  if (password !== confirm) return "mismatch";
  return null;
}

export type PasswordFormField = "password" | "confirm" | "consent" | "current";

/** Which field a problem belongs to and its message, in the reader's language. */
export function passwordProblemMessage(
  problem: PasswordProblem | "consent" | "current",
  t: (key: string, params?: Record<string, unknown>) => string,
): { field: PasswordFormField; message: string } {
  const field: PasswordFormField =
    problem === "mismatch" ? "confirm" : problem === "consent" ? "consent" : problem === "current" ? "current" : "password";
  return { field, message: t(`account.problem.${problem}`, { min: PASSWORD_RULES.minLength, max: PASSWORD_RULES.maxLength }) };
}
