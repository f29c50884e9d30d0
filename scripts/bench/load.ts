/** A small HTTP load generator: keep-alive connections, each sending its next request when the last one answered. */
import http from "node:http";
import { quantile, type Rate } from "./measure";

export interface LoadOptions {
  /** Concurrent connections, each with one request in flight at a time. */
  connections: number;
  /** Each connection sends requests until this much time has passed (at least one each). */
  durationMs: number;
  headers?: Record<string, string>;
}

/**
 * GET `url` from `connections` keep-alive connections for `durationMs`: requests per second over
 * the whole run (until the last answer), p50 and p99 of the latencies. Any answer other than the
 * `expect`ed status fails the run, with the status and the start of the body.
 */
export async function load(url: string, opts: LoadOptions & { expect?: number }): Promise<Rate> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections, maxFreeSockets: opts.connections });
  const target = new URL(url);
  const latencies: number[] = [];
  const started = performance.now();
  const expect = opts.expect ?? 200;
  const one = () =>
    new Promise<void>((resolve, reject) => {
      const t0 = performance.now();
      const req = http.get({ host: target.hostname, port: target.port, path: target.pathname + target.search, agent, headers: opts.headers }, (res) => {
        let head = "";
        res.on("data", (c: Buffer) => {
          if (res.statusCode !== expect && head.length < 300) head += c.toString();
        });
        res.on("end", () => {
          if (res.statusCode !== expect) return reject(new Error(`GET ${target.pathname}: ${res.statusCode} ${res.headers.location ?? head.replace(/\s+/g, " ").slice(0, 120)}`));
          latencies.push(performance.now() - t0);
          resolve();
        });
        res.on("error", reject);
      });
      req.on("error", reject);
    });
  try {
    await Promise.all(
      Array.from({ length: opts.connections }, async () => {
        do await one();
        while (performance.now() - started < opts.durationMs);
      }),
    );
  } finally {
    agent.destroy();
  }
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / seconds, count: latencies.length, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99) };
}

/** One request, for signing in and the like: status, headers and body. */
export function request(
  url: string,
  opts: { method?: "GET" | "POST"; headers?: Record<string, string>; form?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const target = new URL(url);
  const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
  const headers: Record<string, string> = { ...opts.headers };
  if (body !== undefined) {
    headers["Content-Type"] = "application/x-www-form-urlencoded";
    headers["Content-Length"] = String(Buffer.byteLength(body));
    headers.Origin = target.origin;
  }
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: opts.method ?? (body !== undefined ? "POST" : "GET"), headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** The `name=value` pairs a response sets, to send back as a Cookie header. */
export function cookiesFrom(headers: http.IncomingHttpHeaders, jar: Map<string, string> = new Map()): Map<string, string> {
  for (const line of headers["set-cookie"] ?? []) {
    const [pair] = line.split(";");
    const eq = pair!.indexOf("=");
    const name = pair!.slice(0, eq).trim();
    const value = pair!.slice(eq + 1).trim();
    if (value === "") jar.delete(name);
    else jar.set(name, value);
  }
  return jar;
}

export function cookieHeader(jar: Map<string, string>): string {
  return [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
}
