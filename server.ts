import compression from "compression";
import express from "express";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import { getEnv } from "./app/utils/env.server";
import { originGuard } from "./app/utils/origin.server";
import { queueBoard, requireSystemAdmin } from "./app/modules/ops/queue-board.server";

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
app.use(compression());
app.use(originGuard(env.APP_ORIGIN));

app.use("/admin/queues", requireSystemAdmin, queueBoard("/admin/queues"));

if (viteDevServer) {
  app.use(viteDevServer.middlewares);
} else {
  app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
  app.use(express.static("build/client", { maxAge: "1h" }));
}

const build = viteDevServer
  ? () => viteDevServer.ssrLoadModule("virtual:remix/server-build") as Promise<ServerBuild>
  : ((await import(new URL("./build/server/index.js", import.meta.url).href)) as ServerBuild);

// The client's address reaches loaders and actions (sign-in and link requests are limited per address).
app.all("*", createRequestHandler({ build, mode: env.NODE_ENV, getLoadContext: (req) => ({ ip: req.socket.remoteAddress ?? null }) }));

const server = app.listen(port, host, () => {
  console.log(`Human rights education app listening on ${env.APP_ORIGIN} (bound to ${host}:${port})`);
});

for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 5000).unref();
  });
}
