import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import { Queue } from "bullmq";
import type { RequestHandler } from "express";
import { loadActor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { QUEUES } from "~/utils/queues.server";
import { newWorkerConnection, quietErrors } from "~/utils/redis.server";

/** Bull Board over every queue, for system administrators only. */
export function queueBoard(basePath: string) {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(basePath);
  const connection = newWorkerConnection();
  createBullBoard({
    queues: Object.values(QUEUES).map((name) => {
      const queue = new Queue(name, { connection });
      quietErrors(queue, `board ${name}`);
      return new BullMQAdapter(queue);
    }),
    serverAdapter: adapter,
  });
  const router = adapter.getRouter() as RequestHandler & { disable?: (setting: string) => void };
  // The board is its own Express app: it must not announce the framework either.
  router.disable?.("x-powered-by");
  return router;
}

/** The session guard in front of the board: 403 for anyone but a system administrator. */
export const requireSystemAdmin: RequestHandler = async (req, res, next) => {
  try {
    const request = new Request(`http://internal${req.originalUrl}`, { headers: { cookie: req.get("cookie") ?? "" } });
    const current = await getCurrentSession(request);
    if (!current) return res.redirect(`/login?redirectTo=${encodeURIComponent(req.originalUrl)}`);
    const actor = await loadActor(current);
    if (!actor.roles.has("SYSTEM_ADMIN")) return res.status(403).type("text/plain; charset=utf-8").send("권한이 없습니다. Forbidden.");
    next();
  } catch (e) {
    next(e);
  }
};
