import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { resetEnvCache } from "~/utils/env.server";
import { issueVerification } from "~/modules/auth/verification.server";
import { createPerson, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { renderTemplate, type RenderedMail } from "./templates.server";

/**
 * Every mail the product sends ends with whom to contact (CONTACT_*), in the
 * reader's language, in the text part as it is and in the HTML part escaped.
 */
describe("mail templates", () => {
  const saved = { ...process.env };
  const payloads: Array<[string, unknown]> = [];

  beforeAll(async () => {
    process.env.CONTACT_NAME_KO = "인권담당관 <교육팀> & 상담";
    process.env.CONTACT_NAME_EN = "Human Rights Office <training> & advice";
    process.env.CONTACT_PHONE = "02-2133-6378";
    process.env.CONTACT_EMAIL = "help@city.example";
    resetEnvCache();

    const world = await createWorld();
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "문의자");
    const { cycle } = await openTestCycle(world.obligation.id);
    const assignment = await prisma.assignment.findFirstOrThrow({ where: { personId: person.id, cycleId: cycle.id } });
    const hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    payloads.push(
      ["assignment-notice", { personId: person.id, assignmentIds: [assignment.id] }],
      ["reminder-digest", { personId: person.id, items: [{ assignmentId: assignment.id, stage: 1, overdue: false }] }],
      ["escalation-digest", { userId: hr.id, assignmentIds: [assignment.id] }],
      ["scheduled-report", { userId: hr.id, format: "CSV", period: "2026-W49" }],
      ["account-signin-failures", {}],
      ["account-registration-exists", {}],
    );
    for (const type of ["INVITATION", "RESET_PASSWORD", "REGISTRATION"] as const) {
      const target = `${type.toLowerCase()}-${person.id}@test.example`;
      const outboxId = await prisma.$transaction((tx) =>
        issueVerification(tx, { type, target, locale: "ko", personId: type === "INVITATION" ? person.id : null, data: { name: "새 시민" } }),
      );
      const row = await prisma.outboxEmail.findUniqueOrThrow({ where: { id: outboxId } });
      payloads.push([row.template, row.payload]);
    }
  });

  afterAll(() => {
    process.env = saved;
    resetEnvCache();
  });

  async function render(template: string, locale: "ko" | "en", payload: unknown): Promise<RenderedMail> {
    const mail = await renderTemplate(template, locale, payload);
    expect(mail, template).not.toBeNull();
    for (const a of mail!.attachments ?? []) a.content.destroy();
    return mail!;
  }

  it("end with the contact line in both parts and both languages, escaped in HTML", async () => {
    expect(payloads.map(([t]) => t)).toEqual([
      "assignment-notice",
      "reminder-digest",
      "escalation-digest",
      "scheduled-report",
      "account-signin-failures",
      "account-registration-exists",
      "account-invitation",
      "account-reset-password",
      "account-registration",
    ]);
    for (const [template, payload] of payloads) {
      const ko = await render(template, "ko", payload);
      expect(ko.text, template).toContain("교육 문의: 인권담당관 <교육팀> & 상담 · 전화 02-2133-6378 · 이메일 help@city.example");
      expect(ko.html, template).toContain("교육 문의: 인권담당관 &#60;교육팀&#62; &#38; 상담 · 전화 02-2133-6378 · 이메일 help@city.example");
      expect(ko.html, template).not.toContain("<교육팀>");
      const en = await render(template, "en", payload);
      expect(en.text, template).toContain("Questions about training: Human Rights Office <training> & advice · phone 02-2133-6378 · e-mail help@city.example");
      expect(en.html, template).toContain("Human Rights Office &#60;training&#62; &#38; advice");
    }
  });
});
