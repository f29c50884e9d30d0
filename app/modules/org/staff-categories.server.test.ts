import { appendFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { translator } from "~/utils/i18n";
import { clockYear } from "../../../test/clock";
import { createUser, createWorld, uid } from "../../../test/factories";
import { getRequest, sessionCookieFor } from "../../../test/http";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { ContentInvalidError, readContentTree } from "~/modules/content/source.server";
import { loadContent, StaffCategoryConfigError } from "~/modules/content/load.server";
import { openCycle, planCycle } from "~/modules/obligations/cycles.server";
import { applyImport, checkImport } from "~/modules/personnel/import.server";
import { categoryCompliance, complianceCsvStream } from "~/modules/compliance/compliance.server";
import { oversightReturn } from "~/modules/reporting/oversight.server";
import { rankLabel } from "~/modules/reporting/oversight-labels";
import { listStaffCategories, staffCategoryNames } from "./staff-categories.server";

const HEADER = "employee_no,name,email,unit_code,staff_category,grade,job_family";

/**
 * A city names a staff category the product has never heard of, in
 * content/staff-categories.yaml, and everything follows from the file: the
 * personnel import takes it, an obligation routes it, opening a cycle assigns
 * its people, and the reports name it (ADR 025).
 */
describe("a staff category added in the file", () => {
  const dir = mkdtempSync(join(tmpdir(), "categories-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const tag = uid();
  const code = `SEASONAL_${tag.toUpperCase()}`;
  const nameKo = `계절 근로자 ${tag}`;
  let world: Awaited<ReturnType<typeof createWorld>>;
  let actor: Actor;

  beforeAll(async () => {
    world = await createWorld();
    const user = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.city.id }] });
    actor = await loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(user.id))))!);
    cpSync(join(process.cwd(), "content", "courses"), join(dir, "courses"), { recursive: true });
    cpSync(join(process.cwd(), "content", "staff-categories.yaml"), join(dir, "staff-categories.yaml"));
    appendFileSync(join(dir, "staff-categories.yaml"), `  - code: ${code}\n    name: { ko: "${nameKo}", en: "Seasonal staff ${tag}" }\n`);
    mkdirSync(join(dir, "obligations"));
    writeFileSync(
      join(dir, "obligations", "seasonal.yaml"),
      `code: seasonal-${tag}
title: { ko: "계절 근로자 인권교육", en: "Human rights education for seasonal staff" }
legalBasis: { ko: "인권 기본 조례", en: "Human Rights Ordinance" }
cycle: annual
audience: { unitKinds: [CITY, BUREAU, DIVISION, TEAM], units: [${world.city.code}] }
routes:
  - staffCategories: [${code}, CONTRACT_STAFF]
    course: elective-impact-assessment
deadline: "12-31"
`,
    );
  });

  it("is loaded, taken by the personnel import by code or Korean name, and its people are assigned when a cycle opens", async () => {
    const report = await loadContent(readContentTree(dir));
    expect(report.staffCategories.at(-1)).toBe(code);
    expect(report.removedStaffCategories).toEqual([]);
    const categories = await listStaffCategories();
    expect(categories.find((c) => c.code === code)).toMatchObject({ nameKo, graded: false, onRoll: true, cityStaff: false });
    // Listed after the file's own, in the file's order.
    expect(categories.map((c) => c.code).slice(0, 3)).toEqual(["SENIOR_OFFICIAL", "CIVIL_SERVANT", "CONTRACT_STAFF"]);

    const csv = [
      HEADER,
      `S${tag}1,계절가,s1-${tag}@test.example,${world.division.code},${code.toLowerCase()},,`,
      `S${tag}2,계절나,s2-${tag}@test.example,${world.division.code},${nameKo},,`,
      `S${tag}3,계약다,s3-${tag}@test.example,${world.division.code},계약직,,`,
      `S${tag}4,공무라,s4-${tag}@test.example,${world.division.code},CIVIL_SERVANT,7,`,
    ].join("\n");
    const { id, summary } = await checkImport(actor, "seasonal.csv", csv, "CHANGES_ONLY");
    expect(summary.problems).toEqual([]);
    expect(summary.created).toBe(4);
    await applyImport(actor, id);
    const people = await prisma.person.findMany({ where: { employeeNo: { startsWith: `S${tag}` } }, orderBy: { employeeNo: "asc" } });
    expect(people.map((p) => p.staffCategory)).toEqual([code, code, "CONTRACT_STAFF", "CIVIL_SERVANT"]);

    const cycle = await planCycle(`seasonal-${tag}`, clockYear(), "");
    expect(await openCycle(cycle.id, null)).toBe(3);
    const owed = await prisma.assignment.findMany({ where: { cycleId: cycle.id }, select: { personId: true } });
    expect(owed.map((a) => a.personId).sort()).toEqual(people.slice(0, 3).map((p) => p.id).sort());

    // The HR dashboard's table by category, in the configured order, named from the table.
    const byCategory = await categoryCompliance(actor, cycle.id);
    expect(byCategory.map((r) => [r.staffCategory, r.assigned])).toEqual([["CONTRACT_STAFF", 1], [code, 2]]);
    const names = await staffCategoryNames();
    expect(names[code]).toEqual({ ko: nameKo, en: `Seasonal staff ${tag}` });
    expect(names.CONTRACT_STAFF).toEqual({ ko: "계약직", en: "Contract staff" });

    // The export and the oversight return name it too.
    const csvOut = await new Response(complianceCsvStream(actor, cycle.id, "en", translator("en"))).text();
    expect(csvOut).toContain(`Seasonal staff ${tag}`);
    expect(csvOut).toContain("Contract staff");
    const ret = await oversightReturn(actor, clockYear(), [world.city.id]);
    const rows = ret.institutions.flatMap((i) => i.cycles.filter((c) => c.cycleId === cycle.id).flatMap((c) => c.rows));
    expect(rows.map((r) => [rankLabel(translator("ko"), "ko", r), r.assigned])).toEqual([["계약직", 1], [nameKo, 2]]);
  });

  it("cannot be dropped from the file while people hold it, and nothing is written then", async () => {
    const again = mkdtempSync(join(tmpdir(), "categories-"));
    try {
      cpSync(join(process.cwd(), "content", "staff-categories.yaml"), join(again, "staff-categories.yaml"));
      const refused = await loadContent(readContentTree(again)).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(StaffCategoryConfigError);
      expect((refused as Error).message).toContain(`content/staff-categories.yaml: ${code} is no longer listed but 2 people hold it`);
      expect(await prisma.staffCategory.findUnique({ where: { code } })).not.toBeNull();
    } finally {
      rmSync(again, { recursive: true, force: true });
    }
  });
});

describe("a staff category nobody configured", () => {
  it("is refused by the personnel import, naming the line and what is allowed", async () => {
    const world = await createWorld();
    const user = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    const actor = await loadActor((await getCurrentSession(getRequest("/", await sessionCookieFor(user.id))))!);
    const tag = uid();
    const csv = [
      HEADER,
      `U${tag}1,가,u1-${tag}@test.example,${world.division.code},CIVIL_SERVANT,7,`,
      `U${tag}2,나,u2-${tag}@test.example,${world.division.code},SEASONAL_STAFF,,`,
      `U${tag}3,다,u3-${tag}@test.example,${world.division.code},CITIZEN,,`,
    ].join("\n");
    const { summary } = await checkImport(actor, "unknown.csv", csv, "CHANGES_ONLY");
    expect(summary.problems.map((p) => [p.line, p.code, p.params.value])).toEqual([
      [3, "staff-category-invalid", "SEASONAL_STAFF"],
      // Citizens sign up themselves: not a category of the roll.
      [4, "staff-category-invalid", "CITIZEN"],
    ]);
    expect(summary.problems[0]!.params.allowed).toContain("CONTRACT_STAFF (계약직)");
    expect(summary.problems[0]!.params.allowed).not.toContain("CITIZEN");
    expect(await prisma.person.count({ where: { employeeNo: { startsWith: `U${tag}` } } })).toBe(0);
  });

  it("is refused in an obligation file, naming the file and line, and at load when the tree has no category file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "categories-"));
    try {
      cpSync(join(process.cwd(), "content", "courses"), join(dir, "courses"), { recursive: true });
      cpSync(join(process.cwd(), "content", "staff-categories.yaml"), join(dir, "staff-categories.yaml"));
      mkdirSync(join(dir, "obligations"));
      const tag = uid();
      writeFileSync(
        join(dir, "obligations", "unknown.yaml"),
        `code: unknown-${tag}
title: { ko: "가", en: "A" }
legalBasis: { ko: "조례", en: "Ordinance" }
cycle: annual
audience: { unitKinds: [CITY], units: [NOWHERE] }
routes:
  - staffCategories:
      - CIVIL_SERVANT
      - SEASONAL_STAFF
    course: elective-impact-assessment
deadline: "11-30"
`,
      );
      const refused = (() => {
        try {
          readContentTree(dir);
        } catch (e) {
          return e;
        }
      })();
      expect(refused).toBeInstanceOf(ContentInvalidError);
      expect((refused as ContentInvalidError).errors).toEqual([
        expect.objectContaining({ file: "obligations/unknown.yaml", line: 9, field: "routes.0.staffCategories.1" }),
      ]);
      // Without a category file the tree is checked against the database at load, before anything is written.
      rmSync(join(dir, "staff-categories.yaml"));
      const atLoad = await loadContent(readContentTree(dir)).catch((e: unknown) => e);
      expect(atLoad).toBeInstanceOf(StaffCategoryConfigError);
      expect((atLoad as Error).message).toContain("obligations/unknown.yaml: staff category SEASONAL_STAFF not configured");
      expect(await prisma.obligation.findUnique({ where: { code: `unknown-${tag}` } })).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
