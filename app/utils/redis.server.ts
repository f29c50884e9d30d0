import { Redis, type RedisOptions } from "ioredis";
import { getEnv } from "./env.server";

declare global {
  var __redis: Redis | undefined;
}

/**
 * Connection for producers (the web process): commands fail fast while Redis
 * is down instead of queueing in memory, so a request gets a clear error.
 */
export function producerConnection(): Redis {
  return (globalThis.__redis ??= new Redis(getEnv().REDIS_URL, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    lazyConnect: false,
  }));
}

/** Options for workers: wait and reconnect forever (BullMQ requires maxRetriesPerRequest null). */
export function workerConnectionOptions(): RedisOptions {
  return { maxRetriesPerRequest: null };
}

export function newWorkerConnection(): Redis {
  return new Redis(getEnv().REDIS_URL, workerConnectionOptions());
}

/** The producer connection once it is ready, or an error after timeoutMs. */
export async function readyProducer(timeoutMs = 2000): Promise<Redis> {
  const redis = producerConnection();
  if (redis.status === "ready") return redis;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new Error(`Redis not ready (status ${redis.status})`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
  return redis;
}

/** Close the producer connection so a short-lived script can exit. */
export async function closeProducer() {
  const redis = globalThis.__redis;
  globalThis.__redis = undefined;
  if (redis) await redis.quit().catch(() => redis.disconnect());
}
