import { generateHOTP } from "@oslojs/otp";
import { prisma } from "~/utils/db.server";

/**
 * The code an authenticator app holding this account's key shows now, or
 * for the next step when this one's code was already used (each code opens
 * the account once); waits for the step to come when the next is also taken.
 */
export async function currentTotpCode(email: string): Promise<string> {
  const row = await prisma.totpCredential.findFirstOrThrow({ where: { user: { email: email.toLowerCase() } }, select: { key: true, lastStep: true } });
  for (;;) {
    const now = BigInt(Math.floor(Date.now() / 30_000));
    const step = row.lastStep === null || row.lastStep < now ? now : row.lastStep + 1n;
    if (step <= now + 1n) return generateHOTP(new Uint8Array(row.key), step, 6);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

export { totpCodeForKeyText } from "../scripts/totp-code";
