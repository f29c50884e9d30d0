import { describe, expect, it } from "vitest";
import { maskName, newVerificationCode, normalizeVerificationCode } from "./certificates.server";

describe("verification codes", () => {
  it("are 12 unambiguous characters in three groups", () => {
    const code = newVerificationCode();
    expect(code).toMatch(/^[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}$/);
  });
  it("normalise what people type", () => {
    expect(normalizeVerificationCode(" k7qm 2xpd 9htr ")).toBe("K7QM-2XPD-9HTR");
    expect(normalizeVerificationCode("K7QM-2XPD-9HT")).toBeNull();
    expect(normalizeVerificationCode("O0O0-1111-IIII")).toBeNull();
    expect(normalizeVerificationCode("<script>")).toBeNull();
  });
});

describe("public name masking", () => {
  it("hides the middle of Korean names and most of Latin names", () => {
    expect(maskName("홍길동")).toBe("홍*동");
    expect(maskName("남궁민수")).toBe("남**수");
    expect(maskName("김하")).toBe("김*");
    expect(maskName("Jane Doe")).toBe("J*** D**");
  });
});
