import { randomBytes } from "node:crypto";
import type { RequestHandler } from "express";
import helmet from "helmet";

type Locals = { cspNonce?: string };

/**
 * Response headers every page carries, from helmet:
 * - a Content-Security-Policy whose scripts must carry this response's nonce
 *   (Remix's own scripts do, see app/entry.server.tsx), nothing loaded from
 *   another origin, no framing by anyone (frame-ancestors 'none'), forms
 *   posting only here;
 * - nosniff, a strict Referrer-Policy, no X-Powered-By, HSTS when served over
 *   HTTPS.
 * In development Vite injects its own scripts and websocket, so the policy is
 * left off there; tests and demos run the production build with it.
 */
export function securityHeaders(production: boolean): RequestHandler[] {
  const nonce: RequestHandler = (_req, res, next) => {
    (res.locals as Locals).cspNonce = randomBytes(16).toString("base64");
    next();
  };
  const headers = helmet({
    contentSecurityPolicy: production
      ? {
          useDefaults: false,
          directives: {
            defaultSrc: ["'self'"],
            scriptSrc: ["'self'", (_req, res) => `'nonce-${((res as unknown as { locals: Locals }).locals.cspNonce ?? "")}'`],
            styleSrc: ["'self'", "'unsafe-inline'"],
            imgSrc: ["'self'", "data:"],
            fontSrc: ["'self'"],
            connectSrc: ["'self'"],
            mediaSrc: ["'self'"],
            objectSrc: ["'none'"],
            baseUri: ["'self'"],
            formAction: ["'self'"],
            frameAncestors: ["'none'"],
          },
        }
      : false,
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: "strict-origin-when-cross-origin" },
    strictTransportSecurity: production ? { maxAge: 31536000, includeSubDomains: true } : false,
  });
  return [nonce, headers];
}

/**
 * `Cache-Control: no-store` on everything the app renders: pages and data
 * carry personal data, and no shared or back-button cache may keep them. A
 * route that means to be cached sets its own header, which replaces this one.
 */
export const noStore: RequestHandler = (_req, res, next) => {
  res.setHeader("Cache-Control", "no-store");
  next();
};

/**
 * The load context Remix hands to loaders and to app/entry.server.tsx, one per request: the
 * response's CSP nonce, and what the request's loaders share (its session lookup, see
 * getCurrentSession), dropped with the request.
 */
export function loadContext(res: { locals: Locals }): { cspNonce: string; requestMemo: Map<string, Promise<unknown>> } {
  return { cspNonce: res.locals.cspNonce ?? "", requestMemo: new Map() };
}
