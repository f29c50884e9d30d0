import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { parse as parseYaml } from "yaml";
import type { ZodError } from "zod";
import { renderMarkdown } from "./markdown.server";
import {
  courseFileSchema,
  lessonFrontMatterSchema,
  obligationFileSchema,
  quizFileSchema,
  type CourseFile,
  type ObligationFile,
  type QuizFile,
} from "./schema";

/** One problem in one file, with the field path when there is one. */
export interface ContentError {
  file: string;
  field?: string;
  message: string;
}

export class ContentInvalidError extends Error {
  constructor(public errors: ContentError[]) {
    super(`content is invalid:\n${errors.map(formatError).join("\n")}`);
  }
}

export function formatError(e: ContentError): string {
  return `${e.file}${e.field ? ` [${e.field}]` : ""}: ${e.message}`;
}

export interface LessonSource {
  slug: string;
  kind: "TEXT" | "CASE_STUDY" | "VIDEO";
  minutes: number;
  titleKo: string;
  titleEn: string;
  bodyHtmlKo: string;
  bodyHtmlEn: string;
  sourcesKo: string[];
  sourcesEn: string[];
}

export interface CourseSource {
  dir: string;
  course: CourseFile;
  lessons: LessonSource[];
  quiz: QuizFile;
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

function readLessonFile(path: string, root: string, errors: ContentError[]) {
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
  return { ...parsed.data, html: renderMarkdown(parts.body) };
}

const KIND = { text: "TEXT", case_study: "CASE_STUDY", video: "VIDEO" } as const;

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
    for (const l of courseParsed.data.lessons) {
      const ko = readLessonFile(join(dir, "lessons", `${l.slug}.ko.md`), root, errors);
      const en = readLessonFile(join(dir, "lessons", `${l.slug}.en.md`), root, errors);
      if (ko && en) {
        lessons.push({
          slug: l.slug,
          kind: KIND[l.kind],
          minutes: l.minutes,
          titleKo: ko.title,
          titleEn: en.title,
          bodyHtmlKo: ko.html,
          bodyHtmlEn: en.html,
          sourcesKo: ko.sources,
          sourcesEn: en.sources,
        });
      }
    }
  }
  if (errors.length > 0 || !courseParsed?.success || !quizParsed?.success) throw new ContentInvalidError(errors);

  for (const name of ["course.yaml", "quiz.yaml"]) hash.update(readFileSync(join(dir, name)));
  for (const l of courseParsed.data.lessons) {
    for (const lang of ["ko", "en"]) hash.update(readFileSync(join(dir, "lessons", `${l.slug}.${lang}.md`)));
  }
  return { dir, course: courseParsed.data, lessons, quiz: quizParsed.data, contentHash: hash.digest("hex") };
}

export function readObligation(path: string, root: string): ObligationFile {
  const errors: ContentError[] = [];
  const raw = readYaml(path, root, errors);
  if (raw === undefined) throw new ContentInvalidError(errors);
  const parsed = obligationFileSchema.safeParse(raw);
  if (!parsed.success) throw new ContentInvalidError(zodErrors(relative(root, path), parsed.error));
  return parsed.data;
}

export interface ContentTree {
  courses: CourseSource[];
  obligations: ObligationFile[];
}

/**
 * Read the whole content tree, collecting every error from every file, and
 * check references between files (an obligation naming a missing course).
 */
export function readContentTree(root: string): ContentTree {
  const errors: ContentError[] = [];
  const courses: CourseSource[] = [];
  const obligations: ObligationFile[] = [];
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
  const obligationsDir = join(root, "obligations");
  const obligationFiles = existsSync(obligationsDir)
    ? readdirSync(obligationsDir).filter((f) => f.endsWith(".yaml")).sort().map((f) => join(obligationsDir, f))
    : [];
  // References are checked against course folders, so one broken course.yaml is reported once.
  const courseSlugs = new Set(courseDirs.map((d) => d.split("/").pop()!));
  for (const path of obligationFiles) {
    try {
      const o = readObligation(path, root);
      o.routes.forEach((r, i) => {
        if (!courseSlugs.has(r.course)) {
          errors.push({ file: relative(root, path), field: `routes.${i}.course`, message: `course '${r.course}' does not exist in content/courses` });
        }
      });
      obligations.push(o);
    } catch (e) {
      if (e instanceof ContentInvalidError) errors.push(...e.errors);
      else throw e;
    }
  }
  if (errors.length > 0) throw new ContentInvalidError(errors);
  return { courses, obligations };
}
