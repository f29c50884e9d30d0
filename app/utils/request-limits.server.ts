import type { RequestHandler } from "express";
import { translator } from "./i18n";
import { resolveLocale } from "./locale.server";

/**
 * What a request may carry, checked before anything reads it. The app's
 * forms send URL-encoded fields, or multipart with a file on the upload
 * routes; a body of any other kind, a multipart body without its boundary, a
 * body without a declared length, or one over its route's limit is refused
 * here with a 4xx in the reader's language, instead of failing inside a
 * parser with a 500.
 */
export interface RequestLimits {
  /** Largest URL-encoded form, in bytes. */
  formBytes: number;
  /**
   * Paths that take a file upload, with the largest multipart body each accepts. A path may have
   * `:name` segments, each standing for one segment of the address ("/hr/assignments/:id").
   */
  uploads: Record<string, number>;
}

/** The upload limit of a path: an exact entry, else the first entry whose `:name` segments match. */
function uploadLimit(uploads: Record<string, number>, path: string): number | undefined {
  if (uploads[path] !== undefined) return uploads[path];
  const segments = path.split("/");
  for (const [pattern, limit] of Object.entries(uploads)) {
    const parts = pattern.split("/");
    if (parts.length === segments.length && parts.every((p, i) => (p.startsWith(":") ? segments[i] !== "" : p === segments[i]))) return limit;
  }
  return undefined;
}

const BODY_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export function requestLimits(limits: RequestLimits): RequestHandler {
  return (req, res, next) => {
    if (!BODY_METHODS.has(req.method)) return next();
    const refuse = (status: number, key: string, vars: Record<string, unknown> = {}) => {
      const request = new Request("http://local/", { headers: { cookie: req.get("cookie") ?? "" } });
      const t = translator(resolveLocale(request));
      res.status(status).type("text/plain; charset=utf-8").set("Cache-Control", "no-store").send(t(`errors.${key}`, vars));
    };
    const length = req.get("content-length");
    const chunked = (req.get("transfer-encoding") ?? "").toLowerCase().includes("chunked");
    if (length === undefined && !chunked) return next(); // no body at all
    if (length === undefined) return refuse(411, "lengthRequired");
    const bytes = Number(length);
    const type = (req.get("content-type") ?? "").toLowerCase();
    // Remix's own submissions post to the route's path with ".data" appended (single fetch).
    const upload = uploadLimit(limits.uploads, req.path.replace(/\.data$/, ""));
    if (type.startsWith("multipart/form-data")) {
      if (upload === undefined) return refuse(415, "bodyType");
      if (!/;\s*boundary=("[^"]+"|[^;\s]+)/.test(type)) return refuse(400, "bodyMalformed");
      if (bytes > upload) return refuse(413, "bodyTooLarge", { kb: Math.floor(upload / 1024) });
      return next();
    }
    if (type.startsWith("application/x-www-form-urlencoded") || (type === "" && bytes === 0)) {
      if (bytes > limits.formBytes) return refuse(413, "bodyTooLarge", { kb: Math.floor(limits.formBytes / 1024) });
      return next();
    }
    return refuse(415, "bodyType");
  };
}
