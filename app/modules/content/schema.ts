import { z } from "zod";
import { CITIZEN_CATEGORY } from "~/modules/org/staff-category-names";
import { JOB_FAMILY_SPELLINGS, LESSON_KIND_SPELLINGS, ORG_UNIT_KINDS, TRACK_SPELLINGS } from "~/modules/org/coded-sets";

/** The content format of content/courses/<slug>/ (see content/README.md). */

const text = z.string().trim().min(1, "must not be empty");
export const bilingual = z.object({ ko: text, en: text }, { required_error: "needs ko and en" });
const slug = z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be kebab-case (a-z, 0-9, -)");

/** Job families and tracks as content/ spells them (`front-desk`, `annual-senior`); the values are those of the coded sets. */
export const JOB_FAMILIES = JOB_FAMILY_SPELLINGS;
export const TRACKS = TRACK_SPELLINGS;

/**
 * Continuous-learning hours: one hour for every 50 minutes of learning, a
 * remainder of 25 minutes or more counting as another hour (content/README.md).
 */
export const RECOGNISED_MINUTES_PER_HOUR = 50;

/** The most hours a course of this length may be recognised for. */
export function maxRecognisedHours(estimatedMinutes: number): number {
  return Math.max(1, Math.round(estimatedMinutes / RECOGNISED_MINUTES_PER_HOUR));
}

export const courseFileSchema = z
  .object({
    slug,
    version: z.number().int().positive(),
    track: z.enum(TRACKS),
    /** On the lecturer track: the stage, from 1; each stage opens when the one before is completed. */
    stage: z.number().int().min(1).max(9).optional(),
    edition: z.string().trim().min(1).optional(),
    casePath: z.object({ required: z.number().int().min(1) }).strict().optional(),
    title: bilingual,
    summary: bilingual,
    estimatedMinutes: z.number().int().positive(),
    /** Hours recognised toward the civil service's continuous learning (상시학습), at most what RECOGNISED_MINUTES_PER_HOUR allows. */
    recognisedHours: z.number({ required_error: "is required: the hours the course is recognised for (see content/README.md)" }).int().min(0).max(40),
    passMark: z.number().int().min(1).max(100),
    /** Quiz attempts per window, then a wait before the next window (default 3, then 24 hours). */
    attempts: z
      .object({ perWindow: z.number().int().min(1).max(20), waitHours: z.number().int().min(1).max(24 * 30) })
      .strict()
      .optional(),
    /** The least time spent in the lessons, in minutes, before the quiz may be taken. */
    minLessonMinutes: z.number().int().min(1).optional(),
    objectives: z.object({ ko: z.array(text).min(1), en: z.array(text).min(1) }),
    lessons: z
      .array(
        z.object({
          slug,
          kind: z.enum(LESSON_KIND_SPELLINGS),
          minutes: z.number().int().positive(),
        }).strict(),
      )
      .min(1, "a course needs at least one lesson"),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.track === "lecturer" && c.stage === undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["stage"], message: "is required on the lecturer track: the stage this course is (1, 2, ...)" });
    }
    if (c.track !== "lecturer" && c.stage !== undefined) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["stage"], message: "is only for the lecturer track, whose stages are taken in order" });
    }
    const seen = new Set<string>();
    c.lessons.forEach((l, i) => {
      if (seen.has(l.slug)) ctx.addIssue({ code: "custom", path: ["lessons", i, "slug"], message: `duplicate lesson slug ${l.slug}` });
      seen.add(l.slug);
    });
    if (c.objectives.ko.length !== c.objectives.en.length) {
      ctx.addIssue({ code: "custom", path: ["objectives"], message: "ko and en must list the same number of objectives" });
    }
    const most = maxRecognisedHours(c.estimatedMinutes);
    if (c.recognisedHours > most) {
      ctx.addIssue({
        code: "custom",
        path: ["recognisedHours"],
        message: `is ${c.recognisedHours}, more than the ${most} that ${c.estimatedMinutes} estimated minutes allow (one hour per ${RECOGNISED_MINUTES_PER_HOUR} minutes)`,
      });
    }
    if (c.minLessonMinutes !== undefined && c.minLessonMinutes > c.estimatedMinutes) {
      ctx.addIssue({ code: "custom", path: ["minLessonMinutes"], message: `is more than the course's ${c.estimatedMinutes} estimated minutes` });
    }
  });

export const lessonFrontMatterSchema = z
  .object({
    title: text,
    sources: z.array(text).min(1, "a lesson lists at least one source"),
    jobFamily: z.enum(JOB_FAMILIES).optional(),
    core: z.boolean().optional(),
  })
  .strict();

const termSchema = z.object({ term: text, definition: text }).strict();
export const glossaryFileSchema = z
  .object({
    terms: z.array(z.object({ key: z.string().regex(/^[a-z0-9-]+$/, "must be a-z, 0-9, -"), ko: termSchema, en: termSchema }).strict()).min(1),
  })
  .strict();

export const practicumFileSchema = z
  .object({
    brief: bilingual,
    deliverables: z.array(bilingual).min(1),
    minutes: z.number().int().positive(),
    passScore: z.number().int().min(1).max(100),
    criteria: z
      .array(
        z
          .object({
            key: z.string().regex(/^[a-z0-9-]+$/),
            title: bilingual,
            weight: z.number().positive(),
            levels: z.array(bilingual).min(2, "a criterion needs at least two levels"),
          })
          .strict(),
      )
      .min(1),
  })
  .strict();

/** The screening scale's total: reviewers' totals are compared out of it (SCREENING_DIVERGENCE_POINTS). */
export const SCREENING_TOTAL = 100;

/**
 * content/lecturers/screening.yaml: the stated criteria lecturer applications are scored against
 * (ADR 033). Each criterion is scored from 0 to its maxScore; the maxima add up to SCREENING_TOTAL.
 */
export const screeningFileSchema = z
  .object({
    version: z.number().int().positive(),
    criteria: z
      .array(
        z
          .object({
            key: z.string().regex(/^[a-z0-9]+(-[a-z0-9]+)*$/, "must be kebab-case (a-z, 0-9, -)"),
            title: bilingual,
            description: bilingual,
            maxScore: z.number().int().min(1).max(SCREENING_TOTAL),
          })
          .strict(),
      )
      .min(1, "lists at least one criterion"),
  })
  .strict()
  .superRefine((f, ctx) => {
    const keys = new Map<string, number>();
    f.criteria.forEach((c, i) => {
      const first = keys.get(c.key);
      if (first !== undefined) ctx.addIssue({ code: "custom", path: ["criteria", i, "key"], message: `'${c.key}' is also criterion ${first + 1}: one key, one criterion` });
      else keys.set(c.key, i);
    });
    const total = f.criteria.reduce((n, c) => n + c.maxScore, 0);
    if (total !== SCREENING_TOTAL) {
      ctx.addIssue({ code: "custom", path: ["criteria"], message: `the criteria's maxScore add up to ${total}, not ${SCREENING_TOTAL}: totals are compared out of ${SCREENING_TOTAL}` });
    }
  });

export type ScreeningFile = z.infer<typeof screeningFileSchema>;

export const quizFileSchema = z
  .object({
    /** How many questions one attempt draws from the pool; every question when omitted. */
    draw: z.number().int().min(1).optional(),
    questions: z
      .array(
        z
          .object({
            key: z.string().regex(/^[a-z0-9-]+$/, "must be a-z, 0-9, -"),
            prompt: bilingual,
            options: z
              .array(z.object({ key: z.string().regex(/^[a-z]$/), ko: text, en: text }).strict())
              .min(2, "a question needs at least two options"),
            answer: z.string(),
            /** Shown with a wrong answer (never the key) and after passing. */
            explanation: bilingual.optional(),
          })
          .strict()
          .superRefine((q, ctx) => {
            if (!q.options.some((o) => o.key === q.answer)) {
              ctx.addIssue({ code: "custom", path: ["answer"], message: `answer '${q.answer}' is not one of the options` });
            }
            const keys = q.options.map((o) => o.key);
            if (new Set(keys).size !== keys.length) ctx.addIssue({ code: "custom", path: ["options"], message: "duplicate option keys" });
          }),
      )
      .min(1, "a quiz needs at least one question"),
  })
  .strict()
  .superRefine((quiz, ctx) => {
    const seen = new Set<string>();
    quiz.questions.forEach((q, i) => {
      if (seen.has(q.key)) ctx.addIssue({ code: "custom", path: ["questions", i, "key"], message: `duplicate question key ${q.key}` });
      seen.add(q.key);
    });
    if (quiz.draw !== undefined && quiz.draw > quiz.questions.length) {
      ctx.addIssue({ code: "custom", path: ["draw"], message: `draws ${quiz.draw} questions but the pool has only ${quiz.questions.length}` });
    }
  });

/**
 * A staff category's code: capitals, digits and _, as the personnel file writes it. Which codes
 * exist is configuration (staff-categories.yaml); readContentTree checks obligations against it.
 */
const staffCategoryCode = z.string().regex(/^[A-Z][A-Z0-9_]{0,39}$/, "a staff category code is capitals, digits and _ (CONTRACT_STAFF), at most 40 characters");

/** The category of people who sign up themselves; the product gives it to them, so it must be configured. */
const CITIZEN_CODE = CITIZEN_CATEGORY;

/** content/staff-categories.yaml: the staff categories, in report order (ADR 025). */
export const staffCategoriesFileSchema = z
  .object({
    categories: z
      .array(
        z
          .object({
            code: staffCategoryCode,
            name: bilingual,
            /** Civil servants' ranks: a grade (급) is recorded, and reports break the category down by grade. */
            graded: z.boolean().default(false),
            /** On the personnel roll HR officers import; false for people who sign up themselves. */
            onRoll: z.boolean().default(true),
            /** The city's own staff: with single sign-on configured, they sign in through the staff portal. */
            cityStaff: z.boolean().default(false),
          })
          .strict(),
      )
      .min(1, "lists at least one category"),
  })
  .strict()
  .superRefine((f, ctx) => {
    const codes = new Map<string, number>();
    const namesKo = new Map<string, number>();
    const namesEn = new Map<string, number>();
    f.categories.forEach((c, i) => {
      const twice = (seen: Map<string, number>, key: string, field: (string | number)[], what: string) => {
        const other = seen.get(key);
        if (other !== undefined) ctx.addIssue({ code: "custom", path: ["categories", i, ...field], message: `${what} '${key}' is also category ${other + 1}'s` });
        else seen.set(key, i);
      };
      twice(codes, c.code, ["code"], "code");
      twice(namesKo, c.name.ko, ["name", "ko"], "Korean name");
      twice(namesEn, c.name.en.toLowerCase(), ["name", "en"], "English name");
    });
    const citizen = f.categories.findIndex((c) => c.code === CITIZEN_CODE);
    if (citizen === -1) ctx.addIssue({ code: "custom", path: ["categories"], message: `needs the category ${CITIZEN_CODE}: people who sign up themselves are given it` });
    else if (f.categories[citizen]!.onRoll) ctx.addIssue({ code: "custom", path: ["categories", citizen, "onRoll"], message: `${CITIZEN_CODE} is not on the personnel roll: citizens sign up themselves (onRoll: false)` });
  });

export type StaffCategoriesFile = z.infer<typeof staffCategoriesFileSchema>;
const unitKind = z.enum(ORG_UNIT_KINDS);

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const monthDay = z
  .string()
  .regex(/^\d{2}-\d{2}$/, "must be MM-DD")
  .refine((v) => {
    const [m, d] = v.split("-").map(Number);
    return m! >= 1 && m! <= 12 && d! >= 1 && d! <= DAYS_IN_MONTH[m! - 1]!;
  }, "is not a date that exists every year");

const unitCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, "unit codes are letters, digits, - and _");

/** Grades (급) as the personnel file records them: 1, the highest, to 9. */
export const MIN_GRADE = 1;
export const MAX_GRADE = 9;
const grade = z
  .number({ invalid_type_error: `must be a whole number from ${MIN_GRADE} to ${MAX_GRADE}` })
  .int(`must be a whole number from ${MIN_GRADE} to ${MAX_GRADE}`)
  .min(MIN_GRADE, `must be a whole number from ${MIN_GRADE} to ${MAX_GRADE}`)
  .max(MAX_GRADE, `must be a whole number from ${MIN_GRADE} to ${MAX_GRADE}`);

/** A route's grades as a closed range; null: every grade (and none recorded). */
export function gradeRange(r: { grades?: { from?: number; to?: number } }): { from: number; to: number } | null {
  return r.grades ? { from: r.grades.from ?? MIN_GRADE, to: r.grades.to ?? MAX_GRADE } : null;
}

/** Whether two routes' grades can hold the same person: either covers every grade, or their ranges meet. */
export function gradesMeet(a: { from: number; to: number } | null, b: { from: number; to: number } | null): boolean {
  return !a || !b || (a.from <= b.to && b.from <= a.to);
}

/** The longest "within N days of joining" a file may set: a duty owed within a year is an annual one. */
export const MAX_JOINING_DAYS = 365;

export const obligationFileSchema = z
  .object({
    code: slug,
    title: bilingual,
    legalBasis: bilingual,
    /**
     * annual, half_year: owed by everyone in the audience by the deadline(s). on_joining: owed once,
     * within `withinDays` of joining (the hire date, or the move into the audience's units), by
     * those who join during the year of a cycle (ADR 026).
     */
    cycle: z.enum(["annual", "half_year", "on_joining"]),
    /** For on_joining: how many days after the day someone joins they have, to the end of that day in Seoul. */
    withinDays: z
      .number({ invalid_type_error: "must be a whole number of days" })
      .int("must be a whole number of days")
      .min(1, "must be at least 1: a duty owed within 0 days of joining is overdue the day it is owed")
      .max(MAX_JOINING_DAYS, `must be at most ${MAX_JOINING_DAYS}: a duty owed once a year is an annual one`)
      .optional(),
    audience: z
      .object({
        unitKinds: z.array(unitKind).min(1),
        /**
         * Codes of the units whose subtrees the duty covers. Omitted: the one organization tree, and
         * only while the database holds one (see obligations/audience.server.ts).
         */
        units: z.array(unitCode).min(1).optional(),
        /**
         * Codes of units whose subtrees are left out, inside the units covered ("everyone in
         * 인천광역시 except its welfare bureau").
         */
        except: z.array(unitCode).min(1).optional(),
      })
      .strict(),
    routes: z
      .array(
        z
          .object({
            staffCategories: z.array(staffCategoryCode).min(1),
            course: slug,
            /** For half-year duties: the edition taught in that half only. */
            period: z.enum(["H1", "H2"]).optional(),
            /** The least learning time that satisfies the duty, online or in a session. */
            minMinutes: z.number().int().min(1).max(24 * 60).optional(),
            /** How it may be satisfied; both when omitted. */
            modes: z.array(z.enum(["online", "in_person"])).min(1).optional(),
            /**
             * Only these grades (급) of graded categories: `{ from: 1, to: 4 }` is grades 1 to 4
             * (1 the highest); either end may be left out (`{ to: 4 }`: 4 and above). Omitted: every
             * grade, and people with none recorded.
             */
            grades: z
              .object({ from: grade.optional(), to: grade.optional() })
              .strict()
              .refine((g) => g.from !== undefined || g.to !== undefined, "names from, to or both (grades: { from: 1, to: 4 })")
              .refine((g) => (g.from ?? MIN_GRADE) <= (g.to ?? MAX_GRADE), "from must be a higher grade (a smaller number) than to, or the same")
              .optional(),
          })
          .strict(),
      )
      .min(1),
    /** End of day, Asia/Seoul: MM-DD for a year, { H1, H2 } for half-years; none for on_joining. */
    deadline: z.union([monthDay, z.object({ H1: monthDay, H2: monthDay }).strict()]).optional(),
    /** Days after the deadline before someone counts as overdue and officers are told. */
    gracePeriodDays: z.number().int().min(0).max(90).default(0),
    /** Whether one in-person session may count toward this and other duties that allow it. */
    sharedSessions: z.boolean().default(false),
    /**
     * The least share, in percent, of each institution's completions of a cycle that should be in
     * person: a target for the institution that the oversight return checks (ADR 038). Whether one
     * person may do it online is said per route, with modes.
     */
    inPersonShare: z
      .number({ invalid_type_error: "must be a whole percentage, 1 to 100" })
      .int("must be a whole percentage, 1 to 100")
      .min(1, "must be at least 1: leave it out when the ordinance sets no in-person share")
      .max(100, "must be at most 100")
      .optional(),
  })
  .strict()
  .superRefine((o, ctx) => {
    const halves = o.cycle === "half_year";
    const joining = o.cycle === "on_joining";
    if (joining) {
      if (o.withinDays === undefined) ctx.addIssue({ code: "custom", path: ["withinDays"], message: "an on_joining duty says within how many days of joining it is owed (withinDays: 60)" });
      if (o.deadline !== undefined) {
        ctx.addIssue({
          code: "custom",
          path: ["deadline"],
          message: "contradicts cycle: on_joining, whose deadline is each person's own, withinDays after they join: remove deadline or choose cycle: annual",
        });
      }
    } else {
      if (o.withinDays !== undefined) {
        ctx.addIssue({ code: "custom", path: ["withinDays"], message: `contradicts cycle: ${o.cycle}: only an on_joining duty is owed within days of joining` });
      }
      if (o.deadline === undefined) {
        ctx.addIssue({ code: "custom", path: ["deadline"], message: halves ? "a half-year duty needs { H1, H2 } deadlines" : "an annual duty needs one MM-DD deadline" });
      } else if (halves !== (typeof o.deadline === "object")) {
        ctx.addIssue({ code: "custom", path: ["deadline"], message: halves ? "a half-year duty needs { H1, H2 } deadlines" : "an annual duty has one MM-DD deadline" });
      }
    }
    if (typeof o.deadline === "object") {
      // Each half's deadline lies in its own half, or its cycle would overlap the other one.
      if (o.deadline.H1 > "06-30") ctx.addIssue({ code: "custom", path: ["deadline", "H1"], message: "the first half's deadline must fall by 06-30, or its cycle would overlap the second half" });
      if (o.deadline.H2 < "07-01") ctx.addIssue({ code: "custom", path: ["deadline", "H2"], message: "the second half's deadline must fall from 07-01, or its cycle would overlap the first half" });
    }
    if (halves) {
      for (const period of ["H1", "H2"] as const) {
        const covered = o.routes.some((r) => !r.period || r.period === period);
        if (!covered) ctx.addIssue({ code: "custom", path: ["routes"], message: `no course is routed for ${period}` });
      }
    }
    if (o.inPersonShare !== undefined) {
      const inPerson = o.routes.findIndex((r) => !r.modes || r.modes.includes("in_person"));
      if (inPerson < 0) {
        ctx.addIssue({
          code: "custom",
          path: ["inPersonShare"],
          message: "contradicts the routes: every route says modes: [online], so no completion could be in person; allow in_person on a route or remove inPersonShare",
          params: { also: ["routes"] },
        });
      }
    }
    const listedTwice = (values: readonly string[], path: Array<string | number>, what: string) => {
      const seen = new Set<string>();
      values.forEach((v, i) => {
        if (seen.has(v)) ctx.addIssue({ code: "custom", path: [...path, i], message: `${what} ${v} is listed twice` });
        seen.add(v);
      });
    };
    listedTwice(o.audience.unitKinds, ["audience", "unitKinds"], "unit kind");
    if (o.audience.units) listedTwice(o.audience.units, ["audience", "units"], "unit");
    if (o.audience.except) {
      listedTwice(o.audience.except, ["audience", "except"], "unit");
      o.audience.except.forEach((code, i) => {
        const j = o.audience.units?.indexOf(code) ?? -1;
        if (j >= 0) {
          ctx.addIssue({
            code: "custom",
            path: ["audience", "except", i],
            message: `unit ${code} is both covered and left out: also in audience.units.${j}, so the duty would leave out all of it`,
            params: { also: ["audience", "units", j] },
          });
        }
      });
    }
    // Where each category was first routed, per period, with which grades, so a second route that
    // meets it names the first.
    const seen = new Map<string, Array<{ at: number; grades: ReturnType<typeof gradeRange> }>>();
    o.routes.forEach((r, i) => {
      if (r.modes && new Set(r.modes).size !== r.modes.length) ctx.addIssue({ code: "custom", path: ["routes", i, "modes"], message: "a mode is listed twice" });
      if (r.period && !halves) ctx.addIssue({ code: "custom", path: ["routes", i, "period"], message: "only half-year duties have periods" });
      listedTwice(r.staffCategories, ["routes", i, "staffCategories"], "staff category");
      const grades = gradeRange(r);
      // Grades already refused (empty, out of order) would only repeat the problem as an overlap.
      if (grades && (r.grades!.from === undefined && r.grades!.to === undefined || grades.from > grades.to)) return;
      for (const c of new Set(r.staffCategories)) {
        for (const p of r.period ? [r.period] : ["H1", "H2"]) {
          const key = `${c}/${p}`;
          const earlier = seen.get(key) ?? [];
          const first = earlier.find((e) => gradesMeet(e.grades, grades));
          seen.set(key, [...earlier, { at: i, grades }]);
          if (!first) continue;
          const both = first.grades && grades ? ` for grade ${Math.max(first.grades.from, grades.from)}` : "";
          ctx.addIssue({
            code: "custom",
            path: ["routes", i],
            message: `${c} is routed twice${both}${halves ? ` in ${p}` : ""}: also by routes.${first.at}, so one person would owe two courses for this duty`,
            params: { also: ["routes", first.at] },
          });
          if (!halves) break;
        }
      }
    });
  });

export type CourseFile = z.infer<typeof courseFileSchema>;
export type GlossaryFile = z.infer<typeof glossaryFileSchema>;
export type PracticumFile = z.infer<typeof practicumFileSchema>;
export type QuizFile = z.infer<typeof quizFileSchema>;
export type ObligationFile = z.infer<typeof obligationFileSchema>;
