import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { Queue } from "bullmq";
import { prisma } from "~/utils/db.server";
import { enqueueImport, QUEUES } from "~/utils/queues.server";
import { newWorkerConnection } from "~/utils/redis.server";
import { loadActor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { IMPORT_LIMITS, submitImport, type ImportSummary } from "~/modules/personnel/import.server";
import { action as uploadAction } from "~/routes/hr.import._index";
import { action as applyAction, loader as importLoader } from "~/routes/hr.import.$importId";
import { IMPORT_FOLLOW_UP } from "~/modules/personnel/follow-up.server";
import { createAnnualObligation, createPerson, createUnit, createUser, createWorld, openTestCycle, uid } from "../test/factories";
import { getRequest, postFile, postForm, respond, sessionCookieFor } from "../test/http";
import { waitFor } from "../test/wait";
import { startWorkers } from "./worker";

/** A file holding this text makes reading it fail, as an unforeseen error in the worker would. */
const EXPLODE = "explode-while-reading";
vi.mock("~/utils/csv-parse", async (importOriginal) => {
  const real = await importOriginal<typeof import("~/utils/csv-parse")>();
  return {
    ...real,
    csvRecords: (text: string) => {
      if (text.includes(EXPLODE)) throw new Error("could not read: No space left on device");
      return real.csvRecords(text);
    },
  };
});

/** Set to make the next follow-up stop before it assigns anyone, as a worker killed just after the commit would. */
const fault = vi.hoisted(() => ({ assignFailsOnce: false }));
vi.mock("~/modules/obligations/cycles.server", async (importOriginal) => {
  const real = await importOriginal<typeof import("~/modules/obligations/cycles.server")>();
  return {
    ...real,
    assignAudiences: async (...args: Parameters<typeof real.assignAudiences>) => {
      if (fault.assignFailsOnce) {
        fault.assignFailsOnce = false;
        throw new Error("worker killed");
      }
      return real.assignAudiences(...args);
    },
  };
});

const HEADER = "employee_no,name,email,unit_code,staff_category,grade,job_family";
const FAMILIES = ["", "front-desk", "welfare", "housing", "transport", "policy"];

/** A city roll of `count` people spread over the given units; `edit` may change any line. */
function roll(tag: string, count: number, unitCodes: string[], edit?: (row: number, cells: string[]) => void) {
  const lines = [HEADER];
  for (let i = 0; i < count; i++) {
    const cells = [`${tag}-${i}`, `직원 ${i}`, `${tag}-${i}@roll.example`, unitCodes[i % unitCodes.length]!, "CIVIL_SERVANT", String((i % 9) + 1), FAMILIES[i % FAMILIES.length]!];
    edit?.(i, cells);
    lines.push(cells.join(","));
  }
  return lines.join("\r\n") + "\r\n";
}

async function officerOf(rootUnitId: string) {
  const user = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: rootUnitId }] });
  const cookie = await sessionCookieFor(user.id);
  const actor = await loadActor((await getCurrentSession(getRequest("/", cookie)))!);
  return { user, cookie, actor };
}

type View = { status: string; error: string | null; summary: ImportSummary | null; progress: { phase: string; percent: number } | null };

async function view(id: string, cookie: string): Promise<View> {
  const res = await respond(() => importLoader({ request: getRequest(`/hr/import/${id}`, cookie), params: { importId: id }, context: {} }));
  expect(res.status).toBe(200);
  return (await res.json()) as View;
}

/** Read the page as its refresh does until the worker is done; keep every progress figure seen. */
async function follow(id: string, cookie: string, timeoutMs = 120_000) {
  const percents: number[] = [];
  const phases = new Set<string>();
  const started = Date.now();
  for (;;) {
    const v = await view(id, cookie);
    if (v.status !== "CHECKING" && v.status !== "APPLYING") return { final: v, percents, phases, ms: Date.now() - started };
    if (v.progress) {
      percents.push(v.progress.percent);
      phases.add(v.progress.phase);
    }
    if (Date.now() - started > timeoutMs) throw new Error(`still ${v.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The bar moved forward at least once and never went back. */
function expectRising(percents: number[]) {
  expect(percents.some((p, i) => i > 0 && p > percents[i - 1]!), `progress seen: ${percents.join(" ")}`).toBe(true);
  expect(percents.every((p, i) => i === 0 || p >= percents[i - 1]!), `progress seen: ${percents.join(" ")}`).toBe(true);
  expect(Math.max(...percents)).toBeLessThan(100);
}

async function upload(fileName: string, csv: string, cookie: string, kind: "FULL_ROLL" | "CHANGES_ONLY" = "FULL_ROLL") {
  const request = await postFile("/hr/import", "file", fileName, csv, cookie, { kind });
  const res = await respond(() => uploadAction({ request, params: {}, context: {} }));
  expect(res.status).toBe(302);
  return res.headers.get("Location")!.split("/").pop()!;
}

function apply(id: string, cookie: string, confirmLeavers?: string) {
  const fields = { intent: "apply", ...(confirmLeavers === undefined ? {} : { confirmLeavers }) };
  return respond(() => applyAction({ request: postForm(`/hr/import/${id}`, fields, cookie), params: { importId: id }, context: {} }));
}

describe("worker: large personnel imports", () => {
  let stop: () => Promise<void>;
  const inRequestRows = IMPORT_LIMITS.inRequestRows;

  beforeAll(() => {
    stop = startWorkers([QUEUES.imports]);
  });

  afterEach(() => {
    IMPORT_LIMITS.inRequestRows = inRequestRows;
  });

  afterAll(async () => {
    await stop?.();
  });

  it("checks and applies a roll of 100,000 people in the worker, with progress the page can show", { timeout: 180_000 }, async () => {
    const world = await createWorld();
    const teams = await Promise.all([1, 2, 3].map((n) => createUnit("TEAM", world.division.id, `팀${n}`)));
    const units = [world.bureau, world.division, ...teams];
    const { cookie } = await officerOf(world.city.id);
    const tag = `L${uid()}`;
    const csv = roll(tag, 100_000, units.map((u) => u.code));
    const started = Date.now();

    const id = await upload("roll-100k.csv", csv, cookie);
    const uploadedMs = Date.now() - started;
    expect(await prisma.personnelImport.findUniqueOrThrow({ where: { id }, select: { rowCount: true } })).toEqual({ rowCount: 100_000 });

    const check = await follow(id, cookie);
    expect(check.final.status).toBe("CHECKED");
    expect(check.final.summary).toMatchObject({ rows: 100_000, created: 100_000, moved: 0, updated: 0, unchanged: 0, left: 0, problems: [] });
    expectRising(check.percents);

    const res = await apply(id, cookie);
    expect(res.status).toBe(302);
    const applied = await follow(id, cookie);
    expect(applied.final).toMatchObject({ status: "APPLIED", error: null });
    expect(applied.final.summary).toMatchObject({ rows: 100_000, created: 100_000 });
    expectRising(applied.percents);
    expect(applied.phases.has("applying") || applied.phases.has("comparing") || applied.phases.has("staging")).toBe(true);

    const unitIds = units.map((u) => u.id);
    expect(await prisma.person.count({ where: { orgUnitId: { in: unitIds }, status: "ACTIVE", employeeNo: { startsWith: `${tag}-` } } })).toBe(100_000);
    expect(await prisma.personPlacement.count({ where: { orgUnitId: { in: unitIds }, validTo: null } })).toBe(100_000);
    const sample = await prisma.person.findUniqueOrThrow({ where: { employeeNo: `${tag}-74` } });
    expect(sample).toMatchObject({ name: "직원 74", orgUnitId: units[74 % units.length]!.id, grade: 3, jobFamily: "WELFARE" });
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "personnel.import", entityId: id } });
    expect((audit.data as { created: string[] }).created).toHaveLength(100_000);

    console.log(
      `100,000 rows: upload ${uploadedMs} ms, check ${check.ms} ms (${check.percents.length} progress reads), ` +
        `apply ${applied.ms} ms (${applied.percents.length} progress reads), total ${Date.now() - started} ms`,
    );
  });

  it("reports the line of a bad row deep in a large file and applies nothing", { timeout: 120_000 }, async () => {
    const world = await createWorld();
    const { cookie } = await officerOf(world.city.id);
    const tag = `B${uid()}`;
    // Data row 72,998 is line 73,000 of the file (the header is line 1).
    const csv = roll(tag, 100_000, [world.division.code], (i, cells) => {
      if (i === 72_998) cells[3] = "NO-SUCH-UNIT";
    });
    const id = await upload("roll-bad.csv", csv, cookie);
    const check = await follow(id, cookie);
    expect(check.final.status).toBe("CHECKED");
    expect(check.final.summary!.problems).toEqual([{ line: 73_000, code: "unit-unknown", params: { value: "NO-SUCH-UNIT" } }]);

    const res = await apply(id, cookie);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { formError: string }).formError).toContain("문제가 생겼습니다");
    expect((await view(id, cookie)).status).toBe("CHECKED");
    expect(await prisma.person.count({ where: { employeeNo: { startsWith: `${tag}-` } } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: "personnel.import", entityId: id } })).toBe(0);
  });

  it("puts a file back to CHECKED with the reason when applying fails in the worker, with nothing applied", async () => {
    IMPORT_LIMITS.inRequestRows = 100;
    const world = await createWorld();
    const { cookie } = await officerOf(world.city.id);
    const tag = `F${uid()}`;
    const id = await upload("roll.csv", roll(tag, 300, [world.division.code]), cookie);
    expect((await follow(id, cookie)).final).toMatchObject({ status: "CHECKED", error: null, summary: { created: 300, problems: [] } });

    // Between the check and the apply someone elsewhere takes an address from the file.
    const other = await createPerson(world.otherBureau.id);
    await prisma.person.update({ where: { id: other.id }, data: { email: `${tag}-150@roll.example` } });
    expect((await apply(id, cookie)).status).toBe(302);
    const applied = await follow(id, cookie);
    expect(applied.final).toMatchObject({ status: "CHECKED", error: "has-problems" });
    expect(await prisma.person.count({ where: { employeeNo: { startsWith: `${tag}-` } } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: "personnel.import", entityId: id } })).toBe(0);

    // With the address free again, the file still does not do what the check showed: the newcomer
    // is in the officer's city but not in the file, so applying would record them as left.
    await prisma.person.update({ where: { id: other.id }, data: { email: `freed-${uid()}@test.example` } });
    expect((await apply(id, cookie)).status).toBe(302);
    expect((await follow(id, cookie)).final).toMatchObject({ status: "CHECKED", error: "leavers-changed" });
    expect(await prisma.person.findUniqueOrThrow({ where: { id: other.id } })).toMatchObject({ status: "ACTIVE" });
    expect(await prisma.person.count({ where: { employeeNo: { startsWith: `${tag}-` } } })).toBe(0);

    // Once they belong to another city, applying again does exactly what the check showed.
    await prisma.person.update({ where: { id: other.id }, data: { orgUnitId: (await createWorld()).division.id } });
    expect((await apply(id, cookie)).status).toBe(302);
    expect((await follow(id, cookie)).final).toMatchObject({ status: "APPLIED", error: null });
    expect(await prisma.person.count({ where: { employeeNo: { startsWith: `${tag}-` } } })).toBe(300);
  });

  it("carries out what an applied file still owes when its job is delivered again, instead of skipping it", async () => {
    IMPORT_LIMITS.inRequestRows = 10;
    const world = await createWorld();
    const second = await createAnnualObligation(world, "두 번째 의무교육", "Second duty");
    const cycles = [(await openTestCycle(world.obligation.id)).cycle.id, (await openTestCycle(second.id)).cycle.id];
    const { cookie } = await officerOf(world.city.id);
    const tag = `R${uid()}`;
    const id = await upload("roll.csv", roll(tag, 20, [world.division.code]), cookie);
    expect((await follow(id, cookie)).final).toMatchObject({ status: "CHECKED", summary: { created: 20, problems: [] } });

    // The apply commits; the worker stops before the follow-up assigns anyone.
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    fault.assignFailsOnce = true;
    expect((await apply(id, cookie)).status).toBe(302);
    expect((await follow(id, cookie)).final).toMatchObject({ status: "APPLIED", error: null });
    const work = () => prisma.pendingWork.findUniqueOrThrow({ where: { kind_subjectId: { kind: IMPORT_FOLLOW_UP, subjectId: id } } });
    // The job records why the follow-up stopped just after the file shows as applied.
    await waitFor(async () => (await work()).lastError !== null);
    expect(await work()).toMatchObject({ doneAt: null, lastError: "worker killed" });
    const people = { employeeNo: { startsWith: `${tag}-` } };
    expect(await prisma.assignment.count({ where: { person: people } })).toBe(0);
    warn.mockRestore();

    // BullMQ delivers the job again: the file is not applied twice, and what it owed is done.
    await enqueueImport("apply", id);
    const q = new Queue(QUEUES.imports, { connection: newWorkerConnection() });
    await waitFor(async () => (await q.getJob(`import-apply_${id}`))?.finishedOn !== undefined);
    expect((await q.getJob(`import-apply_${id}`))!.returnvalue).toMatchObject({ rows: 20, created: 20 });
    await q.close();
    expect((await work()).doneAt).not.toBeNull();
    const assigned = await prisma.assignment.groupBy({ by: ["personId", "cycleId"], where: { person: people, cycleId: { in: cycles } }, _count: true });
    expect(assigned.map((a) => a._count)).toEqual(Array(40).fill(1));
    const emails = (await prisma.person.findMany({ where: people, select: { email: true } })).map((p) => p.email);
    const notices = await prisma.outboxEmail.findMany({ where: { toAddress: { in: emails }, template: "assignment-notice" } });
    expect(notices).toHaveLength(20);
    expect(notices.every((n) => (n.payload as { assignmentIds: string[] }).assignmentIds.length === 2)).toBe(true);
    expect(await prisma.auditEvent.count({ where: { action: "personnel.import", entityId: id } })).toBe(1);
  });

  it("queues a large roll that would record many people as left only with their number typed, and leaves exactly those", async () => {
    IMPORT_LIMITS.inRequestRows = 100;
    const world = await createWorld();
    const { cookie } = await officerOf(world.city.id);
    const tag = `C${uid()}`;
    const first = await upload("roll.csv", roll(tag, 300, [world.division.code]), cookie);
    expect((await follow(first, cookie)).final).toMatchObject({ status: "CHECKED", summary: { created: 300, left: 0, confirmLeavers: false } });
    expect((await apply(first, cookie)).status).toBe(302);
    expect((await follow(first, cookie)).final.status).toBe("APPLIED");

    // Next month's file has only the first half of them.
    const id = await upload("half.csv", roll(tag, 150, [world.division.code]), cookie);
    const checked = (await follow(id, cookie)).final;
    expect(checked).toMatchObject({ status: "CHECKED", summary: { left: 150, active: 300, confirmLeavers: true } });
    const q = new Queue(QUEUES.imports, { connection: newWorkerConnection() });
    try {
      for (const typed of [undefined, "", "149"]) {
        const res = await apply(id, cookie, typed);
        expect(res.status).toBe(400);
        const body = (await res.json()) as { formError: string; confirmError: string };
        expect(body.confirmError).toBe(body.formError);
        expect(body.formError).toContain("150");
        expect(await q.getJob(`import-apply_${id}`)).toBeUndefined();
        expect((await view(id, cookie)).status).toBe("CHECKED");
      }
    } finally {
      await q.close();
    }
    expect(await prisma.person.count({ where: { employeeNo: { startsWith: `${tag}-` }, status: "ACTIVE" } })).toBe(300);

    expect((await apply(id, cookie, "150")).status).toBe(302);
    expect((await follow(id, cookie)).final).toMatchObject({ status: "APPLIED", error: null });
    const left = await prisma.person.findMany({ where: { employeeNo: { startsWith: `${tag}-` }, status: "LEFT" }, select: { employeeNo: true } });
    const listed = (await prisma.personnelImport.findUniqueOrThrow({ where: { id } })).summary as unknown as ImportSummary;
    expect(listed.leavers).toHaveLength(150);
    expect(left.map((p) => p.employeeNo).sort()).toEqual(listed.leavers);
    expect(left.every((p) => Number(p.employeeNo!.split("-").pop()) >= 150)).toBe(true);
    const audit = await prisma.auditEvent.findFirstOrThrow({ where: { action: "personnel.import", entityId: id } });
    expect(audit.data).toMatchObject({ kind: "FULL_ROLL", confirmedLeavers: 150 });
  });

  it("marks a check FAILED when the worker's job throws, and the page says why", async () => {
    IMPORT_LIMITS.inRequestRows = 10;
    const world = await createWorld();
    const { cookie, actor } = await officerOf(world.city.id);
    const { id, queued } = await submitImport(actor, "roll.csv", roll(`E${uid()}`, 50, [world.division.code], (i, cells) => {
      if (i === 7) cells[1] = EXPLODE;
    }), "FULL_ROLL");
    expect(queued).toBe(true);
    const { final } = await follow(id, cookie);
    expect(final).toMatchObject({ status: "FAILED", error: "unexpected", summary: null });
    expect((await prisma.personnelImport.findUniqueOrThrow({ where: { id } })).error).toContain("No space left on device");
  });

  it("settles an import whose job is gone as interrupted, instead of waiting forever", async () => {
    const world = await createWorld();
    const { cookie, user } = await officerOf(world.city.id);
    const saved = await prisma.personnelImport.create({
      data: { actorUserId: user.id, fileName: "lost.csv", kind: "FULL_ROLL", sha256: "0", content: HEADER, scopeUnitIds: [world.city.id], status: "CHECKING", rowCount: 5000, summary: {} },
    });
    expect(await view(saved.id, cookie)).toMatchObject({ status: "FAILED", error: "interrupted" });
  });

  it("shows an import only to the officer who uploaded it", async () => {
    IMPORT_LIMITS.inRequestRows = 10;
    const world = await createWorld();
    const owner = await officerOf(world.city.id);
    const other = await officerOf(world.city.id);
    const id = await upload("roll.csv", roll(`P${uid()}`, 20, [world.division.code]), owner.cookie);
    await follow(id, owner.cookie);
    const res = await respond(() => importLoader({ request: getRequest(`/hr/import/${id}`, other.cookie), params: { importId: id }, context: {} }));
    expect(res.status).toBe(404);
    expect((await apply(id, other.cookie)).status).toBe(404);
    expect((await view(id, owner.cookie)).status).toBe("CHECKED");
  });

  it("still checks a small file in the request", async () => {
    const world = await createWorld();
    const { cookie } = await officerOf(world.city.id);
    const id = await upload("small.csv", roll(`S${uid()}`, 20, [world.division.code]), cookie);
    expect(await view(id, cookie)).toMatchObject({ status: "CHECKED", progress: null, summary: { created: 20 } });
    const q = new Queue(QUEUES.imports, { connection: newWorkerConnection() });
    expect(await q.getJob(`import-check_${id}`)).toBeUndefined();
    await q.close();
  });
});
