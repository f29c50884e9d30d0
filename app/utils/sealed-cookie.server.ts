import { hmac } from "@oslojs/crypto/hmac";
import { SHA256 } from "@oslojs/crypto/sha2";
import { constantTimeEqual } from "@oslojs/crypto/subtle";
import { decodeBase64urlIgnorePadding, encodeBase64urlNoPadding } from "@oslojs/encoding";
import { getEnv } from "~/utils/env.server";

/**
 * A short-lived cookie that carries a small JSON value the browser may hold
 * but cannot change: sealed with an HMAC under a key derived from
 * `LINK_SECRET` and the cookie's purpose, so a value sealed for one purpose
 * is refused by another. It is signed, not encrypted: put nothing in it the
 * browser may not see. Values older than `minutes` are refused.
 */
export function sealedCookie<T extends object>(opts: { name: string; path: string; purpose: string; minutes: number; sameSite: "Lax" | "Strict" }) {
  const mac = (payload: string) =>
    encodeBase64urlNoPadding(hmac(SHA256, new TextEncoder().encode(`${opts.purpose}:${getEnv().LINK_SECRET}`), new TextEncoder().encode(payload)));

  const header = (value: string, maxAge: number) => {
    const secure = getEnv().APP_ORIGIN.startsWith("https:") ? "; Secure" : "";
    return `${opts.name}=${value}; Path=${opts.path}; HttpOnly; SameSite=${opts.sameSite}; Max-Age=${maxAge}${secure}`;
  };

  const seal = (value: T): string => {
    const payload = encodeBase64urlNoPadding(new TextEncoder().encode(JSON.stringify({ ...value, sealedAt: Date.now() })));
    return `${payload}.${mac(payload)}`;
  };

  return {
    seal,
    /** The Set-Cookie header that hands the browser this value. */
    set: (value: T) => header(seal(value), opts.minutes * 60),
    clear: () => header("", 0),
    read(request: Request): T | null {
      for (const part of (request.headers.get("Cookie") ?? "").split(";")) {
        const [name, ...rest] = part.trim().split("=");
        if (name !== opts.name) continue;
        const [payload, tag] = rest.join("=").split(".");
        if (!payload || !tag) return null;
        if (!constantTimeEqual(new TextEncoder().encode(mac(payload)), new TextEncoder().encode(tag))) return null;
        try {
          const value = JSON.parse(new TextDecoder().decode(decodeBase64urlIgnorePadding(payload))) as T & { sealedAt: number };
          if (typeof value.sealedAt !== "number" || Date.now() - value.sealedAt > opts.minutes * 60_000) return null;
          return value;
        } catch {
          return null;
        }
      }
      return null;
    },
  };
}
