import { Redis, type RedisOptions } from "ioredis";
import { getEnv } from "./env.server";

declare global {
  var __redis: Redis | undefined;
}

/**
 * Whether Redis is reachable, as this process last saw it, and one log line
 * each time that changes: while Redis is away every connection retries every
 * few seconds, and each retry must not print a stack trace.
 */
let redisReachable: boolean | null = null;

function reachability(up: boolean, detail: string) {
  if (redisReachable === up) return;
  const wasKnown = redisReachable !== null;
  redisReachable = up;
  if (up && wasKnown) console.warn(`[redis] reachable again`);
  if (!up) console.warn(`[redis] unreachable (${detail}); retrying every few seconds`);
}

/** Report a connection's state changes through `reachability`, never its every error. */
function watched(redis: Redis): Redis {
  redis.on("ready", () => reachability(true, ""));
  redis.on("error", (e: NodeJS.ErrnoException) => reachability(false, e.code ?? e.message));
  return redis;
}

/** Whether an error only says that Redis cannot be reached (which `watched` already reports). */
export function isConnectionError(err: Error & { code?: string }): boolean {
  return (
    ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH"].includes(err.code ?? "") ||
    /Connection is closed|ECONNREFUSED|Stream isn't writeable/.test(err.message)
  );
}

/**
 * Print what a queue or worker reports, except connection errors, once per
 * distinct message in a row. BullMQ prints errors nobody listens for with
 * their stack, once per retry; this is the listener.
 */
export function quietErrors(emitter: { on(event: "error", listener: (err: Error) => void): unknown }, label: string): void {
  let last = "";
  emitter.on("error", (err) => {
    if (isConnectionError(err) || err.message === last) return;
    last = err.message;
    console.warn(`[${label}] ${err.message}`);
  });
}

/** Back off to a retry every 5 s while Redis is away, instead of spinning. */
const retryStrategy = (times: number) => Math.min(200 * times, 5000);

/**
 * Connection for producers (the web process): commands fail fast while Redis
 * is down instead of queueing in memory, so a request gets a clear error.
 */
export function producerConnection(): Redis {
  return (globalThis.__redis ??= watched(
    new Redis(getEnv().REDIS_URL, {
      maxRetriesPerRequest: 1,
      enableOfflineQueue: false,
      lazyConnect: false,
      retryStrategy,
    }),
  ));
}

/** Options for workers: wait and reconnect forever (BullMQ requires maxRetriesPerRequest null). */
export function workerConnectionOptions(): RedisOptions {
  return { maxRetriesPerRequest: null, retryStrategy };
}

export function newWorkerConnection(): Redis {
  return watched(new Redis(getEnv().REDIS_URL, workerConnectionOptions()));
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
