/**
 * A stand-in authenticator app for the demo and for people testing on a
 * machine without a phone: prints the current 6-digit code for a key as the
 * set-up page shows it (base32, spaces allowed).
 *
 *   npm run totp -- "RN3Y X3FH LN5A HVY5 PFSY FECJ WD5T RV5S"
 */
import { decodeBase32IgnorePadding } from "@oslojs/encoding";
import { generateHOTP } from "@oslojs/otp";

/** The code an app holding this key shows now (or `stepOffset` 30-second steps from now). */
export function totpCodeForKeyText(keyText: string, stepOffset = 0): string {
  const key = decodeBase32IgnorePadding(keyText.replace(/\s/g, "").toUpperCase());
  return generateHOTP(key, BigInt(Math.floor(Date.now() / 30_000) + stepOffset), 6);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const keyText = process.argv.slice(2).join("");
  if (!/^[A-Za-z2-7\s]{16,}$/.test(keyText)) {
    console.error('usage: npm run totp -- "KEY AS SHOWN ON THE SET-UP PAGE"');
    process.exit(2);
  }
  const left = 30 - (Math.floor(Date.now() / 1000) % 30);
  console.log(`${totpCodeForKeyText(keyText)}   (good for ${left} more seconds, once)`);
}
