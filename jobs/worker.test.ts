import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { prisma } from "~/utils/db.server";
import { enqueueCycleOpened, QUEUES } from "~/utils/queues.server";
import { newWorkerConnection } from "~/utils/redis.server";
import { createPerson, createUser, createWorld, openTestCycle } from "../test/factories";
import { startWorkers } from "./worker";
import { addressOf, startSmtp } from "../test/smtp";

async function waitFor(check: () => Promise<boolean> | boolean, timeoutMs = 15_000) {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("worker: assignment notices", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    smtp = await startSmtp();
    stop = startWorkers();
  });

  afterAll(async () => {
    await stop?.();
    await smtp.stop();
  });

  it("mails every assigned person exactly once, even when the job runs again", async () => {
    const world = await createWorld();
    const ko = await createPerson(world.division.id, "CIVIL_SERVANT", "최지우");
    const en = await createPerson(world.bureau.id, "CIVIL_SERVANT", "Alex Kim");
    await createUser({ personId: en.id }).then((u) => prisma.user.update({ where: { id: u.id }, data: { locale: "en" } }));
    const { cycle, assigned } = await openTestCycle(world.obligation.id);
    expect(assigned).toBe(2);

    await enqueueCycleOpened(cycle.id);
    const ours = () => smtp.received.filter((m) => [ko.email, en.email].includes(addressOf(m)));
    await waitFor(() => ours().length >= 2);

    // The same job again (a retry or a second click), and a fresh job id for the same cycle.
    await enqueueCycleOpened(cycle.id);
    const q = new Queue(QUEUES.cycles, { connection: newWorkerConnection() });
    await q.add("cycle-opened", { cycleId: cycle.id }, { jobId: `again-${cycle.id}` });
    await waitFor(async () => ((await q.getJobCounts("completed")).completed ?? 0) >= 2);
    await new Promise((r) => setTimeout(r, 500));
    await q.close();

    const mine = ours();
    expect(mine).toHaveLength(2);
    const koMail = mine.find((m) => addressOf(m) === ko.email)!;
    const enMail = mine.find((m) => addressOf(m) === en.email)!;
    expect(koMail.subject).toContain("의무교육 안내");
    expect(koMail.text).toContain("최지우 님");
    // Without an account yet, the notice carries the person's invitation link; with one, the way to the site.
    expect(koMail.html).toContain("비밀번호 정하고 교육 시작");
    expect(koMail.text).toMatch(/\/account\/verify\?code=[a-z2-7]{32}/);
    expect(enMail.html).toContain("Go to my training");
    expect(enMail.subject).toContain("Mandatory training assigned to you");
    expect(enMail.text).toContain("Dear Alex Kim");
    const rows = await prisma.outboxEmail.findMany({ where: { toAddress: { in: [ko.email, en.email] } } });
    expect(rows.map((r) => r.status)).toEqual(["SENT", "SENT"]);
  });
});
