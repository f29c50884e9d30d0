import type { Prisma } from "~/generated/prisma/client";
import { prisma } from "~/utils/db.server";

type Tx = Prisma.TransactionClient | typeof prisma;

export interface AuditInput {
  actorUserId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  reason?: string | null;
  data?: Prisma.InputJsonValue;
}

/** Record who did what and why. Call inside the transaction of the change itself. Returns the event's id. */
export async function recordAudit(input: AuditInput, tx: Tx = prisma): Promise<bigint> {
  const event = await tx.auditEvent.create({
    data: {
      actorUserId: input.actorUserId,
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId ?? null,
      reason: input.reason ?? null,
      data: input.data,
    },
    select: { id: true },
  });
  return event.id;
}
