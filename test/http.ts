import { createUserSession } from "~/modules/auth/session.server";

const ORIGIN = "http://127.0.0.1:3999";

/** The cookie a browser would send after signing in as this user. */
export async function sessionCookieFor(userId: string): Promise<string> {
  const setCookie = await createUserSession(userId, { ipAddress: "127.0.0.1", userAgent: "vitest" });
  return setCookie.split(";")[0]!;
}

export function getRequest(path: string, cookie?: string): Request {
  return new Request(`${ORIGIN}${path}`, { headers: cookie ? { Cookie: cookie } : {} });
}

export function postForm(path: string, fields: Record<string, string> | Array<[string, string]>, cookie?: string): Request {
  const body = new URLSearchParams(Array.isArray(fields) ? fields : Object.entries(fields));
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    body,
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, ...(cookie ? { Cookie: cookie } : {}) },
  });
}

/** Run a loader or action and return its Response, whether it returned or threw one. */
export async function respond(fn: () => Promise<unknown>): Promise<Response> {
  try {
    const result = await fn();
    if (result instanceof Response) return result;
    return Response.json(result);
  } catch (e) {
    if (e instanceof Response) return e;
    // Remix's json() helpers produce objects with init in single-fetch mode
    if (e && typeof e === "object" && "init" in e && "data" in e) {
      const d = e as { data: unknown; init: ResponseInit | null };
      return Response.json(d.data, d.init ?? {});
    }
    throw e;
  }
}
