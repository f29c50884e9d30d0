import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { resetEnvCache } from "~/utils/env.server";
import { QUEUES, closeQueues } from "~/utils/queues.server";
import { queueDeliveries } from "~/modules/notifications/outbox.server";
import { at } from "../test/clock";
import { createNoticeRow } from "../test/factories";
import { waitFor } from "../test/wait";
import { freePort } from "../test/e2e/app-server";
import { addressOf, startSmtp } from "../test/smtp";
import { startWorkers } from "./worker";

/** A Redis of this test's own on a free loopback port, which the test stops and starts again. */
function redisServer(port: number): Promise<ChildProcess> {
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--maxmemory-policy", "noeviction"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  return new Promise((resolve, reject) => {
    child.stdout!.on("data", (d: Buffer) => {
      if (d.toString().includes("Ready to accept connections")) resolve(child);
    });
    child.once("exit", (code) => reject(new Error(`redis-server exited with ${code}`)));
  });
}

describe("worker: Redis goes away and comes back", { timeout: 120_000 }, () => {
  let port: number;
  let redis: ChildProcess;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let stop: () => Promise<void>;
  const previousUrl = process.env.REDIS_URL;

  beforeAll(async () => {
    at("2026-12-02T10:00:00");
    port = await freePort();
    redis = await redisServer(port);
    process.env.REDIS_URL = `redis://127.0.0.1:${port}`;
    resetEnvCache();
    smtp = await startSmtp();
    stop = startWorkers([QUEUES.mail]);
  });

  afterAll(async () => {
    await stop?.();
    await smtp?.stop();
    redis?.kill("SIGKILL");
    process.env.REDIS_URL = previousUrl;
    resetEnvCache();
  });

  it("says so once while it is away, not once per retry, and carries on when it is back", async () => {
    const { row: { id: firstId }, to: firstTo } = await createNoticeRow("앞사람");
    const first = { id: firstId, to: firstTo };
    await queueDeliveries([first.id]);
    await waitFor(() => smtp.received.some((m) => addressOf(m) === first.to));

    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    redis.kill("SIGKILL");
    await new Promise((r) => setTimeout(r, 8000));
    const during = warn.mock.calls.map((c) => String(c[0]));
    expect(during.filter((l) => l.includes("unreachable"))).toHaveLength(1);
    expect(during.length).toBeLessThanOrEqual(2);

    redis = await redisServer(port);
    await waitFor(() => warn.mock.calls.some((c) => String(c[0]).includes("reachable again")));
    warn.mockRestore();

    const { row: { id: secondId }, to: secondTo } = await createNoticeRow("뒷사람");
    const second = { id: secondId, to: secondTo };
    await queueDeliveries([second.id]);
    await waitFor(() => smtp.received.some((m) => addressOf(m) === second.to));
    expect(smtp.received.filter((m) => [first.to, second.to].includes(addressOf(m)))).toHaveLength(2);
    await closeQueues();
  });
});
