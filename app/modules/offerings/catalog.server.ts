import { z } from "zod";
import { prisma, Prisma } from "~/utils/db.server";
import { isUuid } from "~/utils/ids";
import { isDateKey, seoulDayEnd, seoulDayStart } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import type { Actor } from "~/modules/auth/permissions.server";
import { CATALOG_FORMATS, DISTRICTS, OFFERING_AUDIENCES, TOPICS } from "./codes";
import { verdicts, type Verdict } from "./registration.server";

/**
 * Scheduled classes as the catalog shows them. Who sees a class is decided in the query: a public
 * class by anyone, signed in or not; a class for all staff by people on the roll; a class for
 * some units by people of those units' subtrees; any class by someone registered for it, by its
 * own lecturers (whose account may have no person on the roll: an outside lecturer), and by HR
 * officers (who register their people) and the academy.
 */
export interface Viewer {
  personId: string | null;
  /** The signed-in account: a class that lists it as a lecturer is theirs to see. */
  userId?: string | null;
  /** HR officers and the academy see every class. */
  seesAll: boolean;
}

/** HR officers (who register their people) and the academy see every class. */
export function seesEveryClass(actor: Actor | null): boolean {
  return Boolean(actor && (["HR_OFFICER", "ACADEMY_ADMIN", "SYSTEM_ADMIN"] as const).some((r) => actor.roles.has(r)));
}

const optionalEnum = <T extends readonly [string, ...string[]]>(values: T) => z.enum(values).optional().catch(undefined);
export const FilterSchema = z.object({
  q: z.string().max(100).optional().catch(undefined).transform((v) => v?.trim() || undefined),
  topic: optionalEnum(TOPICS),
  format: optionalEnum(CATALOG_FORMATS),
  audience: optionalEnum(OFFERING_AUDIENCES),
  district: optionalEnum(DISTRICTS),
  from: z.string().refine(isDateKey).optional().catch(undefined),
  to: z.string().refine(isDateKey).optional().catch(undefined),
});
export type CatalogFilters = z.infer<typeof FilterSchema>;

export function filtersFromUrl(url: URL): CatalogFilters {
  return FilterSchema.parse(Object.fromEntries([...url.searchParams].filter(([, v]) => v !== "")));
}

/** The units above and at the viewer's own (their subtree membership), and whether they are on the roll. */
function viewerCtes(viewer: Viewer) {
  return Prisma.sql`WITH RECURSIVE me AS (
      SELECT p.id, p.org_unit_id FROM person p WHERE p.id = ${viewer.personId}::uuid AND p.status = 'ACTIVE'
    ),
    up AS (
      SELECT u.id, u.parent_id FROM org_unit u JOIN me ON u.id = me.org_unit_id
      UNION ALL SELECT u.id, u.parent_id FROM org_unit u JOIN up ON u.id = up.parent_id
    ),
    mine AS (SELECT coalesce(array_agg(id), '{}') AS units FROM up)`;
}

function visible(viewer: Viewer) {
  return Prisma.sql`(o.audience = 'PUBLIC' OR ${viewer.seesAll}
    OR ${viewer.userId ?? null}::uuid = ANY(o.lecturer_user_ids)
    OR EXISTS (SELECT 1 FROM offering_registration r WHERE r.offering_id = o.id AND r.person_id = ${viewer.personId}::uuid)
    OR (EXISTS (SELECT 1 FROM me WHERE me.org_unit_id IS NOT NULL)
      AND (o.audience = 'ALL_STAFF' OR o.audience_unit_ids && (SELECT units FROM mine))))`;
}

export interface CatalogOffering {
  id: string;
  titleKo: string;
  titleEn: string;
  topic: string;
  format: string;
  audience: string;
  startsAt: Date;
  endsAt: Date;
  place: string;
  district: string;
  accessibility: string[];
  capacity: number;
  confirmed: number;
  waitlisted: number;
  registrationClosesAt: Date;
  myStatus: string | null;
}

/** Upcoming classes the viewer may see, soonest first, with the filters applied (at most 200). */
export async function listUpcomingOfferings(viewer: Viewer, f: CatalogFilters): Promise<CatalogOffering[]> {
  if (f.format === "ONLINE") return [];
  const like = f.q ? `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
  return prisma.$queryRaw<CatalogOffering[]>`
    ${viewerCtes(viewer)}
    SELECT o.id, o.title_ko AS "titleKo", o.title_en AS "titleEn", o.topic, o.format::text AS format, o.audience::text AS audience,
      o.starts_at AS "startsAt", o.ends_at AS "endsAt", o.place, o.district, o.accessibility, o.capacity,
      o.registration_closes_at AS "registrationClosesAt",
      (SELECT count(*)::int FROM offering_registration r WHERE r.offering_id = o.id AND r.status = 'CONFIRMED') AS confirmed,
      (SELECT count(*)::int FROM offering_registration r WHERE r.offering_id = o.id AND r.status = 'WAITLISTED') AS waitlisted,
      (SELECT r.status::text FROM offering_registration r WHERE r.offering_id = o.id AND r.person_id = ${viewer.personId}::uuid AND r.status <> 'CANCELLED') AS "myStatus"
    FROM offering o
    WHERE o.status = 'SCHEDULED' AND o.starts_at > ${now()}::timestamptz
      AND ${visible(viewer)}
      AND (${like}::text IS NULL OR o.title_ko ILIKE ${like} OR o.title_en ILIKE ${like} OR o.place ILIKE ${like} OR o.lecturer_names ILIKE ${like})
      AND (${f.topic ?? null}::text IS NULL OR o.topic = ${f.topic ?? null})
      AND (${f.format ?? null}::text IS NULL OR o.format::text = ${f.format ?? null})
      AND (${f.audience ?? null}::text IS NULL OR o.audience::text = ${f.audience ?? null})
      AND (${f.district ?? null}::text IS NULL OR o.district = ${f.district ?? null})
      AND (${f.from ? seoulDayStart(f.from) : null}::timestamptz IS NULL OR o.starts_at >= ${f.from ? seoulDayStart(f.from) : null}::timestamptz)
      AND (${f.to ? seoulDayEnd(f.to) : null}::timestamptz IS NULL OR o.starts_at <= ${f.to ? seoulDayEnd(f.to) : null}::timestamptz)
    ORDER BY o.starts_at, o.title_ko
    LIMIT 200`;
}

/** One class as its page shows it, if the viewer may see it: what it counts toward, seats, the viewer's place. */
export async function getOfferingPage(viewer: Viewer, offeringId: string) {
  if (!isUuid(offeringId)) return null;
  const [row] = await prisma.$queryRaw<Array<{ id: string }>>`
    ${viewerCtes(viewer)}
    SELECT o.id FROM offering o WHERE o.id = ${offeringId}::uuid AND ${visible(viewer)}`;
  if (!row) return null;
  const offering = await prisma.offering.findUniqueOrThrow({
    where: { id: offeringId },
    include: { obligation: { select: { titleKo: true, titleEn: true } } },
  });
  const [counts] = await prisma.$queryRaw<Array<{ confirmed: number; waitlisted: number }>>`
    SELECT count(*) FILTER (WHERE status = 'CONFIRMED')::int AS confirmed, count(*) FILTER (WHERE status = 'WAITLISTED')::int AS waitlisted
    FROM offering_registration WHERE offering_id = ${offeringId}::uuid`;
  const mine = viewer.personId
    ? await prisma.$queryRaw<Array<{ status: string; position: number | null }>>`
        SELECT r.status::text AS status,
          CASE WHEN r.status = 'WAITLISTED' THEN (SELECT count(*)::int FROM offering_registration w
            WHERE w.offering_id = r.offering_id AND w.status = 'WAITLISTED' AND (w.queued_at, w.id) <= (r.queued_at, r.id)) END AS position
        FROM offering_registration r WHERE r.offering_id = ${offeringId}::uuid AND r.person_id = ${viewer.personId}::uuid AND r.status <> 'CANCELLED'`
    : [];
  // Someone not registered learns before pressing anything whether they may, and whether they
  // already have what the class would give them (the same check registering makes).
  const verdict: Verdict | null = viewer.personId && mine.length === 0 ? ((await verdicts(prisma, offeringId, [viewer.personId])).get(viewer.personId) ?? null) : null;
  const course = offering.courseId
    ? (await prisma.courseVersion.findFirst({ where: { courseId: offering.courseId }, orderBy: { version: "desc" }, select: { titleKo: true, titleEn: true, recognisedHours: true } }))
    : null;
  const lecturers = offering.lecturerUserIds.length
    ? await prisma.user.findMany({ where: { id: { in: offering.lecturerUserIds } }, select: { displayName: true }, orderBy: { displayName: "asc" } })
    : [];
  const units = offering.audienceUnitIds.length
    ? await prisma.orgUnit.findMany({ where: { id: { in: offering.audienceUnitIds } }, select: { nameKo: true, nameEn: true }, orderBy: { code: "asc" } })
    : [];
  return {
    offering,
    confirmed: counts?.confirmed ?? 0,
    waitlisted: counts?.waitlisted ?? 0,
    mine: mine[0] ?? null,
    verdict,
    course,
    lecturers: [...lecturers.map((l) => l.displayName), ...(offering.lecturerNames ? [offering.lecturerNames] : [])],
    units,
  };
}
