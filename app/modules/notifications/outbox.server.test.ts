import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Queue } from "bullmq";
import { simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import { countQueries, prisma } from "~/utils/db.server";
import { getEnv, resetEnvCache } from "~/utils/env.server";
import { closeMailTransport } from "~/utils/mail.server";
import { closeQueues, mailJobId, QUEUES } from "~/utils/queues.server";
import { newWorkerConnection } from "~/utils/redis.server";
import { createPerson, createWorld, openTestCycle } from "../../../test/factories";
import { at } from "../../../test/clock";
import { deliverOutboxBatch, queueDeliveries, retryLater } from "./outbox.server";
import { pendingDeliveries } from "./reminders.server";
import { renderMails, type MailToRender } from "./templates.server";

/**
 * An SMTP server on loopback that keeps the Message-ID of every message per
 * recipient, and refuses the recipients named in `refused` (as a server
 * refuses a mailbox it does not have).
 */
async function sink() {
  const received = new Map<string, string[]>();
  const refused = new Set<string>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS"],
    logger: false,
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address.toLowerCase())) callback(Object.assign(new Error("mailbox unavailable"), { responseCode: 550 }));
      else callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream).then((mail) => {
        const to = (Array.isArray(mail.to) ? mail.to[0] : mail.to)?.value[0]?.address ?? "";
        received.set(to.toLowerCase(), [...(received.get(to.toLowerCase()) ?? []), mail.messageId ?? ""]);
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  process.env.SMTP_URL = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  resetEnvCache();
  closeMailTransport();
  return {
    received,
    refused,
    stop: async () => {
      closeMailTransport();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** `n` people with an open assignment each, and a notice row for each of them; the rows' ids and addresses in order. */
async function notices(n: number) {
  const world = await createWorld();
  const people = [];
  for (let i = 0; i < n; i++) people.push(await createPerson(world.division.id, "CIVIL_SERVANT", `묶음${i}`));
  const { cycle } = await openTestCycle(world.obligation.id);
  const assignments = await prisma.assignment.findMany({ where: { cycleId: cycle.id } });
  const rows = [];
  for (const person of people) {
    const assignment = assignments.find((a) => a.personId === person.id)!;
    rows.push(
      await prisma.outboxEmail.create({
        data: {
          dedupeKey: `test:batch:${assignment.id}`,
          toAddress: person.email,
          template: "assignment-notice",
          locale: "ko",
          payload: { personId: person.id, assignmentIds: [assignment.id] },
        },
      }),
    );
  }
  return rows.map((r) => ({ id: r.id, to: r.toAddress.toLowerCase() }));
}

describe("outbox: delivering a batch", () => {
  let smtp: Awaited<ReturnType<typeof sink>>;
  const domain = () => new URL(getEnv().APP_ORIGIN).hostname;

  beforeAll(async () => {
    at("2026-12-02T10:00:00"); // a Wednesday morning: mail goes out at once
    smtp = await sink();
  });

  afterAll(async () => {
    await smtp.stop();
    await closeQueues();
  });

  it("sends and marks the others when one message of the batch is refused, and tries only that one again, later", async () => {
    const rows = await notices(5);
    const bad = rows[2]!;
    smtp.refused.add(bad.to);

    const first = await deliverOutboxBatch(rows.map((r) => r.id));
    expect(rows.map((r) => first.outcomes.get(r.id))).toEqual(["sent", "sent", "failed", "sent", "sent"]);
    expect(first.failures.map((f) => [f.outboxId, f.attempt])).toEqual([[bad.id, 1]]);
    expect(String(first.failures[0]!.error)).toContain("mailbox unavailable");
    const after = await prisma.outboxEmail.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
    for (const row of after) {
      if (row.id === bad.id) {
        expect([row.status, row.attempts, row.messageId]).toEqual(["PENDING", 1, null]);
        expect(row.lastError).toContain("mailbox unavailable");
      } else {
        expect([row.status, row.attempts, row.messageId]).toEqual(["SENT", 1, `<${row.id}@${domain()}>`]);
      }
    }
    for (const r of rows) expect(smtp.received.get(r.to) ?? []).toEqual(r === bad ? [] : [`<${r.id}@${domain()}>`]);

    // The refused row alone goes back to the queue, under its new claim count, held back 2 s.
    expect(await retryLater(first.failures)).toBe(1);
    const q = new Queue(QUEUES.mail, { connection: newWorkerConnection() });
    const retry = await q.getJob(mailJobId([{ outboxId: bad.id, attempt: 1 }]));
    expect(retry?.data).toEqual({ outboxIds: [bad.id] });
    expect(await retry?.getState()).toBe("delayed");
    expect(retry?.delay).toBe(2000);
    await retry?.remove();
    await q.close();

    // The mailbox exists again; the whole batch queued again sends that one only.
    smtp.refused.delete(bad.to);
    const second = await deliverOutboxBatch(rows.map((r) => r.id));
    expect(rows.map((r) => second.outcomes.get(r.id))).toEqual(["already-sent", "already-sent", "sent", "already-sent", "already-sent"]);
    for (const r of rows) expect(smtp.received.get(r.to)).toEqual([`<${r.id}@${domain()}>`]);
  });

  it("a batch claimed by a worker that died is left alone until the reconciler hands it back, then sent once under the same Message-IDs", async () => {
    const rows = await notices(4);
    const ids = rows.map((r) => r.id);
    // A worker claimed the batch and died: with one message accepted by the SMTP server before the SENT mark, the rest not sent.
    await prisma.outboxEmail.updateMany({ where: { id: { in: ids } }, data: { status: "SENDING", attempts: 1, claimedAt: new Date(Date.now() - 20 * 60_000) } });
    smtp.received.set(rows[0]!.to, [`<${rows[0]!.id}@${domain()}>`]);

    // BullMQ runs the job again after the lock ran out: every row is in flight, nothing is sent.
    const rerun = await deliverOutboxBatch(ids);
    expect(ids.map((id) => rerun.outcomes.get(id))).toEqual(["in-flight", "in-flight", "in-flight", "in-flight"]);
    expect(rerun.failures).toEqual([]);
    expect(rows.slice(1).every((r) => !smtp.received.has(r.to))).toBe(true);

    // The reconciler hands the batch back; it is queued under a new job (claim count 1, not 0) and sent.
    const handedBack = await pendingDeliveries(0);
    expect(handedBack).toEqual(expect.arrayContaining(ids));
    expect(mailJobId(ids.map((outboxId) => ({ outboxId, attempt: 1 })))).not.toBe(mailJobId(ids.map((outboxId) => ({ outboxId, attempt: 0 }))));
    const resent = await deliverOutboxBatch(ids);
    expect(ids.map((id) => resent.outcomes.get(id))).toEqual(["sent", "sent", "sent", "sent"]);

    // Nobody got a second message under another Message-ID; the one accepted before the crash came again under its own.
    expect(smtp.received.get(rows[0]!.to)).toEqual([`<${rows[0]!.id}@${domain()}>`, `<${rows[0]!.id}@${domain()}>`]);
    for (const r of rows.slice(1)) expect(smtp.received.get(r.to)).toEqual([`<${r.id}@${domain()}>`]);
    const after = await prisma.outboxEmail.findMany({ where: { id: { in: ids } } });
    expect(after.map((r) => [r.status, r.attempts])).toEqual(ids.map(() => ["SENT", 2]));
  });

  it("renders a batch with the same queries for two messages as for ten: no query per message", async () => {
    const rows = await notices(12);
    const toRender = async (ids: string[]) =>
      (await prisma.outboxEmail.findMany({ where: { id: { in: ids } } })).map((r) => ({ id: r.id, template: r.template, locale: r.locale, payload: r.payload }));
    const [two, ten] = [await toRender(rows.slice(0, 2).map((r) => r.id)), await toRender(rows.slice(2).map((r) => r.id))];
    let mails = 0;
    const count = (batch: MailToRender[]) =>
      countQueries(async () => {
        const out = await renderMails(batch);
        mails += [...out.values()].filter((o) => "mail" in o && o.mail).length;
      });
    expect(await count(ten)).toBe(await count(two));
    expect(mails).toBe(12);
  });

  it("queues the rows handed over in jobs of up to 50", async () => {
    const rows = await notices(3);
    await queueDeliveries(rows.map((r) => r.id));
    const q = new Queue(QUEUES.mail, { connection: newWorkerConnection() });
    const job = await q.getJob(mailJobId(rows.map((r) => ({ outboxId: r.id, attempt: 0 }))));
    expect(job?.data).toEqual({ outboxIds: rows.map((r) => r.id) });
    await job?.remove();
    await q.close();
  });
});
