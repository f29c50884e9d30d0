import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { contentCopies, problems, REAL } from "../../../test/content-copies";
import { explainObligation } from "./explain";
import { readContentTree } from "./source.server";

/** Obligation files: what content:check says they mean, and what it refuses (ADR 026). */
const copyOfContent = contentCopies();

const NEW_HIRES = `code: new-hires
title:
  ko: "신규 임용자 인권교육"
  en: "Human rights education for new hires"
legalBasis:
  ko: "조례"
  en: "Ordinance"
cycle: on_joining
withinDays: 60
audience:
  unitKinds: [CITY, BUREAU, DIVISION, TEAM]
  units: [INCHEON]
routes:
  - staffCategories: [CIVIL_SERVANT]
    course: annual-civil-servants
    minMinutes: 60
    modes: [online]
`;

function explained(root: string) {
  const tree = readContentTree(root);
  const titles = new Map(tree.courses.map((c) => [c.course.slug, c.course.title]));
  return (code: string) => {
    const o = tree.obligations.find((x) => x.code === code)!;
    const said = explainObligation(o, titles, tree.staffCategories ?? []);
    return { ko: said.ko.join("\n"), en: said.en.join("\n") };
  };
}

describe("content:check in plain words", () => {
  it("reads Seoul's annual duty back: who, which course, by when, how much, what counts", () => {
    const { ko, en } = explained(REAL)("annual-human-rights");
    expect(en).toContain("except welfare facility staff and educational institution staff, once a year, by 31 December");
    expect(en).toContain("in units of kind city, bureau, division, team or affiliated organization");
    expect(en).toMatch(/“[^”]+” \(annual-senior-officials\) for each senior official \(grade 4\+\)/);
    expect(en).toMatch(/\(annual-civil-servants\) for each civil servant, contract staff or affiliated organization staff/);
    expect(en).toContain("by 31 December (to the end of the day, Seoul time); overdue, and HR officers told, from the day after the deadline");
    expect(en).toContain("How much: at least 60 minutes");
    expect(en).toContain("the course, online; attending an in-person session");
    expect(en).toContain("an equivalent course completed elsewhere, recognised by an HR officer with its evidence");
    expect(en).toContain("One in-person session may also count toward other duties that allow it");
    expect(ko).toContain("소속 전원(복지시설 종사자, 교육기관 종사자 제외), 매년 1회, 12월 31일까지");
    expect(ko).toMatch(/4급 이상 관리자: 「[^」]+」\(annual-senior-officials\)/);
    expect(ko).toMatch(/공무원, 계약직, 투자·출연기관 직원: 「[^」]+」\(annual-civil-servants\)/);
    expect(ko).toContain("얼마나: 최소 60분");
    expect(ko).toContain("인사 담당자가 증빙과 함께 인정한 외부 동등 과정");
  });

  it("reads Seoul's half-yearly duty back with each half's course and deadline", () => {
    const { ko, en } = explained(REAL)("disability-rights");
    expect(en).toContain("twice a year, by 30 June and by 31 December");
    expect(en).toMatch(/in the first half, “[^”]+” \(disability-rights-h1\) for everyone above/);
    expect(en).toMatch(/in the second half, “[^”]+” \(disability-rights-h2\) for everyone above/);
    expect(en).toContain("welfare facility or educational institution");
    expect(en).toContain("overdue, and HR officers told, 14 days after the deadline");
    expect(en).not.toContain(" except ");
    expect(ko).toContain("연 2회, 6월 30일과 12월 31일까지");
    expect(ko).toMatch(/상반기 대상 전원: 「[^」]+」\(disability-rights-h1\)/);
    expect(ko).toContain("기한 14일 뒤부터 미이수로 보고 인사 담당자에게 알림");
  });

  it("reads a duty owed within 60 days of joining back, with its units and its only mode", () => {
    const root = copyOfContent();
    writeFileSync(join(root, "obligations/new-hires.yaml"), NEW_HIRES);
    const { ko, en } = explained(root)("new-hires");
    expect(en).toContain("everyone in INCHEON and the units under it except senior official (grade 4+), contract staff, affiliated organization staff");
    expect(en).toContain("once, within 60 days of joining");
    expect(en).toContain("the hire date on the personnel file, or the day they move into these units");
    expect(en).toContain("(online only for civil servant)");
    expect(en).not.toContain("attending an in-person session");
    expect(ko).toContain("INCHEON 및 그 하위 조직 소속 전원(");
    expect(ko).toContain("들어온 날부터 60일 이내 1회");
    expect(ko).toContain("60일째 되는 날이 끝날 때까지(서울 시각)");
  });
});

describe("an in-person share (ADR 038)", () => {
  const WITH_SHARE = NEW_HIRES.replace("modes: [online]", "modes: [online, in_person]") + "inPersonShare: 30\n";

  it("reads the share back as each institution's target", () => {
    const root = copyOfContent();
    writeFileSync(join(root, "obligations/new-hires.yaml"), WITH_SHARE);
    const { ko, en } = explained(root)("new-hires");
    expect(en).toContain("How much: at least 60 minutes; in each institution, at least 30% of a cycle's completions in person (checked in the oversight return)");
    expect(ko).toContain("얼마나: 최소 60분; 기관마다 주기별 이수자의 30% 이상은 집합교육으로 이수");
    expect(problems(root)).toEqual([]);
  });

  it("refuses a share no route could meet, naming the routes, and a share outside 1 to 100", () => {
    const root = copyOfContent();
    writeFileSync(join(root, "obligations/new-hires.yaml"), NEW_HIRES + "inPersonShare: 30\n");
    expect(problems(root)).toEqual([
      "obligations/new-hires.yaml:18 [inPersonShare]: contradicts the routes (line 13): every route says modes: [online], so no completion could be in person; allow in_person on a route or remove inPersonShare",
    ]);
    writeFileSync(join(root, "obligations/new-hires.yaml"), WITH_SHARE.replace("inPersonShare: 30", "inPersonShare: 130"));
    expect(problems(root)).toEqual(["obligations/new-hires.yaml:18 [inPersonShare]: must be at most 100"]);
  });
});

describe("an obligation file that contradicts itself or another", () => {
  function withNewHires(text: string): string[] {
    const root = copyOfContent();
    writeFileSync(join(root, "obligations/new-hires.yaml"), text);
    return problems(root);
  }

  it("accepts a duty owed within days of joining", () => {
    expect(withNewHires(NEW_HIRES)).toEqual([]);
  });

  it("refuses withinDays of 0 or less, withinDays on an annual duty, a deadline on a duty owed on joining, and none at all", () => {
    expect(withNewHires(NEW_HIRES.replace("withinDays: 60", "withinDays: 0"))).toEqual([
      "obligations/new-hires.yaml:9 [withinDays]: must be at least 1: a duty owed within 0 days of joining is overdue the day it is owed",
    ]);
    expect(withNewHires(NEW_HIRES.replace("withinDays: 60", "withinDays: -5"))[0]).toContain(":9 [withinDays]: must be at least 1");
    expect(withNewHires(NEW_HIRES.replace("cycle: on_joining", 'cycle: annual\ndeadline: "11-30"'))).toEqual([
      "obligations/new-hires.yaml:10 [withinDays]: contradicts cycle: annual: only an on_joining duty is owed within days of joining",
    ]);
    expect(withNewHires(NEW_HIRES.replace("withinDays: 60", 'withinDays: 60\ndeadline: "11-30"'))).toEqual([
      "obligations/new-hires.yaml:10 [deadline]: contradicts cycle: on_joining, whose deadline is each person's own, withinDays after they join: remove deadline or choose cycle: annual",
    ]);
    expect(withNewHires(NEW_HIRES.replace("withinDays: 60\n", ""))).toEqual([
      "obligations/new-hires.yaml [withinDays]: an on_joining duty says within how many days of joining it is owed (withinDays: 60)",
    ]);
  });

  it("refuses two routes for the same category, naming both lines, and a unit listed twice", () => {
    const twice = `${NEW_HIRES}  - staffCategories: [SENIOR_OFFICIAL, CIVIL_SERVANT]\n    course: annual-senior-officials\n`;
    expect(withNewHires(twice)).toEqual([
      "obligations/new-hires.yaml:18 [routes.1]: CIVIL_SERVANT is routed twice: also by routes.0 (line 14), so one person would owe two courses for this duty",
    ]);
    expect(withNewHires(NEW_HIRES.replace("units: [INCHEON]", "units: [INCHEON, INCHEON]"))).toEqual([
      "obligations/new-hires.yaml:12 [audience.units.1]: unit INCHEON is listed twice",
    ]);
  });

  it("refuses a deadline outside its period", () => {
    const root = copyOfContent();
    const path = join(root, "obligations/disability-rights.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace('H2: "12-31"', 'H2: "03-31"'));
    expect(problems(root)).toEqual([
      "obligations/disability-rights.yaml:29 [deadline.H2]: the second half's deadline must fall from 07-01, or its cycle would overlap the first half",
    ]);
  });

  it("refuses two files with the same code, naming both files and lines", () => {
    const found = withNewHires(NEW_HIRES.replace("code: new-hires", "code: annual-human-rights").replace(/title:\n {2}ko: .*\n {2}en: .*\n/, 'title:\n  ko: "다른 제목"\n  en: "Another title"\n'));
    expect(found).toEqual([
      "obligations/new-hires.yaml:1 [code]: 'annual-human-rights' is also declared in obligations/annual-human-rights.yaml:2: one duty, one file",
    ]);
  });

  it("refuses two duties with one title whose audiences may meet, and allows it for another city's units", () => {
    const sameTitle = NEW_HIRES.replace('ko: "신규 임용자 인권교육"', 'ko: "연간 인권교육 (공무원 및 투자·출연기관 직원)"');
    // A new-hire duty of Seoul's own tree may reach those who owe Seoul's annual duty: a learner owing
    // both could not tell them apart.
    expect(withNewHires(sameTitle.replace("units: [INCHEON]", "units: [SEOUL]"))).toEqual([
      "obligations/new-hires.yaml:3 [title.ko]: '연간 인권교육 (공무원 및 투자·출연기관 직원)' is also the title of 'annual-human-rights' in obligations/annual-human-rights.yaml:4: learners could not tell the two duties apart",
    ]);
    // So may one that names no units (the one tree, while there is one).
    expect(withNewHires(sameTitle.replace("  units: [INCHEON]\n", ""))).toHaveLength(1);
    // Two files that each name their own city's units never meet: Seoul's name SEOUL, this one INCHEON.
    expect(withNewHires(sameTitle)).toEqual([]);
  });

  it("allows two duties that give the same person two courses: they are two duties, each assigned on its own", () => {
    // Seoul's files already do: everyone owes the annual course and the disability course.
    expect(withNewHires(NEW_HIRES.replace("course: annual-civil-servants", "course: disability-rights-h1"))).toEqual([]);
  });
});

/** A second city's annual duty that leaves its welfare bureau out and routes civil servants by grade. */
const INCHEON = `code: incheon-annual
title:
  ko: "인천 연간 인권교육"
  en: "Incheon annual human rights education"
legalBasis:
  ko: "인천광역시 인권 기본 조례"
  en: "Incheon Human Rights Ordinance"
cycle: annual
audience:
  unitKinds: [CITY, BUREAU, DIVISION, TEAM]
  units: [INCHEON]
  except: [INCHEON-WEL]
routes:
  - staffCategories: [SENIOR_OFFICIAL, CONTRACT_STAFF, AFFILIATED_STAFF, WELFARE_FACILITY_STAFF, EDUCATIONAL_STAFF]
    course: annual-civil-servants
  - staffCategories: [CIVIL_SERVANT]
    grades: { from: 1, to: 4 }
    course: annual-senior-officials
  - staffCategories: [CIVIL_SERVANT]
    grades: { from: 5 }
    course: annual-civil-servants
deadline: "11-30"
`;

describe("grades and units left out, in an obligation file", () => {
  function withIncheon(text: string): string[] {
    const root = copyOfContent();
    writeFileSync(join(root, "obligations/incheon-annual.yaml"), text);
    return problems(root);
  }
  /** The file's lines, to name where a field is. */
  const lineOf = (text: string, needle: string, from = 0) => text.split("\n").findIndex((l, i) => i >= from && l.includes(needle)) + 1;

  it("accepts grade ranges that do not meet, and reads the rule back: everyone in X except Y, and who takes which course by grade", () => {
    expect(withIncheon(INCHEON)).toEqual([]);
    const root = copyOfContent();
    writeFileSync(join(root, "obligations/incheon-annual.yaml"), INCHEON);
    const { ko, en } = explained(root)("incheon-annual");
    expect(en).toContain("everyone in INCHEON and the units under it except INCHEON-WEL and the units under it, and except civil servant with no grade recorded, once a year, by 30 November");
    expect(en).toContain("Who: everyone in INCHEON and the units under it, except INCHEON-WEL and the units under it, in units of kind");
    expect(en).toMatch(/\(annual-senior-officials\) for each civil servant of grades 1–4; “[^”]+” \(annual-civil-servants\) for each civil servant of grades 5–9/);
    expect(ko).toContain("INCHEON 및 그 하위 조직(INCHEON-WEL 및 그 하위 조직 제외) 소속 전원(급이 기록되지 않은 공무원 제외), 매년 1회, 11월 30일까지");
    expect(ko).toMatch(/1~4급 공무원: 「[^」]+」\(annual-senior-officials\); 5~9급 공무원: 「[^」]+」\(annual-civil-servants\)/);
  });

  it("names the grades a graded category's routes leave out", () => {
    const root = copyOfContent();
    writeFileSync(join(root, "obligations/incheon-annual.yaml"), INCHEON.replace("grades: { from: 5 }", "grades: { from: 7, to: 8 }"));
    const { ko, en } = explained(root)("incheon-annual");
    expect(en).toContain("except civil servant of grades 5–6 or grade 9 or with no grade recorded");
    expect(ko).toContain("(5~6급, 9급 및 급이 기록되지 않은 공무원 제외)");
  });

  it("with units' names, reads them by name and code; without, by code", () => {
    const root = copyOfContent();
    writeFileSync(join(root, "obligations/incheon-annual.yaml"), INCHEON.replace(/ {2}- staffCategories: \[CIVIL_SERVANT\]\n {4}grades: \{ from: 1, to: 4 \}\n {4}course: annual-senior-officials\n/, "").replace("grades: { from: 5 }", "grades: { to: 9 }").replace("    grades: { to: 9 }\n", ""));
    const tree = readContentTree(root);
    const o = tree.obligations.find((x) => x.code === "incheon-annual")!;
    const titles = new Map(tree.courses.map((c) => [c.course.slug, c.course.title]));
    const names = new Map([
      ["INCHEON", { ko: "인천광역시", en: "Incheon Metropolitan City" }],
      ["INCHEON-WEL", { ko: "복지국", en: "Welfare Bureau" }],
    ]);
    const named = explainObligation(o, titles, tree.staffCategories ?? [], names);
    expect(named.en[0]).toBe("everyone in Incheon Metropolitan City (INCHEON) and the units under it except Welfare Bureau (INCHEON-WEL) and the units under it, once a year, by 30 November");
    expect(named.ko[0]).toBe("인천광역시(INCHEON) 및 그 하위 조직(복지국(INCHEON-WEL) 및 그 하위 조직 제외) 소속 전원, 매년 1회, 11월 30일까지");
    const coded = explainObligation(o, titles, tree.staffCategories ?? []);
    expect(coded.en[0]).toBe("everyone in INCHEON and the units under it except INCHEON-WEL and the units under it, once a year, by 30 November");
    expect(coded.ko[0]).toBe("INCHEON 및 그 하위 조직(INCHEON-WEL 및 그 하위 조직 제외) 소속 전원, 매년 1회, 11월 30일까지");
  });

  it("without the categories' names (a tree without staff-categories.yaml, no database), names categories by their codes as written", () => {
    const tree = readContentTree(REAL);
    const o = tree.obligations.find((x) => x.code === "annual-human-rights")!;
    const said = explainObligation(o, new Map(), []);
    expect(said.en[1]).toContain("who is a SENIOR_OFFICIAL, CIVIL_SERVANT, CONTRACT_STAFF or AFFILIATED_STAFF");
    expect(said.ko[1]).toContain("SENIOR_OFFICIAL, CIVIL_SERVANT, CONTRACT_STAFF, AFFILIATED_STAFF 전원");
  });

  it("refuses grades on a category that records none, naming the line", () => {
    const text = INCHEON.replace("  - staffCategories: [CIVIL_SERVANT]\n    grades: { from: 1, to: 4 }", "  - staffCategories: [CIVIL_SERVANT, CONTRACT_STAFF]\n    grades: { from: 1, to: 4 }").replace(
      "[SENIOR_OFFICIAL, CONTRACT_STAFF,",
      "[SENIOR_OFFICIAL,",
    );
    expect(withIncheon(text)).toEqual([
      `obligations/incheon-annual.yaml:${lineOf(text, "grades: { from: 1")} [routes.1.grades]: names grades, but CONTRACT_STAFF has no grades (not graded in staff-categories.yaml): a grade is recorded only for graded categories; route it without grades, or separately`,
    ]);
  });

  it("refuses two routes whose grades meet, naming both lines; and a route without grades beside one with", () => {
    const overlap = INCHEON.replace("grades: { from: 5 }", "grades: { from: 4, to: 9 }");
    expect(withIncheon(overlap)).toEqual([
      `obligations/incheon-annual.yaml:${lineOf(overlap, "staffCategories: [CIVIL_SERVANT]", lineOf(overlap, "grades: { from: 1"))} [routes.2]: CIVIL_SERVANT is routed twice for grade 4: also by routes.1 (line ${lineOf(overlap, "staffCategories: [CIVIL_SERVANT]")}), so one person would owe two courses for this duty`,
    ]);
    const everyGrade = INCHEON.replace("    grades: { from: 5 }\n", "");
    expect(withIncheon(everyGrade)).toEqual([
      `obligations/incheon-annual.yaml:${lineOf(everyGrade, "staffCategories: [CIVIL_SERVANT]", lineOf(everyGrade, "grades: { from: 1"))} [routes.2]: CIVIL_SERVANT is routed twice: also by routes.1 (line ${lineOf(everyGrade, "staffCategories: [CIVIL_SERVANT]")}), so one person would owe two courses for this duty`,
    ]);
  });

  it("refuses grades out of order, out of range, or empty", () => {
    const line = lineOf(INCHEON, "grades: { from: 5 }");
    expect(withIncheon(INCHEON.replace("grades: { from: 5 }", "grades: { from: 6, to: 2 }"))).toEqual([
      `obligations/incheon-annual.yaml:${line} [routes.2.grades]: from must be a higher grade (a smaller number) than to, or the same`,
    ]);
    expect(withIncheon(INCHEON.replace("grades: { from: 5 }", "grades: { from: 5, to: 10 }"))).toEqual([
      `obligations/incheon-annual.yaml:${line} [routes.2.grades.to]: must be a whole number from 1 to 9`,
    ]);
    expect(withIncheon(INCHEON.replace("grades: { from: 5 }", "grades: {}"))).toEqual([
      `obligations/incheon-annual.yaml:${line} [routes.2.grades]: names from, to or both (grades: { from: 1, to: 4 })`,
    ]);
  });

  it("refuses a unit both covered and left out, naming both lines, and a unit left out twice", () => {
    const both = INCHEON.replace("except: [INCHEON-WEL]", "except: [INCHEON-WEL, INCHEON]");
    expect(withIncheon(both)).toEqual([
      `obligations/incheon-annual.yaml:${lineOf(both, "except:")} [audience.except.1]: unit INCHEON is both covered and left out: also in audience.units.0 (line ${lineOf(both, "units: [INCHEON]")}), so the duty would leave out all of it`,
    ]);
    const twice = INCHEON.replace("except: [INCHEON-WEL]", "except: [INCHEON-WEL, INCHEON-WEL]");
    expect(withIncheon(twice)).toEqual([`obligations/incheon-annual.yaml:${lineOf(twice, "except:")} [audience.except.1]: unit INCHEON-WEL is listed twice`]);
  });
});
