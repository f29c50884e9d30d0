import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { recordAudit } from "./audit.server";
import { applyAccessLogRetention, sealAuditEvents, verifyAuditChain } from "./chain.server";

/** Change a sealed event the way someone with the database's owner rights could, around the guard. */
async function tamper(id: bigint, reason: string | null) {
  await prisma.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`ALTER TABLE audit_event DISABLE TRIGGER audit_event_append_only`);
    await tx.$executeRaw`UPDATE audit_event SET reason = ${reason} WHERE id = ${id}`;
    await tx.$executeRawUnsafe(`ALTER TABLE audit_event ENABLE TRIGGER audit_event_append_only`);
  });
}

describe("the audit log: append-only and hash-chained", () => {
  it("refuses to change or remove an event, even one not yet sealed", async () => {
    const id = await recordAudit({ actorUserId: null, action: "test.event", entityType: "test", reason: "처음 그대로" });
    await expect(prisma.auditEvent.update({ where: { id }, data: { reason: "고친 사유" } })).rejects.toThrow(/append-only/);
    await expect(prisma.auditEvent.delete({ where: { id } })).rejects.toThrow(/append-only/);
    await expect(prisma.$executeRawUnsafe("TRUNCATE audit_seal")).rejects.toThrow(/append-only/);
    expect((await prisma.auditEvent.findUniqueOrThrow({ where: { id } })).reason).toBe("처음 그대로");
  });

  it("seals committed events into the chain and proves it intact; names the first link an edit broke", async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await recordAudit({ actorUserId: null, action: "test.event", entityType: "test", reason: `사건 ${i}`, data: { i } }));
    expect(await sealAuditEvents()).toBeGreaterThanOrEqual(3);
    const seals = await prisma.auditSeal.findMany({ where: { eventId: { in: ids } }, orderBy: { seq: "asc" } });
    expect(seals.map((s) => s.eventId)).toEqual(ids);
    const before = await verifyAuditChain();
    expect(before).toMatchObject({ intact: true });

    await tamper(ids[1]!, "몰래 고친 사유");
    const broken = await verifyAuditChain();
    expect(broken).toMatchObject({ intact: false, brokenAt: { eventId: String(ids[1]), problem: "changed" } });
    await tamper(ids[1]!, "사건 1");
    expect(await verifyAuditChain()).toMatchObject({ intact: true });
  });

  it("removes access records past two years, keeps their links, and the chain still verifies", async () => {
    const at = now();
    const old = await prisma.auditEvent.create({
      data: { action: "report.view", entityType: "cycle", reason: "ROUTINE_MONITORING", createdAt: new Date(at.getTime() - 800 * 24 * 3600_000) },
    });
    const recent = await recordAudit({ actorUserId: null, action: "report.view", entityType: "cycle", reason: "ROUTINE_MONITORING" });
    const kept = await prisma.auditEvent.create({ data: { action: "role.grant", entityType: "user", createdAt: new Date(at.getTime() - 800 * 24 * 3600_000) } });
    await sealAuditEvents();
    expect(await applyAccessLogRetention(at, { evenIfRunToday: true })).toBeGreaterThanOrEqual(1);
    expect(await prisma.auditEvent.count({ where: { id: old.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { id: { in: [recent, kept.id] } } })).toBe(2);
    expect(await prisma.auditSeal.count({ where: { eventId: old.id } })).toBe(1);
    const report = await verifyAuditChain();
    expect(report).toMatchObject({ intact: true });
    expect(report.intact && report.removedByRetention).toBeGreaterThanOrEqual(1);
    // The run is itself in the log, with its cutoff.
    expect(await prisma.auditEvent.count({ where: { action: "audit.retention" } })).toBeGreaterThanOrEqual(1);
  });
});
