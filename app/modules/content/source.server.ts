import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { isMap, isNode, isScalar, isSeq, LineCounter, parse as parseYaml, parseDocument, type Document } from "yaml";
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
  screeningFileSchema,
  staffCategoriesFileSchema,
  type CourseFile,
  type GlossaryFile,
  type ObligationFile,
  type PracticumFile,
  type QuizFile,
  type ScreeningFile,
  type StaffCategoriesFile,
} from "./schema";

/** One problem in one file, with the field path and the line when there are. */
export interface ContentError {
  file: string;
  /** The line the field is on, when the file could be parsed that far. */
  line?: number;
  field?: string;
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

/** A parsed YAML file that can say on which line a field is. */
export interface YamlLines {
  doc: Document;
  counter: LineCounter;
}

/**
 * The line of the deepest part of `path` the document holds: a key's own line
 * for a field, an item's first line for a list entry.
 */
export function lineOf(yaml: YamlLines, path: ReadonlyArray<string | number>): number | undefined {
  let node: unknown = yaml.doc.contents;
  let line: number | undefined;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => (p.key as { value?: unknown } | null)?.value === seg);
      const at = (pair?.key as { range?: [number, number, number] } | null)?.range;
      if (!pair || !at) break;
      line = yaml.counter.linePos(at[0]).line;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === "number") {
      const item = node.items[seg] as { range?: [number, number, number] } | undefined;
      if (!item?.range) break;
      line = yaml.counter.linePos(item.range[0]).line;
      node = item;
    } else break;
  }
  return line;
}

/** An obligation file, checked, with where its fields are (for messages that name lines). */
export interface ObligationSource {
  obligation: ObligationFile;
  file: string;
  yaml: YamlLines;
}

export function readObligationSource(path: string, root: string): ObligationSource {
  const file = relative(root, path);
  if (!existsSync(path)) throw new ContentInvalidError([{ file, message: "file is missing" }]);
  const counter = new LineCounter();
  const doc = parseDocument(readFileSync(path, "utf8"), { lineCounter: counter });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new ContentInvalidError([{ file, line: e.linePos?.[0]?.line, message: `not valid YAML: ${e.message.split("\n")[0]}` }]);
  }
  const yaml = { doc, counter };
  const parsed = obligationFileSchema.safeParse(doc.toJS());
  if (!parsed.success) {
    throw new ContentInvalidError(
      parsed.error.issues.map((i) => {
        // A contradiction between two parts of the file names the other part's line too.
        const also = i.code === "custom" ? (i.params?.also as Array<string | number> | undefined) : undefined;
        const alsoLine = also ? lineOf(yaml, also) : undefined;
        const message = also && alsoLine ? i.message.replace(also.join("."), `${also.join(".")} (line ${alsoLine})`) : i.message;
        return { file, line: lineOf(yaml, i.path), field: i.path.join(".") || undefined, message };
      }),
    );
  }
  return { obligation: parsed.data, file, yaml };
}

export function readObligation(path: string, root: string): ObligationFile {
  return readObligationSource(path, root).obligation;
}

/** Why a route's grades are refused for categories that record none (`where`: the file that says which are graded). */
export function ungradedMessage(codes: string[], where: string): string {
  return (
    `names grades, but ${codes.join(", ")} ${codes.length === 1 ? "has" : "have"} no grades (not graded in ${where}): ` +
    `a grade is recorded only for graded categories; route ${codes.length === 1 ? "it" : "them"} without grades, or separately`
  );
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

/** Where content/ keeps the lecturer screening criteria (ADR 033). */
export const SCREENING_FILE = "lecturers/screening.yaml";

/**
 * content/lecturers/screening.yaml, checked: unknown keys, a key used twice, a missing translation
 * or maxima that do not add up to the scale's total are refused, each naming its line.
 */
export function readScreening(path: string, root: string): ScreeningFile {
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
  const parsed = screeningFileSchema.safeParse(read.doc.toJS());
  if (parsed.success) return parsed.data;
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
  /** Each obligation with its file and lines, in file order (content:check explains them). */
  obligationSources?: ObligationSource[];
  /** The lecturer screening criteria; null when the tree has no such file. */
  screening?: ScreeningFile | null;
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
  const screeningPath = join(root, SCREENING_FILE);
  let screening: ScreeningFile | null = null;
  if (existsSync(screeningPath)) {
    try {
      screening = readScreening(screeningPath, root);
    } catch (e) {
      if (e instanceof ContentInvalidError) errors.push(...e.errors);
      else throw e;
    }
  }
  const configured = staffCategories ? new Set(staffCategories.map((c) => c.code)) : null;
  const gradedCategories = new Set((staffCategories ?? []).filter((c) => c.graded).map((c) => c.code));
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
  // A staged track's stages run 1..n, each once: a gap would leave a trainee nothing to open next.
  const stages = courses.filter((c) => c.course.stage !== undefined).sort((a, b) => a.course.stage! - b.course.stage!);
  stages.forEach((c, i) => {
    if (c.course.stage !== i + 1) {
      const other = stages.find((o) => o !== c && o.course.stage === c.course.stage);
      errors.push({
        file: `courses/${c.course.slug}/course.yaml`,
        field: "stage",
        message: other
          ? `stage ${c.course.stage} is also courses/${other.course.slug}: one course per stage`
          : `stage ${c.course.stage} follows stage ${i}: the lecturer track's stages are numbered 1, 2, ... without a gap`,
      });
    }
  });
  // The practicum follows the track's last stage: its rubric is that stage's, and only that stage has one.
  const last = stages[stages.length - 1];
  for (const c of stages) {
    const file = `courses/${c.course.slug}/practicum.yaml`;
    if (c === last && !c.practicum) errors.push({ file, message: "the lecturer track's last stage needs a practicum: the demonstration lecture that follows the stages" });
    if (c !== last && c.practicum) errors.push({ file, message: `the practicum follows the last stage (courses/${last!.course.slug}), not stage ${c.course.stage}` });
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
  const codes = new Map<string, ObligationSource>();
  const fileOfCode: Record<string, string> = {};
  const sources: ObligationSource[] = [];
  for (const path of obligationFiles) {
    try {
      const source = readObligationSource(path, root);
      const { obligation: o, file, yaml } = source;
      const other = codes.get(o.code);
      if (other) {
        errors.push({
          file,
          line: lineOf(yaml, ["code"]),
          field: "code",
          message: `'${o.code}' is also declared in ${other.file}:${lineOf(other.yaml, ["code"]) ?? 1}: one duty, one file`,
        });
      } else codes.set(o.code, source);
      const unknown = configured ? o.routes.flatMap((r, i) => r.staffCategories.flatMap((c, j) => (configured.has(c) ? [] : [{ c, i, j }]))) : [];
      for (const { c, i, j } of unknown) {
        errors.push({
          file,
          field: `routes.${i}.staffCategories.${j}`,
          line: lineOf(yaml, ["routes", i, "staffCategories", j]),
          message: `staff category '${c}' is not configured in ${STAFF_CATEGORIES_FILE} (${[...configured!].join(", ")})`,
        });
      }
      // A grade is recorded only for graded categories: a route naming grades for another would reach no one.
      if (staffCategories) {
        o.routes.forEach((r, i) => {
          if (!r.grades) return;
          const ungraded = r.staffCategories.filter((c) => configured!.has(c) && !gradedCategories.has(c));
          if (ungraded.length === 0) return;
          errors.push({
            file,
            field: `routes.${i}.grades`,
            line: lineOf(yaml, ["routes", i, "grades"]),
            message: ungradedMessage(ungraded, `${STAFF_CATEGORIES_FILE}`),
          });
        });
      }
      o.routes.forEach((r, i) => {
        if (!courseSlugs.has(r.course)) {
          errors.push({ file, line: lineOf(yaml, ["routes", i, "course"]), field: `routes.${i}.course`, message: `course '${r.course}' does not exist in content/courses` });
        }
        // Online, the course is the learning time: it cannot be shorter than what the duty asks.
        const minutes = minutesBySlug.get(r.course);
        const online = !r.modes || r.modes.includes("online");
        if (online && r.minMinutes && minutes !== undefined && minutes < r.minMinutes) {
          errors.push({
            file,
            line: lineOf(yaml, ["routes", i, "minMinutes"]),
            field: `routes.${i}.minMinutes`,
            message: `course '${r.course}' takes ${minutes} minutes, less than the ${r.minMinutes} this duty requires online`,
          });
        }
      });
      obligations.push(o);
      sources.push(source);
      fileOfCode[o.code] ??= file;
    } catch (e) {
      if (e instanceof ContentInvalidError) errors.push(...e.errors);
      else throw e;
    }
  }
  errors.push(...contradictionsBetween(sources));
  if (errors.length > 0) throw new ContentInvalidError(errors);
  return { staffCategories, courses, obligations, obligationFiles: fileOfCode, obligationSources: sources, screening };
}

/**
 * What two obligation files cannot both say (ADR 026). Two files are two duties:
 * the same person owing two courses under two files is what the ordinances ask
 * (an annual duty and a disability duty, or a new hire's duty and the annual
 * one), not a contradiction. Two files that declare the same code would be one
 * duty said twice (refused as they are read); two files with the same title
 * whose audiences may meet would read as one duty to a learner owing both, who
 * could not tell the two assignments apart.
 */
/** Whether two duties' audiences may share people, as far as the files tell (unit subtrees are in the database). */
function audiencesMayMeet(a: ObligationFile, b: ObligationFile): boolean {
  if (!a.audience.unitKinds.some((k) => b.audience.unitKinds.includes(k))) return false;
  const au = a.audience.units;
  const bu = b.audience.units;
  if (!au?.length || !bu?.length) return true;
  return au.some((u) => bu.includes(u));
}

function contradictionsBetween(sources: ObligationSource[]): ContentError[] {
  const errors: ContentError[] = [];
  for (const lang of ["ko", "en"] as const) {
    const byTitle = new Map<string, ObligationSource>();
    for (const s of sources) {
      const title = s.obligation.title[lang].trim();
      const first = byTitle.get(title);
      if (first && first.obligation.code !== s.obligation.code && audiencesMayMeet(first.obligation, s.obligation)) {
        errors.push({
          file: s.file,
          line: lineOf(s.yaml, ["title", lang]),
          field: `title.${lang}`,
          message: `'${title}' is also the title of '${first.obligation.code}' in ${first.file}:${lineOf(first.yaml, ["title", lang]) ?? 1}: learners could not tell the two duties apart`,
        });
      } else if (!first) byTitle.set(title, s);
    }
  }
  return errors;
}
