import { describe, expect, it } from "vitest";
import { csvCell, csvRow, neutralizeFormula } from "./csv";

describe("CSV cells", () => {
  it("neutralises anything a spreadsheet would run as a formula", () => {
    for (const bad of ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\r=x"]) {
      expect(neutralizeFormula(bad)).toBe(`'${bad}`);
    }
    expect(neutralizeFormula("홍길동")).toBe("홍길동");
  });
  it("quotes every cell and doubles quotes", () => {
    expect(csvCell('say "hi", ok')).toBe('"say ""hi"", ok"');
    expect(csvCell(null)).toBe('""');
    expect(csvRow(["a", 1, "=HYPERLINK(x)"])).toBe('"a","1","\'=HYPERLINK(x)"\r\n');
  });
});
