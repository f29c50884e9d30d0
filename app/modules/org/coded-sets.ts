import type {
  AssignmentStatus,
  CompletionMode,
  CourseTrack,
  JobFamily,
  LessonKind,
  OrgUnitKind,
  Role,
} from "~/generated/prisma/enums";

/**
 * The coded sets the product knows, each defined once.
 *
 * The values come from the enums of prisma/schema.prisma. What the product
 * knows about each value is stated here, in the order every list, check and
 * report uses: each definition below names every value of its enum, so a value
 * added to the schema and not here fails `npm run typecheck` at this file.
 * Everything else (personnel import, content checks, report order, the SQL
 * that picks institutions, labels, test factories) derives from these.
 *
 * A value's label is `<labels>.<VALUE>` in app/locales/ko.ts and en.ts
 * (CODED_SETS below); app/modules/org/coded-sets.test.ts fails when one is
 * missing in either language.
 *
 * The order here is the order people read.
 *
 * Staff categories are not among them: a city configures its own in
 * content/staff-categories.yaml, with their names, order and traits, and the
 * product reads them from the staff_category table
 * (app/modules/org/staff-categories.server.ts, ADR 025).
 */

export interface OrgUnitKindTraits {
  /** Reported on its own row of the oversight return, apart from the unit above it. */
  institution: boolean;
}

/** Kinds of organization unit, from the city down, then the bodies beneath it. */
export const ORG_UNIT_KIND = {
  CITY: { institution: false },
  BUREAU: { institution: false },
  DIVISION: { institution: false },
  TEAM: { institution: false },
  AFFILIATED_ORG: { institution: true },
  WELFARE_FACILITY: { institution: true },
  EDUCATIONAL_INSTITUTION: { institution: true },
} as const satisfies Record<OrgUnitKind, OrgUnitKindTraits>;

/** Job families, which choose the case studies a learner reads. content/ and the personnel file spell them in kebab-case (`front-desk`). */
export const JOB_FAMILY = {
  FRONT_DESK: {},
  WELFARE: {},
  HOUSING: {},
  TRANSPORT: {},
  PROCUREMENT: {},
  CALL_CENTRE: {},
  WORKPLACE: {},
  FACILITIES_EVENTS: {},
  ENFORCEMENT: {},
  EDUCATION: {},
  CARE_FACILITY: {},
  POLICY: {},
} as const satisfies Record<JobFamily, object>;

export interface RoleTraits {
  /** A system administrator gives and takes it back on /admin/roles (everyone is a learner already). */
  grantable: boolean;
}

/** Roles, in the order the roles page lists them. */
export const ROLE = {
  LEARNER: { grantable: false },
  HR_OFFICER: { grantable: true },
  ACADEMY_ADMIN: { grantable: true },
  ASSESSOR: { grantable: true },
  SYSTEM_ADMIN: { grantable: true },
  LECTURER: { grantable: false },
} as const satisfies Record<Role, RoleTraits>;

export interface CourseTrackTraits {
  /** Anyone may enrol from the catalog; the others come through obligations. */
  selfEnrol: boolean;
}

/** Course tracks. content/ spells them in kebab-case (`annual-senior`). */
export const COURSE_TRACK = {
  ANNUAL_SENIOR: { selfEnrol: false },
  ANNUAL_GENERAL: { selfEnrol: false },
  DISABILITY: { selfEnrol: false },
  LECTURER: { selfEnrol: true },
  ELECTIVE: { selfEnrol: true },
} as const satisfies Record<CourseTrack, CourseTrackTraits>;

/** Kinds of lesson. content/ spells them in lower case (`case_study`). */
export const LESSON_KIND = { TEXT: {}, CASE_STUDY: {}, VIDEO: {} } as const satisfies Record<LessonKind, object>;

export const ASSIGNMENT_STATUS = { ASSIGNED: {}, IN_PROGRESS: {}, COMPLETED: {}, EXEMPTED: {} } as const satisfies Record<AssignmentStatus, object>;

export const COMPLETION_MODE = { ONLINE: {}, IN_PERSON: {}, EQUIVALENT: {} } as const satisfies Record<CompletionMode, object>;

// ---------------------------------------------------------------- derived lists

type Values<D> = Extract<keyof D, string>;
type NonEmpty<T> = readonly [T, ...T[]];
type Having<D, Trait extends string> = { [K in keyof D]: D[K] extends Record<Trait, true> ? K : never }[keyof D] & string;

/** The values of a definition in its stated order, as a non-empty tuple (what z.enum takes). */
function valuesOf<D extends object>(definition: D): NonEmpty<Values<D>> {
  const values = Object.keys(definition) as Array<Values<D>>;
  if (values.length === 0) throw new Error("a coded set needs at least one value");
  return values as unknown as NonEmpty<Values<D>>;
}

function having<D extends Record<string, object>, Trait extends string>(definition: D, trait: Trait): NonEmpty<Having<D, Trait>> {
  return valuesOf(definition).filter((v) => (definition[v] as Record<string, unknown>)[trait] === true) as unknown as NonEmpty<Having<D, Trait>>;
}

export const ORG_UNIT_KINDS = valuesOf(ORG_UNIT_KIND);
export const INSTITUTION_KINDS = having(ORG_UNIT_KIND, "institution");

export const JOB_FAMILIES = valuesOf(JOB_FAMILY);

export const ROLES = valuesOf(ROLE);
export type GrantableRole = Having<typeof ROLE, "grantable">;
export const GRANTABLE_ROLES = having(ROLE, "grantable");

export const COURSE_TRACKS = valuesOf(COURSE_TRACK);
export const SELF_ENROL_TRACKS = having(COURSE_TRACK, "selfEnrol");

export const LESSON_KINDS = valuesOf(LESSON_KIND);

function isIn<T extends string>(values: readonly T[], value: unknown): value is T {
  return typeof value === "string" && (values as readonly string[]).includes(value);
}

export function isSelfEnrolTrack(track: string): boolean {
  return isIn(SELF_ENROL_TRACKS, track);
}

// ---------------------------------------------------------------- spellings in files

/** `FRONT_DESK` ⇄ `front-desk`: how content/ and the personnel file spell job families and tracks. */
export function kebab(value: string): string {
  return value.toLowerCase().replaceAll("_", "-");
}

function spelledAs<T extends string, S extends string>(values: NonEmpty<T>, spell: (v: T) => S): { spellings: NonEmpty<S>; fromSpelling: Record<S, T> } {
  const spellings = values.map(spell) as unknown as NonEmpty<S>;
  const fromSpelling = Object.fromEntries(values.map((v) => [spell(v), v])) as Record<S, T>;
  return { spellings, fromSpelling };
}

const jobFamilySpelling = spelledAs(JOB_FAMILIES, kebab);
/** Job families as content/ and the personnel file write them. */
export const JOB_FAMILY_SPELLINGS = jobFamilySpelling.spellings;
export const JOB_FAMILY_BY_SPELLING: Readonly<Record<string, JobFamily>> = jobFamilySpelling.fromSpelling;

const trackSpelling = spelledAs(COURSE_TRACKS, kebab);
/** Course tracks as content/ writes them. */
export const TRACK_SPELLINGS = trackSpelling.spellings;
export const TRACK_BY_SPELLING: Readonly<Record<string, CourseTrack>> = trackSpelling.fromSpelling;

const lessonKindSpelling = spelledAs(LESSON_KINDS, (v) => v.toLowerCase());
/** Lesson kinds as content/ writes them. */
export const LESSON_KIND_SPELLINGS = lessonKindSpelling.spellings;
export const LESSON_KIND_BY_SPELLING: Readonly<Record<string, LessonKind>> = lessonKindSpelling.fromSpelling;

// ---------------------------------------------------------------- labels

/**
 * Every coded set a person reads, with where its labels live in the locales
 * (`jobFamily.FRONT_DESK`). A label is needed in both languages for
 * every value, and no label for a value that does not exist.
 */
export const CODED_SETS = {
  orgUnitKind: { values: ORG_UNIT_KINDS, labels: "oversight.kind" },
  jobFamily: { values: JOB_FAMILIES, labels: "jobFamily" },
  role: { values: ROLES, labels: "roles.role" },
  courseTrack: { values: COURSE_TRACKS, labels: "catalog.track" },
  lessonKind: { values: LESSON_KINDS, labels: "course.kind" },
  assignmentStatus: { values: valuesOf(ASSIGNMENT_STATUS), labels: "status" },
  completionMode: { values: valuesOf(COMPLETION_MODE), labels: "completionMode" },
} as const satisfies Record<string, { values: readonly string[]; labels: string }>;
