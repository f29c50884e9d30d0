import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isMap, isNode, isScalar, LineCounter, parse as parseYaml, parseDocument } from "yaml";
import type { z, ZodError } from "zod";
import type { LessonKind } from "~/generated/prisma/enums";
import { LESSON_KIND_BY_SPELLING } from "~/modules/org/coded-sets";
import { renderLesson } from "./markdown.server";
import {
  courseFileSchema,
  glossaryFileSchema,
  lessonFrontMatterSchema,
  obligationFileSchema,
  practicumFileSchema,
  quizFileSchema,
  staffCategoriesFileSchema,
  type CourseFile,
  type GlossaryFile,
  type ObligationFile,
  type PracticumFile,
  type QuizFile,
  type StaffCategoriesFile,
} from "./schema";

/** One problem in one file, with the field path and the line when there are. */
export interface ContentError {
  file: string;
  field?: string;
  line?: number;
  message: string;
}

export class ContentInvalidError extends Error {
  constructor(public errors: ContentError[]) {
    super(`content is invalid:\n${errors.map(formatError).join("\n")}`);
  }
}

export function formatError(e: ContentError): string {
  return `${e.file}${e.line ? `:${e.line}` : ""}${e.field ? ` [${e.field}]` : ""}: ${e.message}`;
}

export interface LessonSource {
  slug: string;
  kind: LessonKind;
  minutes: number;
  titleKo: string;
  titleEn: string;
  bodyHtmlKo: string;
  bodyHtmlEn: string;
  sourcesKo: string[];
  sourcesEn: string[];
  jobFamily: string | null;
  core: boolean;
}

export interface CourseSource {
  dir: string;
  course: CourseFile;
  lessons: LessonSource[];
  quiz: QuizFile;
  pretest: QuizFile | null;
  glossary: GlossaryFile["terms"];
  practicum: PracticumFile | null;
  /** SHA-256 over every file of the course: a changed file means a changed version. */
  contentHash: string;
}

function zodErrors(file: string, error: ZodError): ContentError[] {
  return error.issues.map((i) => ({ file, field: i.path.join(".") || undefined, message: i.message }));
}

function readYaml(path: string, root: string, errors: ContentError[]): unknown {
  const file = relative(root, path);
  if (!existsSync(path)) {
    errors.push({ file, message: "file is missing" });
    return undefined;
  }
  try {
    return parseYaml(readFileSync(path, "utf8"));
  } catch (e) {
    errors.push({ file, message: `not valid YAML: ${(e as Error).message.split("\n")[0]}` });
    return undefined;
  }
}

function splitFrontMatter(text: string): { front: string; body: string } | null {
  const m = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  return m ? { front: m[1]!, body: m[2]! } : null;
}

function readLessonFile(path: string, root: string, errors: ContentError[], lang: "ko" | "en", courseDir: string) {
  const file = relative(root, path);
  if (!existsSync(path)) {
    errors.push({ file, message: "translation file is missing" });
    return null;
  }
  const parts = splitFrontMatter(readFileSync(path, "utf8"));
  if (!parts) {
    errors.push({ file, message: "front matter (--- title, sources ---) is missing" });
    return null;
  }
  let front: unknown;
  try {
    front = parseYaml(parts.front);
  } catch (e) {
    errors.push({ file, field: "front matter", message: (e as Error).message.split("\n")[0]! });
    return null;
  }
  const parsed = lessonFrontMatterSchema.safeParse(front);
  if (!parsed.success) {
    errors.push(...zodErrors(file, parsed.error));
    return null;
  }
  if (!parts.body.trim()) {
    errors.push({ file, message: "lesson body is empty" });
    return null;
  }
  const rendered = renderLesson(parts.body, { lang, courseDir });
  for (const message of rendered.problems) errors.push({ file, message });
  return { ...parsed.data, html: rendered.html };
}

/** An optional YAML file validated against its schema; null when absent. */
function readOptional<T>(path: string, root: string, schema: z.ZodType<T>, errors: ContentError[]): T | null {
  if (!existsSync(path)) return null;
  const raw = readYaml(path, root, errors);
  if (raw === undefined) return null;
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    errors.push(...zodErrors(relative(root, path), parsed.error));
    return null;
  }
  return parsed.data;
}

/** Every file under dir, sorted, for the content hash. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? filesUnder(join(dir, d.name)) : [join(dir, d.name)]))
    .sort();
}

/** Read and validate one course folder. Throws ContentInvalidError naming every problem. */
export function readCourse(dir: string, root: string): CourseSource {
  const errors: ContentError[] = [];
  const hash = createHash("sha256");
  const courseRaw = readYaml(join(dir, "course.yaml"), root, errors);
  const quizRaw = readYaml(join(dir, "quiz.yaml"), root, errors);
  const courseParsed = courseRaw === undefined ? null : courseFileSchema.safeParse(courseRaw);
  if (courseParsed && !courseParsed.success) errors.push(...zodErrors(relative(root, join(dir, "course.yaml")), courseParsed.error));
  const quizParsed = quizRaw === undefined ? null : quizFileSchema.safeParse(quizRaw);
  if (quizParsed && !quizParsed.success) errors.push(...zodErrors(relative(root, join(dir, "quiz.yaml")), quizParsed.error));

  const lessons: LessonSource[] = [];
  if (courseParsed?.success) {
    const folderName = dir.split("/").pop();
    if (folderName !== courseParsed.data.slug) {
      errors.push({ file: relative(root, join(dir, "course.yaml")), field: "slug", message: `must match the folder name '${folderName}'` });
    }
    const hasPath = Boolean(courseParsed.data.casePath);
    for (const l of courseParsed.data.lessons) {
      const koPath = join(dir, "lessons", `${l.slug}.ko.md`);
      const ko = readLessonFile(koPath, root, errors, "ko", dir);
      const en = readLessonFile(join(dir, "lessons", `${l.slug}.en.md`), root, errors, "en", dir);
      if (!ko || !en) continue;
      const file = relative(root, koPath);
      if (ko.jobFamily !== en.jobFamily || ko.core !== en.core) {
        errors.push({ file, message: "jobFamily and core must be the same in the ko and en files" });
      }
      if (l.kind === "case_study" && !ko.jobFamily) errors.push({ file, field: "jobFamily", message: "a case study names its job family" });
      if (l.kind !== "case_study" && ko.core === false) errors.push({ file, field: "core", message: "only case studies can be optional" });
      lessons.push({
        slug: l.slug,
        kind: LESSON_KIND_BY_SPELLING[l.kind]!,
        minutes: l.minutes,
        titleKo: ko.title,
        titleEn: en.title,
        bodyHtmlKo: ko.html,
        bodyHtmlEn: en.html,
        sourcesKo: ko.sources,
        sourcesEn: en.sources,
        jobFamily: ko.jobFamily ?? null,
        core: l.kind !== "case_study" ? true : (ko.core ?? !hasPath),
      });
    }
    const casePath = courseParsed.data.casePath;
    const optional = lessons.filter((l) => !l.core).length;
    if (casePath && casePath.required > optional) {
      errors.push({
        file: relative(root, join(dir, "course.yaml")),
        field: "casePath.required",
        message: `asks for ${casePath.required} chosen case studies but only ${optional} are optional`,
      });
    }
  }
  const pretest = readOptional(join(dir, "pretest.yaml"), root, quizFileSchema, errors);
  if (pretest?.draw !== undefined) {
    errors.push({ file: relative(root, join(dir, "pretest.yaml")), field: "draw", message: "a pre-test asks every question: it has no draw" });
  }
  const glossary = readOptional(join(dir, "glossary.yaml"), root, glossaryFileSchema, errors);
  const practicum = readOptional(join(dir, "practicum.yaml"), root, practicumFileSchema, errors);
  if (courseParsed?.success && courseParsed.data.track === "lecturer" && !practicum && !existsSync(join(dir, "practicum.yaml"))) {
    errors.push({ file: relative(root, join(dir, "practicum.yaml")), message: "the lecturer track needs a practicum" });
  }
  if (errors.length > 0 || !courseParsed?.success || !quizParsed?.success) throw new ContentInvalidError(errors);

  for (const path of filesUnder(dir)) {
    hash.update(relative(dir, path));
    hash.update(readFileSync(path));
  }
  return {
    dir,
    course: courseParsed.data,
    lessons,
    quiz: quizParsed.data,
    pretest,
    glossary: glossary?.terms ?? [],
    practicum,
    contentHash: hash.digest("hex"),
  };
}

export function readObligation(path: string, root: string): ObligationFile {
  const errors: ContentError[] = [];
  const raw = readYaml(path, root, errors);
  if (raw === undefined) throw new ContentInvalidError(errors);
  const parsed = obligationFileSchema.safeParse(raw);
  if (!parsed.success) throw new ContentInvalidError(zodErrors(relative(root, path), parsed.error));
  return parsed.data;
}

/** Where content/ keeps the staff categories (ADR 025). */
export const STAFF_CATEGORIES_FILE = "staff-categories.yaml";

export type StaffCategorySource = StaffCategoriesFile["categories"][number];

/** A YAML file with its line counter, to name the line of a field. */
function readYamlDocument(path: string) {
  const counter = new LineCounter();
  const doc = parseDocument(readFileSync(path, "utf8"), { lineCounter: counter, prettyErrors: false });
  /**
   * The line of the node at `path` (or of the key `key` of the map there); a
   * field that is missing is placed at the nearest thing above it that exists.
   */
  function lineOf(path: readonly (string | number)[], key?: string): number | undefined {
    if (key !== undefined) {
      const map = path.length ? doc.getIn(path, true) : doc.contents;
      const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && p.key.value === key) : undefined;
      if (pair && isNode(pair.key) && pair.key.range) return counter.linePos(pair.key.range[0]).line;
    }
    for (let p = [...path]; ; p = p.slice(0, -1)) {
      const node = p.length ? doc.getIn(p, true) : doc.contents;
      if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
      if (!p.length) return undefined;
    }
  }
  return { doc, lineOf };
}

/**
 * content/staff-categories.yaml, checked: unknown keys, duplicate codes or
 * names, missing names and a missing CITIZEN are refused, each naming its line.
 */
export function readStaffCategories(path: string, root: string): StaffCategorySource[] {
  const file = relative(root, path);
  let read: ReturnType<typeof readYamlDocument>;
  try {
    read = readYamlDocument(path);
  } catch (e) {
    throw new ContentInvalidError([{ file, message: `cannot be read: ${(e as Error).message.split("\n")[0]}` }]);
  }
  if (read.doc.errors.length > 0) {
    const first = read.doc.errors[0]!;
    throw new ContentInvalidError([{ file, line: first.linePos?.[0].line, message: `not valid YAML: ${first.message.split("\n")[0]}` }]);
  }
  const parsed = staffCategoriesFileSchema.safeParse(read.doc.toJS());
  if (parsed.success) return parsed.data.categories;
  throw new ContentInvalidError(
    parsed.error.issues.flatMap((issue) => {
      const field = issue.path.join(".") || undefined;
      if (issue.code === "unrecognized_keys") {
        return issue.keys.map((key) => ({ file, field: [...issue.path, key].join("."), line: read.lineOf(issue.path, key), message: `unknown key '${key}'` }));
      }
      return [{ file, field, line: read.lineOf(issue.path), message: issue.message }];
    }),
  );
}

export interface ContentTree {
  /**
   * The staff categories of staff-categories.yaml, in report order; null when the tree has no such
   * file (its obligations are then checked against the categories the database holds, at load).
   */
  staffCategories?: StaffCategorySource[] | null;
  courses: CourseSource[];
  obligations: ObligationFile[];
  /** Each obligation's file, relative to the content root, by its code (for messages). */
  obligationFiles?: Record<string, string>;
}

/**
 * Read the whole content tree, collecting every error from every file, and
 * check references between files (an obligation naming a missing course).
 */
export function readContentTree(root: string): ContentTree {
  const errors: ContentError[] = [];
  const courses: CourseSource[] = [];
  const obligations: ObligationFile[] = [];
  const categoriesPath = join(root, STAFF_CATEGORIES_FILE);
  let staffCategories: StaffCategorySource[] | null = null;
  if (existsSync(categoriesPath)) {
    try {
      staffCategories = readStaffCategories(categoriesPath, root);
    } catch (e) {
      if (e instanceof ContentInvalidError) errors.push(...e.errors);
      else throw e;
    }
  }
  const configured = staffCategories ? new Set(staffCategories.map((c) => c.code)) : null;
  const coursesDir = join(root, "courses");
  const courseDirs = existsSync(coursesDir)
    ? readdirSync(coursesDir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => join(coursesDir, d.name)).sort()
    : [];
  for (const dir of courseDirs) {
    try {
      courses.push(readCourse(dir, root));
    } catch (e) {
      if (e instanceof ContentInvalidError) errors.push(...e.errors);
      else throw e;
    }
  }
  // One key, one term: the same concept is named the same way in every course.
  const terms = new Map<string, { ko: string; en: string; slug: string }>();
  for (const c of courses) {
    for (const term of c.glossary) {
      const seen = terms.get(term.key);
      if (!seen) terms.set(term.key, { ko: term.ko.term, en: term.en.term, slug: c.course.slug });
      else if (seen.ko !== term.ko.term || seen.en !== term.en.term) {
        errors.push({
          file: `courses/${c.course.slug}/glossary.yaml`,
          field: term.key,
          message: `'${term.ko.term}' / '${term.en.term}' differs from '${seen.ko}' / '${seen.en}' in courses/${seen.slug}`,
        });
      }
    }
  }
  const obligationsDir = join(root, "obligations");
  const obligationFiles = existsSync(obligationsDir)
    ? readdirSync(obligationsDir).filter((f) => f.endsWith(".yaml")).sort().map((f) => join(obligationsDir, f))
    : [];
  // References are checked against course folders, so one broken course.yaml is reported once.
  const courseSlugs = new Set(courseDirs.map((d) => d.split("/").pop()!));
  const minutesBySlug = new Map(courses.map((c) => [c.course.slug, c.course.estimatedMinutes]));
  const codes = new Map<string, string>();
  const fileOfCode: Record<string, string> = {};
  for (const path of obligationFiles) {
    try {
      const o = readObligation(path, root);
      const file = relative(root, path);
      const other = codes.get(o.code);
      if (other) errors.push({ file, field: "code", message: `'${o.code}' is also declared in ${other}: one duty, one file` });
      codes.set(o.code, file);
      const unknown = configured ? o.routes.flatMap((r, i) => r.staffCategories.flatMap((c, j) => (configured.has(c) ? [] : [{ c, i, j }]))) : [];
      if (unknown.length > 0) {
        const { lineOf } = readYamlDocument(path);
        for (const { c, i, j } of unknown) {
          errors.push({
            file,
            field: `routes.${i}.staffCategories.${j}`,
            line: lineOf(["routes", i, "staffCategories", j]),
            message: `staff category '${c}' is not configured in ${STAFF_CATEGORIES_FILE} (${[...configured!].join(", ")})`,
          });
        }
      }
      o.routes.forEach((r, i) => {
        if (!courseSlugs.has(r.course)) {
          errors.push({ file, field: `routes.${i}.course`, message: `course '${r.course}' does not exist in content/courses` });
        }
        // Online, the course is the learning time: it cannot be shorter than what the duty asks.
        const minutes = minutesBySlug.get(r.course);
        const online = !r.modes || r.modes.includes("online");
        if (online && r.minMinutes && minutes !== undefined && minutes < r.minMinutes) {
          errors.push({
            file,
            field: `routes.${i}.minMinutes`,
            message: `course '${r.course}' takes ${minutes} minutes, less than the ${r.minMinutes} this duty requires online`,
          });
        }
      });
      obligations.push(o);
      fileOfCode[o.code] ??= file;
    } catch (e) {
      if (e instanceof ContentInvalidError) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length > 0) throw new ContentInvalidError(errors);
  return { staffCategories, courses, obligations, obligationFiles: fileOfCode };
}
