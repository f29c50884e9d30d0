import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ContentInvalidError, formatError, readContentTree } from "./source.server";
import { renderMarkdown } from "./markdown.server";

const REAL = process.env.CONTENT_ROOT ?? join(process.cwd(), "content");
let dirs: string[] = [];

function copyOfContent(): string {
  const dir = mkdtempSync(join(tmpdir(), "content-"));
  cpSync(REAL, dir, { recursive: true });
  dirs.push(dir);
  return dir;
}

function problems(root: string): string[] {
  try {
    readContentTree(root);
  } catch (e) {
    if (e instanceof ContentInvalidError) return e.errors.map(formatError);
    throw e;
  }
  return [];
}

afterEach(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs = [];
});

describe("content check", () => {
  it("accepts the shipped content", () => {
    const tree = readContentTree(REAL);
    expect(tree.courses.map((c) => c.course.slug)).toContain("annual-civil-servants");
    const course = tree.courses.find((c) => c.course.slug === "annual-civil-servants")!;
    expect(course.lessons.length).toBeGreaterThanOrEqual(3);
    expect(course.lessons.some((l) => l.kind === "CASE_STUDY")).toBe(true);
    expect(course.quiz.questions.every((q) => q.explanation.ko && q.explanation.en)).toBe(true);
  });

  it("names the file and field of a missing field", () => {
    const root = copyOfContent();
    const path = join(root, "courses/annual-civil-servants/course.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace(/^passMark:.*$/m, ""));
    expect(problems(root)).toEqual(["courses/annual-civil-servants/course.yaml [passMark]: Required"]);
  });

  it("names a missing translation and a quiz answer that is not an option", () => {
    const root = copyOfContent();
    const lessons = join(root, "courses/annual-civil-servants/lessons");
    const first = readContentTree(REAL).courses.find((c) => c.course.slug === "annual-civil-servants")!.lessons[0]!.slug;
    rmSync(join(lessons, `${first}.en.md`));
    const quiz = join(root, "courses/annual-civil-servants/quiz.yaml");
    writeFileSync(quiz, readFileSync(quiz, "utf8").replace(/^ {4}answer: \w$/m, "    answer: z"));
    const found = problems(root);
    expect(found).toContain(`courses/annual-civil-servants/lessons/${first}.en.md: translation file is missing`);
    expect(found.some((p) => p.startsWith("courses/annual-civil-servants/quiz.yaml [questions.0.answer]"))).toBe(true);
  });

  it("refuses an obligation that names a course that does not exist", () => {
    const root = copyOfContent();
    const path = join(root, "obligations/annual-human-rights.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace("course: annual-civil-servants", "course: no-such-course"));
    expect(problems(root)).toEqual([
      "obligations/annual-human-rights.yaml [routes.1.course]: course 'no-such-course' does not exist in content/courses",
    ]);
  });

  it("refuses an obligation that contradicts itself", () => {
    const root = copyOfContent();
    const path = join(root, "obligations/disability-rights.yaml");
    writeFileSync(
      path,
      readFileSync(path, "utf8")
        .replace('H1: "06-30"', 'H1: "12-31"')
        .replace('H2: "12-31"', 'H2: "02-30"')
        .replace("    period: H2\n", "    period: H1\n"),
    );
    const found = problems(root);
    expect(found).toContain("obligations/disability-rights.yaml [deadline.H2]: is not a date that exists every year");
    expect(found).toContain("obligations/disability-rights.yaml [deadline.H1]: the first half's deadline must fall by 06-30, or its cycle would overlap the second half");
    expect(found.some((p) => p.includes("[routes]: no course is routed for H2"))).toBe(true);
    expect(found.some((p) => p.includes("is routed twice in H1"))).toBe(true);
  });
});

describe("lesson Markdown", () => {
  it("is sanitised", () => {
    const html = renderMarkdown('## Hi\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[x](javascript:alert(1)) **ok**');
    expect(html).toContain("<h2>Hi</h2>");
    expect(html).toContain("<strong>ok</strong>");
    expect(html).not.toMatch(/script|onerror|javascript:|<img/);
  });
});
