import { describe, expect, it } from "vitest";
import { coursePath } from "./learning.server";

const lesson = (id: string, core: boolean, jobFamily: string | null = null, done = false) => ({
  id,
  kind: core ? "TEXT" : "CASE_STUDY",
  core,
  jobFamily,
  done,
});

describe("a case path", () => {
  const lessons = [
    lesson("intro", true),
    lesson("core-case", true, "WORKPLACE"),
    lesson("welfare-1", false, "WELFARE"),
    lesson("housing-1", false, "HOUSING"),
    lesson("welfare-2", false, "WELFARE"),
    lesson("transport-1", false, "TRANSPORT"),
  ];

  it("requires every core lesson plus the chosen number of cases, own job family first", () => {
    const path = coursePath(lessons, 2, "WELFARE");
    expect(path.total).toBe(4);
    expect(path.optional.map((l) => l.id).slice(0, 2)).toEqual(["welfare-1", "welfare-2"]);
    expect(path.todo.map((l) => l.id)).toEqual(["intro", "core-case", "welfare-1", "welfare-2"]);
    expect(path.complete).toBe(false);
  });

  it("counts any chosen cases, and never more than required", () => {
    const done = lessons.map((l) => ({ ...l, done: l.core || l.id === "housing-1" || l.id === "transport-1" || l.id === "welfare-1" }));
    const path = coursePath(done, 2, "WELFARE");
    expect(path.done).toBe(4);
    expect(path.complete).toBe(true);
    expect(path.todo).toEqual([]);
  });

  it("without a case path, every lesson is required", () => {
    const all = lessons.map((l) => ({ ...l, core: true }));
    const path = coursePath(all, null, null);
    expect(path.total).toBe(6);
    expect(path.todo).toHaveLength(6);
  });
});
