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
