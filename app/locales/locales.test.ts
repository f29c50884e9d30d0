import { describe, expect, it } from "vitest";
import { en } from "./en";
import { ko } from "./ko";

function keys(obj: object, prefix = ""): string[] {
  return Object.entries(obj).flatMap(([k, v]) =>
    typeof v === "object" && v !== null ? keys(v, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

describe("translations", () => {
  it("have the same keys in Korean and English", () => {
    expect(keys(en).sort()).toEqual(keys(ko).sort());
  });
  it("have no empty strings", () => {
    const empty = (o: object): string[] => keys(o).filter((k) => k.split(".").reduce<unknown>((a, p) => (a as Record<string, unknown>)[p], o) === "");
    expect(empty(ko)).toEqual([]);
    expect(empty(en)).toEqual([]);
  });
});
