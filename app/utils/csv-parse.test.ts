import { describe, expect, it } from "vitest";
import { decodeCsvFile } from "./csv-parse";

describe("decoding an uploaded CSV file", () => {
  const line = "employee_no,name\nE1,김철수\n";

  it("reads UTF-8, with or without a byte order mark", () => {
    expect(decodeCsvFile(new TextEncoder().encode(line))).toBe(line);
    expect(decodeCsvFile(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(line)]))).toBe(line);
  });

  it("reads EUC-KR, as Excel in Korea saves it", () => {
    // "E1,김철수" in code page 949.
    const euckr = new Uint8Array([0x45, 0x31, 0x2c, 0xb1, 0xe8, 0xc3, 0xb6, 0xbc, 0xf6]);
    expect(decodeCsvFile(euckr)).toBe("E1,김철수");
  });

  it("refuses bytes that are neither", () => {
    expect(decodeCsvFile(new Uint8Array([0x45, 0x31, 0x2c, 0xff, 0xff, 0xff]))).toBeNull();
  });
});
