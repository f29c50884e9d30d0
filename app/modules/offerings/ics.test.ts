import { describe, expect, it } from "vitest";
import { en } from "~/locales/en";
import { ko } from "~/locales/ko";
import { buildIcs, escapeText, foldLine } from "./ics";
import { ACCESSIBILITY, DISTRICTS, TOPICS } from "./codes";

describe("iCalendar", () => {
  const ics = buildIcs({
    uid: "offering-1b2c@hr-edu.example",
    stamp: new Date("2026-12-06T00:00:00Z"),
    start: new Date("2026-12-16T14:00:00+09:00"),
    end: new Date("2026-12-16T16:00:00+09:00"),
    summary: "장애인 인권, 함께 배우기; 대면 수업",
    location: "서울시 인권교육원 2층 강의실 (중구)",
    description: "시청역 4번 출구\n도보 3분 \\ 엘리베이터 있음",
    url: "https://hr-edu.example/catalog/offerings/1b2c",
    sequence: 0,
  });
  const unfolded = ics.replace(/\r\n /g, "");

  it("holds one event with its UID, stamp and times in UTC", () => {
    expect(ics.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
    expect(ics.endsWith("END:VEVENT\r\nEND:VCALENDAR\r\n")).toBe(true);
    expect(unfolded).toContain("\r\nUID:offering-1b2c@hr-edu.example\r\n");
    expect(unfolded).toContain("\r\nDTSTAMP:20261206T000000Z\r\n");
    expect(unfolded).toContain("\r\nDTSTART:20261216T050000Z\r\n");
    expect(unfolded).toContain("\r\nDTEND:20261216T070000Z\r\n");
    expect(unfolded).toContain("\r\nSTATUS:CONFIRMED\r\n");
  });

  it("escapes text and ends every line in CRLF", () => {
    expect(unfolded).toContain("SUMMARY:장애인 인권\\, 함께 배우기\\; 대면 수업\r\n");
    expect(unfolded).toContain("DESCRIPTION:시청역 4번 출구\\n도보 3분 \\\\ 엘리베이터 있음\r\n");
    expect(escapeText("a,b;c\\d\r\ne")).toBe("a\\,b\\;c\\\\d\\ne");
    expect(ics.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
  });

  it("folds lines at 75 octets without splitting a character", () => {
    for (const line of ics.split("\r\n")) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    const long = `LOCATION:${"가".repeat(60)}`;
    const folded = foldLine(long);
    expect(folded.split("\r\n").length).toBeGreaterThan(2);
    expect(folded.replace(/\r\n /g, "")).toBe(long);
    expect(folded).not.toContain("\uFFFD");
  });

  it("marks a cancelled class so calendars take it out", () => {
    const cancelled = buildIcs({ uid: "x@y", stamp: new Date(), start: new Date(), end: new Date(), summary: "s", location: "l", description: "d", sequence: 3, cancelled: true });
    expect(cancelled).toContain("STATUS:CANCELLED\r\n");
    expect(cancelled).toContain("SEQUENCE:3\r\n");
  });
});

describe("labels of a class's codes", () => {
  it("exist in Korean and English", () => {
    for (const locale of [ko, en]) {
      for (const c of TOPICS) expect(locale.offerings.topic[c]).toBeTruthy();
      for (const c of DISTRICTS) expect(locale.offerings.district[c]).toBeTruthy();
      for (const c of ACCESSIBILITY) expect(locale.offerings.accessibility[c]).toBeTruthy();
    }
  });
});
