import type { Adapter, DatabaseSession, DatabaseUser } from "lucia";
import type { Locale, Role } from "~/generated/prisma/enums";
import { prisma } from "~/utils/db.server";

interface SessionRow {
  id: string;
  userId: string;
  expiresAt: Date;
  absoluteExpiresAt: Date;
  email: string;
  displayName: string;
  locale: Locale;
  personId: string | null;
  disabled: boolean;
  /** "ROLE:org unit id", the unit empty for a role over no unit. */
  grants: string[];
}

/**
 * Lucia's storage over Prisma 7. The absolute lifetime is enforced here: the
 * expiry Lucia sees is never later than absolute_expires_at, so Lucia's own
 * sliding refresh can never keep a session alive past its cap.
 */
export const prismaSessionAdapter: Adapter = {
  /**
   * One statement per request: the session, its account and the account's role grants (read here
   * on every request, never cached, so a revoked session or a withdrawn role counts at once).
   */
  async getSessionAndUser(sessionId) {
    const [row] = await prisma.$queryRaw<SessionRow[]>`
      SELECT s.id, s.user_id AS "userId", s.expires_at AS "expiresAt", s.absolute_expires_at AS "absoluteExpiresAt",
             u.email, u.display_name AS "displayName", u.locale::text AS locale, u.person_id AS "personId",
             u.disabled_at IS NOT NULL AS disabled,
             ARRAY(SELECT g.role::text || ':' || COALESCE(g.org_unit_id::text, '') FROM role_grant g WHERE g.user_id = u.id) AS grants
      FROM session s JOIN app_user u ON u.id = s.user_id
      WHERE s.id = ${sessionId}`;
    if (!row) return [null, null];
    const expiresAt = row.expiresAt < row.absoluteExpiresAt ? row.expiresAt : row.absoluteExpiresAt;
    const session: DatabaseSession = {
      id: row.id,
      userId: row.userId,
      expiresAt,
      attributes: { absoluteExpiresAt: row.absoluteExpiresAt },
    };
    const user: DatabaseUser | null = row.disabled
      ? null
      : {
          id: row.userId,
          attributes: {
            email: row.email,
            displayName: row.displayName,
            locale: row.locale,
            personId: row.personId,
            grants: row.grants.map((g) => {
              const at = g.indexOf(":");
              return { role: g.slice(0, at) as Role, orgUnitId: g.slice(at + 1) || null };
            }),
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
