import { beforeAll, describe, expect, it } from "vitest";
import { issueCertificate } from "~/modules/certificates/certificates.server";
import { action as downloadAction } from "~/routes/hr.download";
import { loader as csvLoader } from "~/routes/hr.hours[.csv]";
import { loader as pageLoader } from "~/routes/hr.hours";
import { now } from "~/utils/clock.server";
import { prisma } from "~/utils/db.server";
import { seoulDateKey } from "~/utils/i18n";
import { createPerson, createUser, createWorld, openTestCycle } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { clockYear } from "../../../test/clock";

/** Complete a person's assignment in a cycle and issue its certificate. */
async function complete(cycleId: string, personId: string, versionId: string) {
  const a = await prisma.assignment.update({
    where: { cycleId_personId: { cycleId, personId } },
    data: { status: "COMPLETED", completedAt: now(), completionMode: "ONLINE", courseVersionId: versionId },
  });
  const id = await prisma.$transaction((tx) => issueCertificate(tx, a.id));
  return prisma.certificate.findUniqueOrThrow({ where: { id } });
}

describe("recognised hours export for the HR system", () => {
  let fx: { hrCookie: string; mine: { number: string; employeeNo: string }; formula: { number: string }; theirs: { number: string }; unitCode: string };

  beforeAll(async () => {
    const world = await createWorld();
    const version = await prisma.courseVersion.findFirstOrThrow({ where: { courseId: world.course.id }, orderBy: { version: "desc" } });
    const person = await createPerson(world.division.id, "CIVIL_SERVANT", "박시간");
    const tricky = await createPerson(world.division.id, "CIVIL_SERVANT", "=HYPERLINK(\"http://x\")");
    const outside = await createPerson(world.otherBureau.id, "CIVIL_SERVANT", "다른국사람");
    const { cycle } = await openTestCycle(world.obligation.id);
    const mine = await complete(cycle.id, person.id, version.id);
    const formula = await complete(cycle.id, tricky.id, version.id);
    const theirs = await complete(cycle.id, outside.id, version.id);
    const hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    fx = {
      hrCookie: await sessionCookieFor(hr.id),
      mine: { number: mine.number, employeeNo: person.employeeNo! },
      formula: { number: formula.number },
      theirs: { number: theirs.number },
      unitCode: world.division.code,
    };
  });

  it("sends a file link without a recorded purpose to the form that asks why", async () => {
    const res = await respond(() => csvLoader({ request: getRequest(`/hr/hours.csv?year=${clockYear()}`, fx.hrCookie), params: {}, context: {} }));
    expect(res.status).toBe(303);
    expect(res.headers.get("Location")).toBe(`/hr/download?report=hours&format=csv&year=${clockYear()}`);
    const page = await respond(() => pageLoader({ request: getRequest("/hr/hours", fx.hrCookie), params: {}, context: {} }));
    expect(((await page.json()) as { year: number }).year).toBe(clockYear());
  });

  it("streams one row per person, year and course of the officer's units, with a byte order mark and formulas neutralised", async () => {
    const refused = await respond(async () =>
      downloadAction({ request: postForm("/hr/download", { report: "hours", format: "csv", year: String(clockYear()) }, fx.hrCookie), params: {}, context: {} }),
    );
    expect(refused.status).toBe(400);
    const declared = await respond(async () =>
      downloadAction({
        request: postForm("/hr/download", { report: "hours", format: "csv", year: String(clockYear()), purpose: "PERSONNEL_DECISION" }, fx.hrCookie),
        params: {},
        context: {},
      }),
    );
    expect(declared.status).toBe(303);
    const location = declared.headers.get("Location")!;
    expect(location).toMatch(/^\/hr\/hours\.csv\?access=\d+$/);
    const event = await prisma.auditEvent.findUniqueOrThrow({ where: { id: BigInt(location.split("=")[1]!) } });
    expect(event).toMatchObject({ action: "report.export", entityType: "hours_year", entityId: String(clockYear()), reason: "PERSONNEL_DECISION" });

    const res = await respond(() => csvLoader({ request: getRequest(location, fx.hrCookie), params: {}, context: {} }));
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const bytes = new Uint8Array(await res.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = new TextDecoder().decode(bytes).replace(/^\uFEFF/, "").trim().split("\r\n");
    expect(lines[0]).toBe('"연도","직원번호","성명","부서 코드(이수 당시)","과정명","이수일","인정시간","수료증 번호"');
    const body = lines.slice(1).join("\n");
    expect(body).toContain(`"${clockYear()}","${fx.mine.employeeNo}","박시간","${fx.unitCode}","일상 업무 속 인권","${seoulDateKey(now())}","2","${fx.mine.number}"`);
    expect(body).toContain(`"'=HYPERLINK(""http://x"")"`);
    expect(body).toContain(fx.formula.number);
    expect(body).not.toContain(fx.theirs.number);
    expect(lines).toHaveLength(3);
  });

  it("lists nothing for another year", async () => {
    const declared = await respond(async () =>
      downloadAction({
        request: postForm("/hr/download", { report: "hours", format: "csv", year: String(clockYear() - 3), purpose: "AUDIT_REQUEST" }, fx.hrCookie),
        params: {},
        context: {},
      }),
    );
    const res = await respond(() => csvLoader({ request: getRequest(declared.headers.get("Location")!, fx.hrCookie), params: {}, context: {} }));
    expect((await res.text()).trim().split("\r\n")).toHaveLength(1);
  });
});
