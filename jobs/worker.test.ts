import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { prisma } from "~/utils/db.server";
import { enqueueCycleOpened, enqueueMailDelivery, mailJobId, QUEUES } from "~/utils/queues.server";
import { newWorkerConnection } from "~/utils/redis.server";
import { createNoticeRow, createPerson, createUser, createWorld, openTestCycle } from "../test/factories";
import { waitFor } from "../test/wait";
import { queueDeliveries } from "~/modules/notifications/outbox.server";
import { pendingDeliveries } from "~/modules/notifications/reminders.server";
import { startWorkers } from "./worker";
import { addressOf, startSmtp } from "../test/smtp";
import { at } from "../test/clock";

describe("worker: assignment notices", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    at("2026-12-02T10:00:00"); // a Wednesday morning: mail goes out at once
    smtp = await startSmtp();
    // Not the reminders queue: its scheduled tick would act on every other test file's cycles.
    stop = startWorkers([QUEUES.cycles, QUEUES.mail]);
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

describe("worker: delivering the outbox", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    at("2026-12-02T10:00:00");
    smtp = await startSmtp();
    stop = startWorkers([QUEUES.mail]);
  });

  afterAll(async () => {
    await stop?.();
    await smtp.stop();
  });

  it("sends a row a dead worker left half-done once, after the reconciler hands it back, though BullMQ kept the finished job", async () => {
    const { row, to } = await createNoticeRow("복구대상");

    // A worker claimed the row under job _0 and died before SMTP: the row stays SENDING, the job is re-run and finds it so.
    await prisma.outboxEmail.update({ where: { id: row.id }, data: { status: "SENDING", attempts: 1, claimedAt: new Date(Date.now() - 20 * 60_000) } });
    await enqueueMailDelivery([{ outboxId: row.id, attempt: 0 }]);
    const q = new Queue(QUEUES.mail, { connection: newWorkerConnection() });
    const first = mailJobId([{ outboxId: row.id, attempt: 0 }]);
    await waitFor(async () => (await q.getJob(first))?.finishedOn !== undefined);
    expect((await q.getJob(first))!.returnvalue).toEqual({ outcomes: { "in-flight": 1 }, retried: 0 });
    expect(smtp.received.filter((m) => addressOf(m) === to)).toHaveLength(0);

    // The reconciler hands it back; the new delivery runs under a new job id and the message goes out once.
    const lost = await pendingDeliveries(0);
    expect(lost).toContain(row.id);
    await queueDeliveries(lost);
    await waitFor(() => smtp.received.some((m) => addressOf(m) === to));
    await queueDeliveries(await pendingDeliveries(0));
    await new Promise((r) => setTimeout(r, 500));
    await q.close();
    expect(smtp.received.filter((m) => addressOf(m) === to)).toHaveLength(1);
    expect((await prisma.outboxEmail.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("SENT");
  });

  it("holds a notice due on a Saturday night until Monday 09:00, under the same job", async () => {
    at("2026-12-05T22:51:00");
    const { row, to } = await createNoticeRow("주말대상");
    await queueDeliveries([row.id]);
    const q = new Queue(QUEUES.mail, { connection: newWorkerConnection() });
    const job = () => q.getJob(mailJobId([{ outboxId: row.id, attempt: 0 }]));
    await waitFor(async () => (await (await job())?.getState()) === "delayed");
    const held = (await job())!;
    // Waiting for the opening on Monday 7 December, 09:00 Seoul: 34 hours and 9 minutes away.
    const wait = held.timestamp + held.delay - Date.now();
    expect(Math.abs(wait - (34 * 60 + 9) * 60_000)).toBeLessThan(60_000);
    expect((await prisma.outboxEmail.findUniqueOrThrow({ where: { id: row.id } })).status).toBe("PENDING");
    expect(smtp.received.filter((m) => addressOf(m) === to)).toHaveLength(0);

    // Monday morning: the same job runs and the notice goes out once.
    at("2026-12-07T09:00:00");
    await held.promote();
    await waitFor(() => smtp.received.some((m) => addressOf(m) === to));
    await q.close();
    expect(smtp.received.filter((m) => addressOf(m) === to)).toHaveLength(1);
  });
});
