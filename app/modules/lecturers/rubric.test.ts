import { describe, expect, it } from "vitest";
import { checkLevels, combine, decideAgreed, divergentCriteria, exactTotal, points, type Rubric } from "./rubric";

const lv = (ko: string) => ({ ko, en: ko });
const rubric: Rubric = {
  passScore: 70,
  minutes: 30,
  brief: lv("brief"),
  criteria: [
    { key: "accuracy", title: lv("a"), weight: 3, levels: [lv("1"), lv("2"), lv("3"), lv("4")] },
    { key: "design", title: lv("d"), weight: 2, levels: [lv("1"), lv("2"), lv("3"), lv("4")] },
    { key: "time", title: lv("t"), weight: 1, levels: [lv("1"), lv("2"), lv("3"), lv("4")] },
  ],
};
const all = (n: number) => ({ accuracy: n, design: n, time: n });

describe("the practicum rubric", () => {
  it("takes a whole level on each criterion's own scale, and nothing else", () => {
    expect(checkLevels(rubric, all(1))).toEqual([]);
    expect(checkLevels(rubric, all(4))).toEqual([]);
    expect(checkLevels(rubric, { ...all(3), time: 5 })).toEqual([{ key: "time", problem: "outOfScale" }]);
    expect(checkLevels(rubric, { ...all(3), time: 0 })).toEqual([{ key: "time", problem: "outOfScale" }]);
    expect(checkLevels(rubric, { ...all(3), time: 2.5 })).toEqual([{ key: "time", problem: "outOfScale" }]);
    expect(checkLevels(rubric, { accuracy: 3, design: 3 })).toEqual([{ key: "time", problem: "missing" }]);
    expect(checkLevels(rubric, { ...all(3), extra: 2 })).toEqual([{ key: "extra", problem: "outOfScale" }]);
  });

  it("weights a total out of 100: top levels 100, level 3 of 4 everywhere 75", () => {
    expect(exactTotal(rubric, all(4))).toBe(100);
    expect(points(exactTotal(rubric, all(3)))).toBe(75);
    // (3·4/4 + 2·2/4 + 1·1/4) / 6 · 100 = 4.25 / 6 · 100 = 70.83
    expect(points(exactTotal(rubric, { accuracy: 4, design: 2, time: 1 }))).toBe(70);
  });

  it("combines two scores as the mean of their weighted totals, passing at passScore", () => {
    expect(combine(rubric, all(3), all(3))).toEqual({ outcome: "PASSED", score: 75 });
    // 75 and 62.5 ((2.25 + 1 + 0.5) / 6): their mean 68.75 falls short of 70.
    expect(combine(rubric, all(3), { accuracy: 3, design: 2, time: 2 })).toEqual({ outcome: "FAILED", score: 68 });
    expect(combine(rubric, all(4), all(3))).toEqual({ outcome: "PASSED", score: 87 });
  });

  it("sends two assessors two or more levels apart on any criterion to moderation", () => {
    expect(divergentCriteria(rubric, all(3), { ...all(3), design: 1 })).toEqual(["design"]);
    expect(combine(rubric, all(4), { ...all(4), time: 2 })).toEqual({ outcome: "MODERATION", divergent: ["time"] });
    // One level apart everywhere is ordinary disagreement: the mean decides.
    expect(combine(rubric, all(4), all(3)).outcome).toBe("PASSED");
  });

  it("lets the agreed levels alone decide a moderated attempt", () => {
    expect(decideAgreed(rubric, all(3))).toEqual({ outcome: "PASSED", score: 75 });
    expect(decideAgreed(rubric, all(2))).toEqual({ outcome: "FAILED", score: 50 });
  });
});
