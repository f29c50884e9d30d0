import compression from "compression";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { getEnv } from "./app/utils/env.server";
import { originGuard } from "./app/utils/origin.server";
import { queueBoard, requireSystemAdmin } from "./app/modules/ops/queue-board.server";
import { loadContext, noStore, securityHeaders } from "./app/utils/security-headers.server";
import { requestLimits } from "./app/utils/request-limits.server";
import { MAX_IMPORT_BYTES } from "./app/modules/personnel/import.server";
import { MAX_EVIDENCE_BYTES } from "./app/modules/attendance/sessions.server";
import { SEAL_FORM_BYTES } from "./app/modules/certificates/seal.server";

// Fail fast on a bad environment before listening.
const env = getEnv();
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST ?? "127.0.0.1";

const viteDevServer =
  env.NODE_ENV === "production"
    ? undefined
    : await import("vite").then((vite) => vite.createServer({ server: { middlewareMode: true } }));

const app = express();
app.disable("x-powered-by");
app.use(securityHeaders(env.NODE_ENV === "production"));
app.use(compression());
app.use(originGuard(env.APP_ORIGIN));
// Forms are small; the upload forms take their file plus a little room for the other fields (the seal's form
// takes more than a seal may be, so that a file slightly too big is refused on the page, in words).
app.use(requestLimits({ formBytes: 256 * 1024, uploads: { "/hr/import": MAX_IMPORT_BYTES + 64 * 1024, "/hr/org-chart/import": MAX_IMPORT_BYTES + 64 * 1024, "/hr/sessions/new": MAX_EVIDENCE_BYTES + 64 * 1024, "/hr/assignments/:assignmentId": MAX_EVIDENCE_BYTES + 64 * 1024, "/admin/seal": SEAL_FORM_BYTES } }));

// The board's page asks for a web font from a public host; the Content-Security-Policy stops that
// request, so an admin page never reaches outside (the board falls back to the system font).
app.use("/admin/queues", noStore, requireSystemAdmin, queueBoard("/admin/queues"));

if (viteDevServer) {
  app.use(viteDevServer.middlewares);
} else {
  app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
  app.use(express.static("build/client", { maxAge: "1h" }));
}

const build = viteDevServer
  ? () => viteDevServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>
  : ((await import(new URL("./build/server/index.js", import.meta.url).href)) as ServerBuild);

// The client's address reaches loaders and actions (sign-in and link requests are limited per address),
// and the response's CSP nonce reaches the document (app/entry.server.tsx).
app.all(
  "*",
  noStore,
  createRequestHandler({ build, mode: env.NODE_ENV, getLoadContext: (req, res) => ({ ...loadContext(res), ip: req.socket.remoteAddress ?? null }) }),
);

const server = app.listen(port, host, () => {
  console.log(`Human rights education app listening on ${env.APP_ORIGIN} (bound to ${host}:${port})`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
