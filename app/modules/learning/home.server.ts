import { Prisma, prisma } from "~/utils/db.server";
import { noticesForQuery, type ShownNotice } from "~/modules/notices/notices.server";
import { headsAUnitQuery } from "~/modules/org/heads.server";
import { myAssignmentsQuery, type MyAssignment } from "./learning.server";

export interface LearnerHome {
  assignments: MyAssignment[];
  headsUnit: boolean;
  notices: ShownNotice[];
}

type Json<T> = { [K in keyof T]: T[K] extends Date ? string : T[K] extends Date | null ? string | null : T[K] };

/**
 * What the learner's home shows, in one statement: what they owe (listMyAssignments), whether they
 * head a unit (headsAUnit) and the notices for them (noticesFor), each the same statement as on its
 * own. A page opened by a whole city pays one round trip to the database, not three.
 */
export async function learnerHome(userId: string, personId: string | null): Promise<LearnerHome> {
  const none = Prisma.sql`SELECT NULL WHERE false`;
  const [row] = await prisma.$queryRaw<Array<{ assignments: Json<MyAssignment>[]; headsUnit: boolean; notices: Json<ShownNotice>[] }>>`
    SELECT COALESCE((SELECT json_agg(a) FROM (${personId ? myAssignmentsQuery(personId) : none}) a), '[]'::json) AS assignments,
           ${personId ? headsAUnitQuery(personId) : Prisma.sql`false`} AS "headsUnit",
           COALESCE((SELECT json_agg(n) FROM (${noticesForQuery(userId)}) n), '[]'::json) AS notices`;
  const date = (v: string | null) => (v === null ? null : new Date(v));
  return {
    // json_agg keeps the order its sorted subquery gives.
    assignments: row!.assignments.map((a) => ({ ...a, dueAt: date(a.dueAt), completedAt: date(a.completedAt) })),
    headsUnit: row!.headsUnit,
    notices: row!.notices.map((n) => ({ ...n, showUntil: new Date(n.showUntil) })),
  };
}
