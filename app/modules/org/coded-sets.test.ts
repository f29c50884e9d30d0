import { describe, expect, it } from "vitest";
import * as enums from "~/generated/prisma/enums";
import { en } from "~/locales/en";
import { ko } from "~/locales/ko";
import { CODED_SETS } from "./coded-sets";

/** Which schema enum each coded set takes its values from. */
const ENUM_OF: Record<keyof typeof CODED_SETS, Record<string, string>> = {
  orgUnitKind: enums.OrgUnitKind,
  jobFamily: enums.JobFamily,
  role: enums.Role,
  courseTrack: enums.CourseTrack,
  lessonKind: enums.LessonKind,
  assignmentStatus: enums.AssignmentStatus,
  completionMode: enums.CompletionMode,
};

function at(messages: object, path: string): Record<string, unknown> {
  const found = path.split(".").reduce<unknown>((o, key) => (o as Record<string, unknown> | undefined)?.[key], messages);
  return typeof found === "object" && found !== null ? (found as Record<string, unknown>) : {};
}

const sets = Object.entries(CODED_SETS) as Array<[keyof typeof CODED_SETS, (typeof CODED_SETS)[keyof typeof CODED_SETS]]>;

describe("coded sets", () => {
  it.each(sets)("%s names every value of its schema enum, once", (name, set) => {
    expect([...set.values].sort()).toEqual(Object.values(ENUM_OF[name]).sort());
    expect(new Set(set.values).size).toBe(set.values.length);
  });

  for (const [language, messages] of [["ko", ko], ["en", en]] as const) {
    it.each(sets)(`%s has a ${language} label for every value and none for values that do not exist`, (_name, set) => {
      const labels = at(messages, set.labels);
      const missing = set.values.filter((v) => typeof labels[v] !== "string" || labels[v] === "");
      expect(missing, `values without a label in app/locales/${language}.ts under ${set.labels}`).toEqual([]);
      const stale = Object.keys(labels).filter((k) => !(set.values as readonly string[]).includes(k));
      expect(stale, `labels in app/locales/${language}.ts under ${set.labels} for values that do not exist`).toEqual([]);
    });
  }

  it("leaves staff categories to configuration: no locale labels them", () => {
    // Their names come from the staff_category table (content/staff-categories.yaml, ADR 025).
    expect("staffCategory" in ko).toBe(false);
    expect("staffCategory" in en).toBe(false);
  });
});
