/**
 * The practicum rubric's arithmetic (ADR 034). Client-safe and pure: the score form and the
 * services read the same rules.
 *
 * - A level is a whole number from 1 to the criterion's number of levels.
 * - One assessor's weighted total out of 100 is the sum over criteria of weight × level / levels,
 *   divided by the sum of the weights, times 100 (every criterion at its top level gives 100, every
 *   one at level 3 of 4 gives 75).
 * - Two scores combine as the mean of the two weighted totals; a moderated attempt's agreed
 *   levels give its total alone.
 * - Scores are kept as whole points rounded down, so that a shown 70 always means at least 70:
 *   the attempt passes when the exact combined score reaches passScore.
 * - Two assessors whose levels on any criterion differ by MODERATION_GAP or more go to moderation.
 */

export interface RubricCriterion {
  key: string;
  title: { ko: string; en: string };
  weight: number;
  levels: Array<{ ko: string; en: string }>;
}

export interface Rubric {
  passScore: number;
  minutes: number;
  brief: { ko: string; en: string };
  criteria: RubricCriterion[];
}

/** Levels apart on one criterion at which two assessors must agree (the rubric's brief states it). */
export const MODERATION_GAP = 2;

/** Written feedback per criterion: at least this much, at most that. */
export const FEEDBACK_MIN = 10;
export const FEEDBACK_MAX = 2000;

export type Levels = Record<string, number>;

export type LevelProblem = { key: string; problem: "missing" | "outOfScale" };

/** Every criterion has a whole level on its own scale; nothing else is named. */
export function checkLevels(rubric: Rubric, levels: Record<string, unknown>): LevelProblem[] {
  const problems: LevelProblem[] = [];
  for (const c of rubric.criteria) {
    const v = levels[c.key];
    if (v === undefined || v === null || v === "") problems.push({ key: c.key, problem: "missing" });
    else if (typeof v !== "number" || !Number.isInteger(v) || v < 1 || v > c.levels.length) problems.push({ key: c.key, problem: "outOfScale" });
  }
  for (const key of Object.keys(levels)) {
    if (!rubric.criteria.some((c) => c.key === key)) problems.push({ key, problem: "outOfScale" });
  }
  return problems;
}

/** The exact weighted total out of 100 of a complete set of levels. */
export function exactTotal(rubric: Rubric, levels: Levels): number {
  let sum = 0;
  let weights = 0;
  for (const c of rubric.criteria) {
    sum += (c.weight * levels[c.key]!) / c.levels.length;
    weights += c.weight;
  }
  return (sum / weights) * 100;
}

/** Whole points, rounded down (a tiny epsilon keeps 75 from becoming 74.99999). */
export function points(exact: number): number {
  return Math.floor(exact + 1e-9);
}

/** Criteria on which two sets of levels are MODERATION_GAP or more apart. */
export function divergentCriteria(rubric: Rubric, a: Levels, b: Levels): string[] {
  return rubric.criteria.filter((c) => Math.abs(a[c.key]! - b[c.key]!) >= MODERATION_GAP).map((c) => c.key);
}

export type Combined = { outcome: "MODERATION"; divergent: string[] } | { outcome: "PASSED" | "FAILED"; score: number };

/** Two assessors' levels: to moderation, or the combined score and its outcome. */
export function combine(rubric: Rubric, a: Levels, b: Levels): Combined {
  const divergent = divergentCriteria(rubric, a, b);
  if (divergent.length > 0) return { outcome: "MODERATION", divergent };
  const score = points((exactTotal(rubric, a) + exactTotal(rubric, b)) / 2);
  return { outcome: score >= rubric.passScore ? "PASSED" : "FAILED", score };
}

/** A moderated attempt: the agreed levels alone decide. */
export function decideAgreed(rubric: Rubric, agreed: Levels): { outcome: "PASSED" | "FAILED"; score: number } {
  const score = points(exactTotal(rubric, agreed));
  return { outcome: score >= rubric.passScore ? "PASSED" : "FAILED", score };
}
