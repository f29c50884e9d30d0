import { prisma } from "~/utils/db.server";

export interface Limit {
  /** What is counted, e.g. "link:email:someone@example.org" or "link:ip:192.0.2.1". */
  key: string;
  /** How many requests the window allows. */
  max: number;
}

/**
 * Count a request against its limits: true when it may go ahead. A refused
 * request is not counted, so a flood does not extend its own ban.
 */
export async function takeToken(limits: Limit[], windowMinutes: number): Promise<boolean> {
  const since = new Date(Date.now() - windowMinutes * 60_000);
  const counts = await Promise.all(
    limits.map((l) => prisma.throttleEvent.count({ where: { key: l.key, createdAt: { gte: since } } })),
  );
  if (limits.some((l, i) => counts[i]! >= l.max)) return false;
  await prisma.throttleEvent.createMany({ data: limits.map((l) => ({ key: l.key })) });
  return true;
}

/** Forget requests older than a day (called from the reminder tick). */
export async function purgeThrottleEvents(): Promise<void> {
  await prisma.throttleEvent.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - 24 * 3600_000) } } });
}
