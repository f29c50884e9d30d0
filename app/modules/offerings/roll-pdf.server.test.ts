import { describe, expect, it } from "vitest";
import { pdfText } from "../../../test/pdf";
import { renderRollPdf } from "./roll-pdf.server";

describe("the roll kept as a class's evidence", () => {
  it("lists every seat, present or not, with how it was recorded, in both languages", async () => {
    const pdf = await renderRollPdf({
      id: "00000000-0000-4000-8000-000000000001",
      titleKo: "장애인 인권 집합교육",
      titleEn: "Disability rights in person",
      startsAt: new Date("2026-11-12T14:00:00+09:00"),
      endsAt: new Date("2026-11-12T16:00:00+09:00"),
      format: "IN_PERSON",
      place: "인권교육원 2층",
      lecturerNames: "김인권",
      minutes: 120,
      closedAt: new Date("2026-11-12T16:30:00+09:00"),
      rows: [
        { name: "정체크", employeeNo: "E1", present: true, minutes: null, how: "qr" },
        { name: "한출석", employeeNo: "E2", present: true, minutes: 60, how: "present" },
        { name: "오불참", employeeNo: null, present: false, minutes: null, how: "" },
      ],
    });
    expect(new TextDecoder().decode(pdf.slice(0, 5))).toBe("%PDF-");
    const text = pdfText(pdf);
    for (const s of ["출석부", "Attendance roll", "장애인 인권 집합교육", "정체크", "한출석", "오불참", "60", "No-show", "출석 Present 2"]) expect(text).toContain(s);
  });
});
