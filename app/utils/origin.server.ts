import type { RequestHandler } from "express";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Whether a state-changing request came from our own pages. Browsers send
 * Origin on every cross-site and same-site POST; Referer is the fallback for
 * old clients. A request with neither is refused.
 */
export function isSameOriginRequest(
  method: string,
  headers: { origin?: string | null; referer?: string | null },
  appOrigin: string,
): boolean {
  if (SAFE.has(method.toUpperCase())) return true;
  const expected = new URL(appOrigin).origin;
  if (headers.origin) return headers.origin === expected;
  if (headers.referer) {
    try {
      return new URL(headers.referer).origin === expected;
    } catch {
      return false;
    }
  }
  return false;
}

export function originGuard(appOrigin: string): RequestHandler {
  return (req, res, next) => {
    if (isSameOriginRequest(req.method, { origin: req.get("origin"), referer: req.get("referer") }, appOrigin)) {
      return next();
    }
    res
      .status(403)
      .type("text/plain; charset=utf-8")
      .send("요청 출처를 확인할 수 없어 거부했습니다. 페이지를 새로 고친 뒤 다시 시도하세요.\nRequest refused: its origin could not be verified. Reload the page and try again.");
  };
}
