import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import { prisma } from "~/utils/db.server";

/**
 * Lucia's storage over Prisma 7. The absolute lifetime is enforced here: the
 * expiry Lucia sees is never later than absolute_expires_at, so Lucia's own
 * sliding refresh can never keep a session alive past its cap.
 */
export const prismaSessionAdapter: Adapter = {
  async getSessionAndUser(sessionId) {
    const row = await prisma.session.findUnique({
      where: { id: sessionId },
      include: { user: true },
    });
    if (!row) return [null, null];
    const expiresAt = row.expiresAt < row.absoluteExpiresAt ? row.expiresAt : row.absoluteExpiresAt;
    const session: DatabaseSession = {
      id: row.id,
      userId: row.userId,
      expiresAt,
      attributes: { absoluteExpiresAt: row.absoluteExpiresAt },
    };
    const user: DatabaseUser | null = row.user.disabledAt
      ? null
      : {
          id: row.user.id,
          attributes: {
            email: row.user.email,
            displayName: row.user.displayName,
            locale: row.user.locale,
            personId: row.user.personId,
          },
        };
    return [session, user];
  },
  async getUserSessions(userId) {
    const rows = await prisma.session.findMany({ where: { userId } });
    return rows.map((row) => ({
      id: row.id,
      userId: row.userId,
      expiresAt: row.expiresAt < row.absoluteExpiresAt ? row.expiresAt : row.absoluteExpiresAt,
      attributes: { absoluteExpiresAt: row.absoluteExpiresAt },
    }));
  },
  async setSession(session) {
    const { absoluteExpiresAt, ipAddress, userAgent } = session.attributes;
    await prisma.session.create({
      data: {
        id: session.id,
        userId: session.userId,
        expiresAt: session.expiresAt < absoluteExpiresAt ? session.expiresAt : absoluteExpiresAt,
        absoluteExpiresAt,
        ipAddress: ipAddress ?? null,
        userAgent: userAgent ?? null,
      },
    });
  },
  async updateSessionExpiration(sessionId, expiresAt) {
    await prisma.$executeRaw`
      UPDATE session SET expires_at = LEAST(${expiresAt}::timestamptz, absolute_expires_at)
      WHERE id = ${sessionId}`;
  },
  async deleteSession(sessionId) {
    await prisma.session.deleteMany({ where: { id: sessionId } });
  },
  async deleteUserSessions(userId) {
    await prisma.session.deleteMany({ where: { userId } });
  },
  async deleteExpiredSessions() {
    await prisma.$executeRaw`
      DELETE FROM session WHERE expires_at <= now() OR absolute_expires_at <= now()`;
  },
};
