import { json } from "@remix-run/node";

export function notFound(): never {
  throw json({ error: "not-found" }, { status: 404 });
}

export function badRequest(message: string): never {
  throw json({ error: "bad-request", message }, { status: 400 });
}

/** Only same-site relative paths may be redirect targets. */
export function safeRedirectPath(value: unknown, fallback = "/"): string {
  if (typeof value !== "string" || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) {
    return fallback;
  }
  return value;
}
