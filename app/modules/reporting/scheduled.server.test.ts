import { afterAll, beforeAll, describe, expect, it } from "vitest";
import ExcelJS from "exceljs";
import { prisma } from "~/utils/db.server";
import { action } from "~/routes/hr.reports";
import { deliverOutbox } from "~/modules/notifications/outbox.server";
import { createPerson, createUser, createWorld, openTestCycle, uid } from "../../../test/factories";
import { postForm, respond, sessionCookieFor } from "../../../test/http";
import { finishCourse } from "../../../prisma/seed";
import { startSmtp } from "../../../test/smtp";
import { at } from "../../../test/clock";
import { queueScheduledReports, reportPeriod } from "./scheduled.server";

describe("scheduled reports", () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  beforeAll(async () => {
    smtp = await startSmtp();
  });
  afterAll(() => smtp.stop());

  it("names periods by ISO week and month in Seoul time", () => {
    expect(reportPeriod(new Date("2026-11-29T15:30:00Z"), "WEEKLY").key).toBe("2026-W49"); // Monday 00:30 in Seoul
    expect(reportPeriod(new Date("2026-11-29T14:30:00Z"), "WEEKLY").key).toBe("2026-W48");
    expect(reportPeriod(new Date("2026-11-30T15:30:00Z"), "MONTHLY").key).toBe("2026-12");
  });

  it("sends the officer's chosen report once per period, with numbers that agree with the dashboard", async () => {
    at("2026-11-27T10:00:00");
    const world = await createWorld();
    const done = await createPerson(world.division.id, "CIVIL_SERVANT", "이수자");
    await createPerson(world.division.id, "CIVIL_SERVANT", "미이수자");
    const { cycle } = await openTestCycle(world.obligation.id, `R${uid()}`);
    await finishCourse(done.id, (await prisma.assignment.findFirstOrThrow({ where: { personId: done.id, cycleId: cycle.id } })).id);
    const hr = await createUser({ email: `hr-${uid()}@test.example`, roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    const saved = await respond(() =>
      action({ request: postForm("/hr/reports", { frequency: "WEEKLY", format: "XLSX" }, undefined), params: {}, context: {} }),
    );
    expect(saved.status).toBe(302); // not signed in: sent to sign-in, nothing saved
    const cookie = await sessionCookieFor(hr.id);
    await respond(() => action({ request: postForm("/hr/reports", { frequency: "WEEKLY", format: "XLSX" }, cookie), params: {}, context: {} }));

    const monday = at("2026-11-30T10:00:00");
    const ids = await queueScheduledReports(monday);
    const mine = await prisma.outboxEmail.findMany({ where: { id: { in: ids }, toAddress: hr.email } });
    expect(mine).toHaveLength(1);
    expect(await queueScheduledReports(new Date("2026-11-30T05:00:00Z"))).not.toContain(mine[0]!.id);
    expect(await prisma.outboxEmail.count({ where: { toAddress: hr.email } })).toBe(1);

    expect(await deliverOutbox(mine[0]!.id)).toBe("sent");
    const mail = smtp.received.find((m) => m.subject?.includes("2026-W49"))!;
    expect(mail.text).toContain("2명 중 1명 이수 (50%, 집합교육 0명)");
    const attachment = mail.attachments.find((a) => a.filename === `compliance-${cycle.label}.xlsx`)!;
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(attachment.content as unknown as ArrayBuffer);
    const names = workbook.worksheets[0]!.getColumn(2).values.slice(2);
    expect(names.sort()).toEqual(["미이수자", "이수자"]);
  });
});
