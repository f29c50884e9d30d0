import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { seoulDateKey } from "~/utils/i18n";
import { createPerson, createUnit, createUser } from "../../../test/factories";
import { sessionCookieFor } from "../../../test/http";
import { applyLeaverRetention, REMOVED_NAME } from "./retention.server";

/** A day the given number of years and days before the product's today, in Seoul. */
function yearsAgo(years: number, days = 0): Date {
  const today = seoulDateKey(now());
  const d = new Date(`${Number(today.slice(0, 4)) - years}-${today.slice(5, 7)}-01T00:00:00Z`);
  return new Date(d.getTime() - days * 24 * 3600_000);
}

describe("the personal data of people who left, past its time", () => {
  it("removes names, addresses and accounts of people who left more than five years ago, keeps their records, and says so", async () => {
    const unit = await createUnit("WELFARE_FACILITY");
    const old = await createPerson(unit.id, "WELFARE_FACILITY_STAFF", "오래전퇴직");
    const recent = await createPerson(unit.id, "WELFARE_FACILITY_STAFF", "최근퇴직");
    const active = await createPerson(unit.id, "WELFARE_FACILITY_STAFF", "재직중");
    await prisma.person.update({ where: { id: old.id }, data: { status: "LEFT", leftOn: yearsAgo(5, 40) } });
    await prisma.person.update({ where: { id: recent.id }, data: { status: "LEFT", leftOn: yearsAgo(4) } });
    const account = await createUser({ personId: old.id });
    await sessionCookieFor(account.id);

    expect(await applyLeaverRetention(now(), { evenIfRunToday: true })).toBeGreaterThanOrEqual(1);
    const gone = await prisma.person.findUniqueOrThrow({ where: { id: old.id } });
    expect(gone).toMatchObject({ name: REMOVED_NAME, email: `removed+${old.id}@removed.invalid`, employeeNo: old.employeeNo });
    expect(gone.personalDataRemovedAt).not.toBeNull();
    const user = await prisma.user.findUniqueOrThrow({ where: { id: account.id } });
    expect(user).toMatchObject({ displayName: REMOVED_NAME, passwordHash: null });
    expect(user.email).not.toContain("test.example");
    expect(await prisma.session.count({ where: { userId: account.id } })).toBe(0);
    expect((await prisma.person.findUniqueOrThrow({ where: { id: recent.id } })).name).toBe("최근퇴직");
    expect((await prisma.person.findUniqueOrThrow({ where: { id: active.id } })).name).toBe("재직중");
    const event = await prisma.auditEvent.findFirstOrThrow({ where: { action: "personnel.retention" }, orderBy: { id: "desc" } });
    expect(event.data).toMatchObject({ years: 5 });
    // Once a day: the tick's next run today does nothing.
    expect(await applyLeaverRetention(now())).toBeNull();
  });
});
