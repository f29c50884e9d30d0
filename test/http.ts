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

/**
 * A multipart upload of one file (and any other fields), as a browser sends a file input. The body
 * arrives in 64 KiB pieces, as it does from a socket: Remix's multipart parser
 * overflows its stack on a single chunk holding a hundred thousand CRLF lines.
 */
export async function postFile(path: string, field: string, fileName: string, text: string | Uint8Array, cookie?: string, fields: Record<string, string> = {}): Promise<Request> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set(field, new File([typeof text === "string" ? text : new Uint8Array(text)], fileName, { type: typeof text === "string" ? "text/csv" : "application/octet-stream" }));
  const encoded = new Response(form);
  const bytes = new Uint8Array(await encoded.arrayBuffer());
  let at = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (at >= bytes.length) return controller.close();
      controller.enqueue(bytes.subarray(at, (at += 64 * 1024)));
    },
  });
  return new Request(`${ORIGIN}${path}`, {
    method: "POST",
    body,
    duplex: "half",
    headers: { "Content-Type": encoded.headers.get("Content-Type")!, Origin: ORIGIN, ...(cookie ? { Cookie: cookie } : {}) },
  } as RequestInit);
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
