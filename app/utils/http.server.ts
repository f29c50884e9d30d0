import { json } from "@remix-run/node";

export function notFound(): never {
  throw json({ error: "not-found" }, { status: 404 });
}

export function badRequest(message: string): never {
  throw json({ error: "bad-request", message }, { status: 400 });
}

/**
 * A redirect target from the request, kept on this site: resolved against a
 * stand-in origin, it must stay there. Control characters (a browser drops a
 * tab, turning "/<tab>/evil.example" into "//evil.example") and backslashes are
 * refused outright.
 */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  // eslint-disable-next-line no-control-regex
  if (typeof value !== "string" || !value.startsWith("/") || /[\u0000-\u001f\u007f\\]/.test(value)) return fallback;
  const base = "http://app.invalid";
  try {
    const url = new URL(value, base);
    if (url.origin !== base) return fallback;
    return url.pathname + url.search + url.hash;
  } catch {
    return fallback;
  }
}

/** The client's address, as the server took it from the socket (`getLoadContext`). */
export function clientIp(context: unknown): string | null {
  return (context as { ip?: string | null } | undefined)?.ip ?? null;
}

/** What a new session records about where it was opened. */
export function sessionMeta(request: Request, context: unknown): { ipAddress: string | null; userAgent: string | null } {
  return { ipAddress: clientIp(context), userAgent: request.headers.get("User-Agent") };
}
