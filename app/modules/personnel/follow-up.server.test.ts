import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Queue } from "bullmq";
import { prisma } from "~/utils/db.server";
import { resetEnvCache } from "~/utils/env.server";
import { closeQueues, mailJobId, QUEUES } from "~/utils/queues.server";
import { newWorkerConnection } from "~/utils/redis.server";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { renderTemplate } from "~/modules/notifications/templates.server";
import { createAnnualObligation, createUser, createWorld, openTestCycle, uid } from "../../../test/factories";
import { getRequest, sessionCookieFor } from "../../../test/http";
import { applyImport, checkImport } from "./import.server";
import { carryOutImportFollowUp, carryOutPendingFollowUps, IMPORT_FOLLOW_UP } from "./follow-up.server";

/** Set to make the next notice step of a follow-up fail, as a timeout or a dying process would. */
const fault = vi.hoisted(() => ({ noticesFailOnce: false }));
vi.mock("~/modules/notifications/outbox.server", async (importOriginal) => {
  const real = await importOriginal<typeof import("~/modules/notifications/outbox.server")>();
  return {
    ...real,
    createNoticesInUnits: async (unitIds: string[]) => {
      if (fault.noticesFailOnce) {
        fault.noticesFailOnce = false;
        throw new Error("canceling statement due to statement timeout");
      }
      return real.createNoticesInUnits(unitIds);
    },
  };
});

const HEADER = "employee_no,name,email,unit_code,staff_category,grade,job_family";

/**
 * A world with two open annual duties, and an HR officer of its bureau; `hire`
 * writes a file of new people for its division, checked and ready to apply.
 */
async function setting() {
  const world = await createWorld();
  const second = await createAnnualObligation(world, "두 번째 의무교육", "Second duty");
  const cycles = [(await openTestCycle(world.obligation.id)).cycle.id, (await openTestCycle(second.id)).cycle.id];
  const user = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
  const actor: Actor = await loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(user.id))))!);
  const tag = `H${uid()}`;
  const hire = async (count: number) => {
    const lines = Array.from({ length: count }, (_, i) => `${tag}-${i},신규 ${i},${tag}-${i}@hire.example,${world.division.code},CIVIL_SERVANT,9,`);
    const { id, summary } = await checkImport(actor, "hires.csv", [HEADER, ...lines].join("\n"), "CHANGES_ONLY");
    expect(summary).toMatchObject({ created: count, problems: [] });
    return id;
  };
  const hires = () => prisma.person.findMany({ where: { employeeNo: { startsWith: `${tag}-` } }, select: { id: true, email: true } });
  return { world, second, cycles, actor, hire, hires };
}

const pending = (importId: string) => prisma.pendingWork.findUniqueOrThrow({ where: { kind_subjectId: { kind: IMPORT_FOLLOW_UP, subjectId: importId } } });

/** Every (person, cycle) assignment of these people, and how many rows each has. */
async function assignmentCounts(personIds: string[], cycleIds: string[]) {
  const rows = await prisma.assignment.groupBy({ by: ["personId", "cycleId"], where: { personId: { in: personIds }, cycleId: { in: cycleIds } }, _count: true });
  return rows.map((r) => r._count);
}

const noticesTo = (emails: string[]) => prisma.outboxEmail.findMany({ where: { toAddress: { in: emails }, template: "assignment-notice" } });

describe("what follows an applied personnel file", () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeAll(() => {
    warn = vi.spyOn(console, "warn").mockImplementation(() => {});
  });
  afterEach(() => {
    fault.noticesFailOnce = false;
  });

  it("gives a new hire owed two open cycles one notice naming both, in Korean and in English", async () => {
    const { world, second, cycles, actor, hire, hires } = await setting();
    const id = await hire(1);
    await applyImport(actor, id);
    const [person] = await hires();
    expect(await assignmentCounts([person!.id], cycles)).toEqual([1, 1]);
    const rows = await noticesTo([person!.email]);
    expect(rows).toHaveLength(1);
    const assignmentIds = (rows[0]!.payload as { assignmentIds: string[] }).assignmentIds;
    const assignments = await prisma.assignment.findMany({ where: { personId: person!.id } });
    expect([...assignmentIds].sort()).toEqual(assignments.map((a) => a.id).sort());
    expect((await pending(id)).doneAt).not.toBeNull();

    const ko = (await renderTemplate("assignment-notice", "ko", rows[0]!.payload))!;
    expect(ko.subject).toContain("(2건)");
    expect(ko.text).toContain(world.obligation.titleKo);
    expect(ko.text).toContain(second.titleKo);
    const en = (await renderTemplate("assignment-notice", "en", rows[0]!.payload))!;
    expect(en.subject).toContain("(2)");
    expect(en.text).toContain(world.obligation.titleEn);
    expect(en.text).toContain(second.titleEn);
  });

  it("is finished by the tick when it failed after the commit: every new hire assigned to every open cycle once, one notice each", async () => {
    const { cycles, actor, hire, hires } = await setting();
    const id = await hire(5);
    fault.noticesFailOnce = true;
    await applyImport(actor, id);

    // The file is applied; what follows it is still owed, with the reason.
    expect((await prisma.personnelImport.findUniqueOrThrow({ where: { id } })).status).toBe("APPLIED");
    const people = await hires();
    expect(people).toHaveLength(5);
    expect(await pending(id)).toMatchObject({ doneAt: null, attempts: 1, lastError: expect.stringContaining("statement timeout") });
    expect(await noticesTo(people.map((p) => p.email))).toHaveLength(0);
    expect(warn.mock.calls.some((c) => String(c[0]).includes(`follow-up of ${id} left for the tick`))).toBe(true);

    expect(await carryOutPendingFollowUps([id])).toEqual({ done: 1, failed: 0 });
    expect(await assignmentCounts(people.map((p) => p.id), cycles)).toEqual(Array(10).fill(1));
    const rows = await noticesTo(people.map((p) => p.email));
    expect(rows).toHaveLength(5);
    expect(rows.every((r) => (r.payload as { assignmentIds: string[] }).assignmentIds.length === 2)).toBe(true);
    expect(await pending(id)).toMatchObject({ attempts: 2, lastError: null, outboxIds: [] });
    expect((await pending(id)).doneAt).not.toBeNull();
    // Nothing is left for the next tick.
    expect(await carryOutPendingFollowUps([id])).toEqual({ done: 0, failed: 0 });
  });

  it("creates nothing twice when it runs twice, at once or again after it finished", async () => {
    const { cycles, actor, hire, hires } = await setting();
    const id = await hire(4);
    // Its run after the commit stopped half-way: assigned, not yet announced.
    fault.noticesFailOnce = true;
    await applyImport(actor, id);
    const people = await hires();

    // The tick and a re-delivered job get to it at the same moment.
    await Promise.all([carryOutPendingFollowUps([id]), carryOutImportFollowUp(id)]);
    expect(await assignmentCounts(people.map((p) => p.id), cycles)).toEqual(Array(8).fill(1));
    const first = await noticesTo(people.map((p) => p.email));
    expect(first).toHaveLength(4);

    // Once more from the start, as if it died just before it was marked done.
    await prisma.pendingWork.update({ where: { id: (await pending(id)).id }, data: { doneAt: null } });
    expect(await carryOutImportFollowUp(id)).toMatchObject({ assigned: {}, notices: 0 });
    expect(await assignmentCounts(people.map((p) => p.id), cycles)).toEqual(Array(8).fill(1));
    expect((await noticesTo(people.map((p) => p.email))).map((r) => r.id).sort()).toEqual(first.map((r) => r.id).sort());
    expect(await carryOutImportFollowUp(id)).toBeNull();
  });

  it("keeps a small file's apply working while Redis is away; the intent stays owed and the tick hands the notice to the mail queue", async () => {
    const { cycles, actor, hire, hires } = await setting();
    const id = await hire(1);
    const redisUrl = process.env.REDIS_URL;
    try {
      await closeQueues();
      process.env.REDIS_URL = "redis://127.0.0.1:1";
      resetEnvCache();
      const summary = await applyImport(actor, id);
      expect(summary).toMatchObject({ created: 1 });
    } finally {
      await closeQueues();
      process.env.REDIS_URL = redisUrl;
      resetEnvCache();
    }
    const [person] = await hires();
    expect((await prisma.personnelImport.findUniqueOrThrow({ where: { id } })).status).toBe("APPLIED");
    // Assigned and announced in the database; only the hand-over to the mail queue is owed.
    expect(await assignmentCounts([person!.id], cycles)).toEqual([1, 1]);
    const [notice] = await noticesTo([person!.email]);
    const owed = await pending(id);
    expect(owed).toMatchObject({ doneAt: null, outboxIds: [notice!.id] });
    expect(owed.lastError).toMatch(/Redis/);

    expect(await carryOutPendingFollowUps([id])).toEqual({ done: 1, failed: 0 });
    expect((await pending(id)).doneAt).not.toBeNull();
    expect(await noticesTo([person!.email])).toHaveLength(1);
    const mail = new Queue(QUEUES.mail, { connection: newWorkerConnection() });
    try {
      const job = await mail.getJob(mailJobId([{ outboxId: notice!.id, attempt: 0 }]));
      expect(job?.data).toEqual({ outboxIds: [notice!.id] });
      await job?.remove().catch(() => undefined);
    } finally {
      await mail.close();
    }
  });
});
