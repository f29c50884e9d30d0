import { prisma } from "~/utils/db.server";
import { STAFF_CATEGORIES_FILE, ungradedMessage, type ContentTree, type CourseSource, type StaffCategorySource } from "./source.server";
import { JOB_FAMILY_BY_SPELLING, TRACK_BY_SPELLING } from "~/modules/org/coded-sets";
import { gradeRange, type ObligationFile } from "./schema";
import { assertAudiencesNamed, unitsNotInChart } from "~/modules/obligations/audience.server";
import { assignAudiences } from "~/modules/obligations/cycles.server";
import { now } from "~/utils/clock.server";


export class ContentConflictError extends Error {}

export interface LoadReport {
  created: string[];
  unchanged: string[];
  obligations: string[];
  /** The staff categories of the file, in order (empty when the tree has no staff-categories.yaml). */
  staffCategories: string[];
  /** Categories the database held that the file no longer lists and nobody held: removed. */
  removedStaffCategories: string[];
  /** People assigned to open cycles of duties owed on joining, when such a file was loaded. */
  joinersAssigned?: number;
  /** Unit codes the loaded files name that today's chart lacks, by obligation: their cycles cannot open until the chart holds them. */
  unitsNotInChart: Array<{ obligation: string; file: string; codes: string[] }>;
}

/**
 * Publish course versions and obligations from the content tree. A published
 * version is immutable: changing its files without raising `version` is an
 * error, because learners' progress is pinned to it.
 */
export async function loadContent(tree: ContentTree): Promise<LoadReport> {
  const report: LoadReport = { created: [], unchanged: [], obligations: [], staffCategories: [], removedStaffCategories: [], unitsNotInChart: [] };
  const fileOf = (code: string) => `content/${tree.obligationFiles?.[code] ?? `obligations (code '${code}')`}`;
  // Before anything is written: a duty naming no units may not fall on every city in the database.
  await assertAudiencesNamed(
    tree.obligations.filter((o) => !o.audience.units?.length).map((o) => o.code),
    fileOf,
  );
  const removed = await assertStaffCategoriesConsistent(tree, fileOf);
  if (tree.staffCategories) {
    await loadStaffCategories(tree.staffCategories);
    report.staffCategories = tree.staffCategories.map((c) => c.code);
  }
  for (const source of tree.courses) {
    const outcome = await loadCourse(source);
    (outcome === "created" ? report.created : report.unchanged).push(`${source.course.slug}@${source.course.version}`);
  }
  for (const o of tree.obligations) {
    await loadObligation(o);
    report.obligations.push(o.code);
  }
  if (tree.obligations.length > 0) {
    const missing = await unitsNotInChart(tree.obligations.map((o) => o.code));
    report.unitsNotInChart = [...missing].map(([obligation, codes]) => ({ obligation, file: fileOf(obligation), codes }));
  }
  if (removed.length > 0) {
    await prisma.staffCategory.deleteMany({ where: { code: { in: removed } } });
    report.removedStaffCategories = removed;
  }
  // A duty owed on joining, loaded while its year's cycle is open, reaches those who already
  // joined within its window; the tick's reconciler writes their notices (ADR 026).
  const joining = tree.obligations.filter((o) => o.cycle === "on_joining").map((o) => o.code);
  if (joining.length > 0) {
    const open = await prisma.cycle.findMany({ where: { status: "OPEN", obligation: { code: { in: joining } } }, select: { id: true } });
    report.joinersAssigned = Object.values(await assignAudiences(open.map((c) => c.id), now())).reduce((a, b) => a + b, 0);
  }
  return report;
}

/**
 * Before anything is written: every category an obligation routes is
 * configured (in the file, or already in the database when the tree has no
 * file), and a category the file no longer lists is held by nobody and named
 * by no other obligation. Returns the categories to remove once the
 * obligations are reloaded.
 */
async function assertStaffCategoriesConsistent(tree: ContentTree, fileOf: (code: string) => string): Promise<string[]> {
  const held = await prisma.staffCategory.findMany({ select: { code: true, graded: true } });
  const listed = tree.staffCategories ? new Set(tree.staffCategories.map((c) => c.code)) : new Set(held.map((c) => c.code));
  const graded = new Set((tree.staffCategories ?? held).filter((c) => c.graded).map((c) => c.code));
  const problems: string[] = [];
  for (const o of tree.obligations) {
    const unknown = [...new Set(o.routes.flatMap((r) => r.staffCategories))].filter((c) => !listed.has(c));
    if (unknown.length > 0) problems.push(`${fileOf(o.code)}: staff categor${unknown.length === 1 ? "y" : "ies"} ${unknown.join(", ")} not configured in content/${STAFF_CATEGORIES_FILE}`);
    o.routes.forEach((r, i) => {
      const ungraded = r.grades ? r.staffCategories.filter((c) => listed.has(c) && !graded.has(c)) : [];
      if (ungraded.length > 0) problems.push(`${fileOf(o.code)} [routes.${i}.grades]: ${ungradedMessage(ungraded, tree.staffCategories ? `content/${STAFF_CATEGORIES_FILE}` : "the database's staff categories")}`);
    });
  }
  const dropped = held.map((c) => c.code).filter((c) => !listed.has(c));
  if (dropped.length > 0) {
    const reloaded = tree.obligations.map((o) => o.code);
    const [people, routes] = await Promise.all([
      prisma.person.groupBy({ by: ["staffCategory"], where: { staffCategory: { in: dropped } }, _count: { _all: true } }),
      prisma.obligationRoute.findMany({
        where: { staffCategory: { in: dropped }, obligation: { code: { notIn: reloaded } } },
        select: { staffCategory: true, obligation: { select: { code: true } } },
        distinct: ["obligationId", "staffCategory"],
      }),
    ]);
    for (const p of people) problems.push(`content/${STAFF_CATEGORIES_FILE}: ${p.staffCategory} is no longer listed but ${p._count._all} people hold it; keep it (its names may change) or move them first`);
    for (const r of routes) problems.push(`content/${STAFF_CATEGORIES_FILE}: ${r.staffCategory} is no longer listed but obligation '${r.obligation.code}' routes it`);
  }
  if (problems.length > 0) throw new StaffCategoryConfigError(problems.join("\n"));
  return dropped;
}

/** A staff category the content names or drops that the database cannot follow; nothing is written. */
export class StaffCategoryConfigError extends Error {}

/** Write the file's categories over the table: names, flags, and the order of the file. */
async function loadStaffCategories(categories: readonly StaffCategorySource[]) {
  await prisma.$transaction(
    categories.map((c, i) => {
      const data = { nameKo: c.name.ko, nameEn: c.name.en, sortOrder: i + 1, graded: c.graded, onRoll: c.onRoll, cityStaff: c.cityStaff };
      return prisma.staffCategory.upsert({ where: { code: c.code }, create: { code: c.code, ...data }, update: data });
    }),
  );
}

async function loadCourse(source: CourseSource): Promise<"created" | "unchanged"> {
  const { course, lessons, quiz, pretest, glossary, practicum, contentHash } = source;
  return prisma.$transaction(async (tx) => {
    const row = await tx.course.upsert({ where: { slug: course.slug }, create: { slug: course.slug }, update: {} });
    const existing = await tx.courseVersion.findUnique({
      where: { courseId_version: { courseId: row.id, version: course.version } },
      select: { contentHash: true },
    });
    if (existing) {
      if (existing.contentHash !== contentHash) {
        throw new ContentConflictError(
          `content/courses/${course.slug}: files changed but version is still ${course.version}; raise 'version' in course.yaml to publish the change`,
        );
      }
      return "unchanged";
    }
    await tx.courseVersion.create({
      data: {
        courseId: row.id,
        version: course.version,
        contentHash,
        titleKo: course.title.ko,
        titleEn: course.title.en,
        summaryKo: course.summary.ko,
        summaryEn: course.summary.en,
        objectivesKo: course.objectives.ko,
        objectivesEn: course.objectives.en,
        estimatedMinutes: course.estimatedMinutes,
        recognisedHours: course.recognisedHours,
        passMark: course.passMark,
        track: TRACK_BY_SPELLING[course.track]!,
        trackStage: course.stage ?? null,
        edition: course.edition ?? null,
        casePathRequired: course.casePath?.required ?? null,
        questionsPerAttempt: quiz.draw ?? null,
        attemptsPerWindow: course.attempts?.perWindow ?? 3,
        attemptWaitHours: course.attempts?.waitHours ?? 24,
        minLessonMinutes: course.minLessonMinutes ?? 0,
        glossary,
        practicum: practicum ?? undefined,
        lessons: {
          create: lessons.map((l, i) => ({
            position: i + 1,
            slug: l.slug,
            kind: l.kind,
            titleKo: l.titleKo,
            titleEn: l.titleEn,
            bodyHtmlKo: l.bodyHtmlKo,
            bodyHtmlEn: l.bodyHtmlEn,
            sourcesKo: l.sourcesKo,
            sourcesEn: l.sourcesEn,
            estimatedMinutes: l.minutes,
            jobFamily: l.jobFamily ? JOB_FAMILY_BY_SPELLING[l.jobFamily] : null,
            core: l.core,
          })),
        },
        questions: {
          create: [
            ...quiz.questions.map((q, i) => ({ q, i, set: "QUIZ" as const })),
            ...(pretest?.questions ?? []).map((q, i) => ({ q, i, set: "PRETEST" as const })),
          ].map(({ q, i, set }) => ({
            set,
            position: i + 1,
            key: q.key,
            promptKo: q.prompt.ko,
            promptEn: q.prompt.en,
            options: q.options,
            correctKey: q.answer,
            explanationKo: q.explanation?.ko ?? "",
            explanationEn: q.explanation?.en ?? "",
          })),
        },
      },
    });
    return "created";
  });
}

async function loadObligation(o: ObligationFile) {
  await prisma.$transaction(async (tx) => {
    const data = {
      titleKo: o.title.ko,
      titleEn: o.title.en,
      legalBasisKo: o.legalBasis.ko,
      legalBasisEn: o.legalBasis.en,
      // A duty owed on joining has one standing cycle a year, to which that year's joiners are added (ADR 026).
      cycleKind: o.cycle === "half_year" ? ("HALF_YEAR" as const) : ("ANNUAL" as const),
      joiningWithinDays: o.cycle === "on_joining" ? o.withinDays! : null,
      unitKinds: o.audience.unitKinds,
      deadlines: typeof o.deadline === "string" ? { "": o.deadline } : (o.deadline ?? {}),
      audienceUnitCodes: o.audience.units ?? [],
      audienceExceptCodes: o.audience.except ?? [],
      graceDays: o.gracePeriodDays,
      sharedSessions: o.sharedSessions,
      inPersonSharePercent: o.inPersonShare ?? null,
    };
    const row = await tx.obligation.upsert({ where: { code: o.code }, create: { code: o.code, ...data }, update: data });
    await tx.obligationRoute.deleteMany({ where: { obligationId: row.id } });
    const courses = await tx.course.findMany({
      where: { slug: { in: o.routes.map((r) => r.course) } },
      select: { id: true, slug: true },
    });
    const bySlug = new Map(courses.map((c) => [c.slug, c.id]));
    await tx.obligationRoute.createMany({
      data: o.routes.flatMap((r) =>
        r.staffCategories.map((staffCategory) => ({
          obligationId: row.id,
          gradeFrom: gradeRange(r)?.from ?? null,
          gradeTo: gradeRange(r)?.to ?? null,
          staffCategory,
          period: r.period ?? "",
          courseId: bySlug.get(r.course)!,
          minMinutes: r.minMinutes ?? 0,
          modes: (r.modes ?? ["online", "in_person"]).map((m) => (m === "online" ? ("ONLINE" as const) : ("IN_PERSON" as const))),
        })),
      ),
    });
  });
}
