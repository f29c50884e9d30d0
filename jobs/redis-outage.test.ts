import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { prisma } from "~/utils/db.server";
import { resetEnvCache } from "~/utils/env.server";
import { QUEUES, closeQueues } from "~/utils/queues.server";
import { queueDeliveries } from "~/modules/notifications/outbox.server";
import { at } from "../test/clock";
import { createPerson, createWorld, openTestCycle } from "../test/factories";
import { freePort } from "../test/e2e/app-server";
import { addressOf, startSmtp } from "../test/smtp";
import { startWorkers } from "./worker";

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 20_000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

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

  async function notice(name: string) {
    const world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", name);
    const { cycle } = await openTestCycle(world.obligation.id);
    const assignment = await prisma.assignment.findFirstOrThrow({ where: { cycleId: cycle.id, personId: person.id } });
    const row = await prisma.outboxEmail.create({
      data: { dedupeKey: `test:${randomUUID()}`, toAddress: person.email, template: "assignment-notice", locale: "ko", payload: { personId: person.id, assignmentIds: [assignment.id] } },
    });
    return { id: row.id, to: person.email };
  }

  it("says so once while it is away, not once per retry, and carries on when it is back", async () => {
    const first = await notice("앞사람");
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

    const second = await notice("뒷사람");
    await queueDeliveries([second.id]);
    await waitFor(() => smtp.received.some((m) => addressOf(m) === second.to));
    expect(smtp.received.filter((m) => [first.to, second.to].includes(addressOf(m)))).toHaveLength(2);
    await closeQueues();
  });
});
