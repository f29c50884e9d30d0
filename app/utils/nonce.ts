import { createContext, useContext } from "react";

/**
 * The per-response nonce of the Content-Security-Policy (set by the server in
 * app/utils/security-headers.server.ts). Server rendering provides it; in the
 * browser it is empty, which React ignores.
 */
export const NonceContext = createContext("");

export function useNonce(): string {
  return useContext(NonceContext);
}
