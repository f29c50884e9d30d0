import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contentCopies, problems, REAL } from "../../../test/content-copies";
import { readContentTree } from "./source.server";
import { renderMarkdown } from "./markdown.server";
import { maxRecognisedHours } from "./schema";

const copyOfContent = contentCopies();

describe("content check", () => {
  it("accepts the shipped content", () => {
    const tree = readContentTree(REAL);
    expect(tree.courses.map((c) => c.course.slug)).toContain("annual-civil-servants");
    const course = tree.courses.find((c) => c.course.slug === "annual-civil-servants")!;
    expect(course.lessons.length).toBeGreaterThanOrEqual(3);
    expect(course.lessons.some((l) => l.kind === "CASE_STUDY")).toBe(true);
    expect(course.quiz.questions.every((q) => q.explanation?.ko && q.explanation?.en)).toBe(true);
  });

  it("numbers the lecturer track's stages without a gap, and only there", () => {
    const root = copyOfContent();
    const path = join(root, "courses/lecturer-trainer/course.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace(/^stage: 1$/m, "stage: 2"));
    const advanced = join(root, "courses/lecturer-advanced/course.yaml");
    writeFileSync(advanced, readFileSync(advanced, "utf8").replace(/^stage: 3$/m, "stage: 4"));
    const elective = join(root, "courses/elective-impact-assessment/course.yaml");
    writeFileSync(elective, readFileSync(elective, "utf8").replace(/^track: elective$/m, "track: elective\nstage: 1"));
    const found = problems(root);
    expect(found).toContain("courses/elective-impact-assessment/course.yaml [stage]: is only for the lecturer track, whose stages are taken in order");
    expect(found).toContain("courses/lecturer-specialised/course.yaml [stage]: stage 2 is also courses/lecturer-trainer: one course per stage");
    expect(found.some((p) => p.startsWith("courses/lecturer-advanced/course.yaml [stage]: stage 4 follows stage 2"))).toBe(true);
  });

  it("has the practicum follow the last stage only", () => {
    const root = copyOfContent();
    cpSync(join(root, "courses/lecturer-advanced/practicum.yaml"), join(root, "courses/lecturer-trainer/practicum.yaml"));
    expect(problems(root)).toEqual(["courses/lecturer-trainer/practicum.yaml: the practicum follows the last stage (courses/lecturer-advanced), not stage 1"]);
    rmSync(join(root, "courses/lecturer-trainer/practicum.yaml"));
    rmSync(join(root, "courses/lecturer-advanced/practicum.yaml"));
    expect(problems(root)).toEqual(["courses/lecturer-advanced/practicum.yaml: the lecturer track's last stage needs a practicum: the demonstration lecture that follows the stages"]);
  });

  it("takes the lecturer track's courses in stage order: basic, specialised, advanced", () => {
    const stages = readContentTree(REAL)
      .courses.filter((c) => c.course.track === "lecturer")
      .sort((a, b) => a.course.stage! - b.course.stage!);
    expect(stages.map((c) => [c.course.stage, c.course.slug])).toEqual([
      [1, "lecturer-trainer"],
      [2, "lecturer-specialised"],
      [3, "lecturer-advanced"],
    ]);
    for (const c of stages) {
      // The practicum follows the last stage.
      expect(c.practicum !== null, c.course.slug).toBe(c.course.stage === 3);
      expect(c.pretest?.questions.length, c.course.slug).toBeGreaterThan(0);
      expect(c.glossary.length, c.course.slug).toBeGreaterThan(0);
      // The lessons, plus ten minutes for the pre-test and the quiz.
      expect(c.course.estimatedMinutes, c.course.slug).toBe(c.lessons.reduce((sum, l) => sum + l.minutes, 10));
    }
  });

  it("checks the lecturer screening criteria: their scale adds up to 100, each key once, both languages", () => {
    expect(readContentTree(REAL).screening?.criteria.reduce((n, c) => n + c.maxScore, 0)).toBe(100);
    const root = copyOfContent();
    const path = join(root, "lecturers/screening.yaml");
    const shipped = readFileSync(path, "utf8");
    writeFileSync(path, shipped.replace(/^( {6}en: "Whether the applicant understands.*)$/m, "").replace(/^version: 1$/m, "version: 1\nweights: true"));
    let found = problems(root);
    expect(found).toContain("lecturers/screening.yaml:5 [weights]: unknown key 'weights'");
    expect(found.some((p) => p.includes("[criteria.1.description.en]"))).toBe(true);
    writeFileSync(path, shipped.replace("maxScore: 30", "maxScore: 35").replace("key: fields", "key: activity"));
    found = problems(root);
    expect(found.some((p) => p.includes("[criteria.4.key]: 'activity' is also criterion 1"))).toBe(true);
    expect(found.some((p) => p.includes("add up to 105, not 100"))).toBe(true);
    rmSync(path);
    expect(problems(root)).toEqual([]);
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

  it("needs recognised hours on every course, no more than its learning time allows", () => {
    for (const c of readContentTree(REAL).courses) {
      expect(c.course.recognisedHours, c.course.slug).toBe(maxRecognisedHours(c.course.estimatedMinutes));
    }
    expect([42, 50, 74, 75, 92, 100].map(maxRecognisedHours)).toEqual([1, 1, 1, 2, 2, 2]);
    const root = copyOfContent();
    const course = join(root, "courses/annual-civil-servants/course.yaml");
    const text = readFileSync(course, "utf8");
    writeFileSync(course, text.replace(/^recognisedHours: .*$/m, "recognisedHours: 3"));
    expect(problems(root)).toEqual([
      "courses/annual-civil-servants/course.yaml [recognisedHours]: is 3, more than the 2 that 78 estimated minutes allow (one hour per 50 minutes)",
    ]);
    writeFileSync(course, text.replace(/^recognisedHours: .*\n/m, ""));
    expect(problems(root)).toEqual([
      "courses/annual-civil-servants/course.yaml [recognisedHours]: is required: the hours the course is recognised for (see content/README.md)",
    ]);
  });

  it("refuses an obligation that names a course that does not exist", () => {
    const root = copyOfContent();
    const path = join(root, "obligations/annual-human-rights.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace("course: annual-civil-servants", "course: no-such-course"));
    expect(problems(root)).toEqual([
      "obligations/annual-human-rights.yaml:20 [routes.1.course]: course 'no-such-course' does not exist in content/courses",
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
    expect(found).toContain("obligations/disability-rights.yaml:29 [deadline.H2]: is not a date that exists every year");
    expect(found).toContain("obligations/disability-rights.yaml:28 [deadline.H1]: the first half's deadline must fall by 06-30, or its cycle would overlap the second half");
    expect(found.some((p) => p.includes(":16 [routes]: no course is routed for H2"))).toBe(true);
    expect(found).toContain(
      "obligations/disability-rights.yaml:22 [routes.1]: SENIOR_OFFICIAL is routed twice in H1: also by routes.0 (line 17), so one person would owe two courses for this duty",
    );
  });

  it("reads the staff categories in their order, with the example of contract staff", () => {
    const tree = readContentTree(REAL);
    expect(tree.staffCategories?.map((c) => c.code)).toEqual([
      "SENIOR_OFFICIAL",
      "CIVIL_SERVANT",
      "CONTRACT_STAFF",
      "AFFILIATED_STAFF",
      "WELFARE_FACILITY_STAFF",
      "EDUCATIONAL_STAFF",
      "CITIZEN",
    ]);
    expect(tree.staffCategories?.find((c) => c.code === "CONTRACT_STAFF")).toEqual({
      code: "CONTRACT_STAFF",
      name: { ko: "계약직", en: "Contract staff" },
      graded: false,
      onRoll: true,
      cityStaff: false,
    });
  });

  it("refuses an unknown key, a missing name, a duplicate code and a file without citizens, naming each line", () => {
    const root = copyOfContent();
    const path = join(root, "staff-categories.yaml");
    writeFileSync(
      path,
      [
        "categories:",
        "  - code: SENIOR_OFFICIAL",
        '    name: { ko: "관리자", en: "Senior" }',
        "    rank: 1",
        "  - code: CONTRACT_STAFF",
        "    graded: true",
      ].join("\n"),
    );
    expect(problems(root)).toEqual([
      "staff-categories.yaml:4 [categories.0.rank]: unknown key 'rank'",
      "staff-categories.yaml:5 [categories.1.name]: needs ko and en",
    ]);
    writeFileSync(
      path,
      [
        "categories:",
        "  - code: CIVIL_SERVANT",
        '    name: { ko: "공무원", en: "Civil servant" }',
        "  - code: CIVIL_SERVANT",
        '    name: { ko: "공무원 2", en: "Civil servant 2" }',
        "  - code: contract staff",
        '    name: { ko: "계약직", en: "Civil Servant" }',
      ].join("\n"),
    );
    expect(problems(root)).toEqual([
      "staff-categories.yaml:6 [categories.2.code]: a staff category code is capitals, digits and _ (CONTRACT_STAFF), at most 40 characters",
      "staff-categories.yaml:4 [categories.1.code]: code 'CIVIL_SERVANT' is also category 1's",
      "staff-categories.yaml:7 [categories.2.name.en]: English name 'civil servant' is also category 1's",
      "staff-categories.yaml:2 [categories]: needs the category CITIZEN: people who sign up themselves are given it",
    ]);
  });

  it("refuses an obligation routed to a category the file does not configure, naming its line", () => {
    const root = copyOfContent();
    const path = join(root, "obligations/annual-human-rights.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace("[CIVIL_SERVANT, CONTRACT_STAFF, AFFILIATED_STAFF]", "[CIVIL_SERVANT, SEASONAL_STAFF, AFFILIATED_STAFF]"));
    const lines = readFileSync(path, "utf8").split("\n");
    const line = lines.findIndex((l) => l.includes("SEASONAL_STAFF")) + 1;
    expect(problems(root)).toEqual([
      `obligations/annual-human-rights.yaml:${line} [routes.1.staffCategories.1]: staff category 'SEASONAL_STAFF' is not configured in staff-categories.yaml (SENIOR_OFFICIAL, CIVIL_SERVANT, CONTRACT_STAFF, AFFILIATED_STAFF, WELFARE_FACILITY_STAFF, EDUCATIONAL_STAFF, CITIZEN)`,
    ]);
    // Added to the file, the same obligation is accepted.
    const categories = join(root, "staff-categories.yaml");
    writeFileSync(categories, `${readFileSync(categories, "utf8")}  - code: SEASONAL_STAFF\n    name: { ko: "계절 근로자", en: "Seasonal staff" }\n`);
    expect(problems(root)).toEqual([]);
  });
});

describe("question pools", () => {
  it("asks every question when the quiz names no draw, and takes a draw no larger than the pool", () => {
    const real = readContentTree(REAL).courses.find((c) => c.course.slug === "annual-civil-servants")!;
    expect(real.quiz.draw).toBeUndefined();
    const root = copyOfContent();
    const quiz = join(root, "courses/annual-civil-servants/quiz.yaml");
    const course = join(root, "courses/annual-civil-servants/course.yaml");
    const pool = real.quiz.questions.length;
    writeFileSync(quiz, `draw: ${pool - 1}\n${readFileSync(quiz, "utf8")}`);
    writeFileSync(course, `${readFileSync(course, "utf8")}\nattempts: { perWindow: 2, waitHours: 48 }\nminLessonMinutes: 20\n`);
    const loaded = readContentTree(root).courses.find((c) => c.course.slug === "annual-civil-servants")!;
    expect(loaded.quiz.draw).toBe(pool - 1);
    expect(loaded.course.attempts).toEqual({ perWindow: 2, waitHours: 48 });
    expect(loaded.course.minLessonMinutes).toBe(20);
  });

  it("refuses a draw larger than the pool, and a draw on a pre-test", () => {
    const root = copyOfContent();
    const dir = join(root, "courses/annual-civil-servants");
    const pool = readContentTree(REAL).courses.find((c) => c.course.slug === "annual-civil-servants")!.quiz.questions.length;
    writeFileSync(join(dir, "quiz.yaml"), `draw: ${pool + 1}\n${readFileSync(join(dir, "quiz.yaml"), "utf8")}`);
    writeFileSync(join(dir, "pretest.yaml"), `draw: 1\n${readFileSync(join(dir, "pretest.yaml"), "utf8")}`);
    expect(problems(root)).toEqual([
      `courses/annual-civil-servants/quiz.yaml [draw]: draws ${pool + 1} questions but the pool has only ${pool}`,
      "courses/annual-civil-servants/pretest.yaml [draw]: a pre-test asks every question: it has no draw",
    ]);
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
