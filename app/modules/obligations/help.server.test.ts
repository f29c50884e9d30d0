import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { helpFacts } from "./help.server";

describe("the help page's facts", () => {
  it("follow the obligation files: how often, deadlines, least time, in person allowed", async () => {
    const facts = await helpFacts();
    const annual = await prisma.obligation.findUniqueOrThrow({ where: { code: "annual-human-rights" } });
    const disability = await prisma.obligation.findUniqueOrThrow({ where: { code: "disability-rights" } });
    expect(facts.duties.find((d) => d.titleKo === annual.titleKo)).toMatchObject({
      titleEn: annual.titleEn,
      cycleKind: "ANNUAL",
      deadlines: [{ period: "", monthDay: "12-31" }],
      minMinutes: 60,
      maxMinutes: 60,
      inPerson: true,
    });
    expect(facts.duties.find((d) => d.titleKo === disability.titleKo)).toMatchObject({
      cycleKind: "HALF_YEAR",
      deadlines: [
        { period: "H1", monthDay: "06-30" },
        { period: "H2", monthDay: "12-31" },
      ],
      graceDays: 14,
    });
  });

  it("follow the reminder, escalation and link settings", async () => {
    const facts = await helpFacts();
    expect(facts.reminders).toEqual({ daysBefore: [30, 7, 1], weeklyAfter: 4, windowFrom: "09:00", windowTo: "18:00", weekdays: [1, 2, 3, 4, 5], escalateAfterDays: 7 });
    expect(facts.lateJoinerDays).toBe(30);
    expect(facts.invitationDays).toBe(14);
    expect(facts.registrationHours).toBe(24);
    expect(facts.sso).toBe(false);
  });
});
