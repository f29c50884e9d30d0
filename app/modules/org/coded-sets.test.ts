import { describe, expect, it } from "vitest";
import * as enums from "~/generated/prisma/enums";
import { en } from "~/locales/en";
import { ko } from "~/locales/ko";
import { CODED_SETS, STAFF_CATEGORIES, staffCategoryOrder } from "./coded-sets";

/** Which schema enum each coded set takes its values from. */
const ENUM_OF: Record<keyof typeof CODED_SETS, Record<string, string>> = {
  staffCategory: enums.StaffCategory,
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

  it("orders every staff category in reports, and puts one it does not know last", () => {
    const order = Object.values(enums.StaffCategory).map(staffCategoryOrder);
    expect(order.every((i) => i >= 0 && i < STAFF_CATEGORIES.length)).toBe(true);
    expect(new Set(order).size).toBe(STAFF_CATEGORIES.length);
    expect(staffCategoryOrder("NOT_A_CATEGORY")).toBe(STAFF_CATEGORIES.length);
    expect(staffCategoryOrder("SENIOR_OFFICIAL")).toBe(0);
  });
});
