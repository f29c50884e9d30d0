import { prisma } from "~/utils/db.server";
import { readyProducer } from "~/utils/redis.server";

export interface Health {
  ok: boolean;
  checks: Record<"postgres" | "redis", string>;
}

/** Really asks PostgreSQL and Redis; each check reports "ok" or its error. */
export async function checkHealth(): Promise<Health> {
  const [postgres, redis] = await Promise.all([
    prisma.$queryRaw`SELECT 1`.then(
      () => "ok",
      (e: Error) => `error: ${e.message.slice(0, 200)}`,
    ),
    readyProducer(2000)
      .then((r) => r.ping())
      .then(
        (pong) => (pong === "PONG" ? "ok" : `error: ${pong}`),
        (e: Error) => `error: ${e.message.slice(0, 200)}`,
      ),
  ]);
  return { ok: postgres === "ok" && redis === "ok", checks: { postgres, redis } };
}
