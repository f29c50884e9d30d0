import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import ExcelJS from "exceljs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { loadActor } from "~/modules/auth/permissions.server";
import { getCurrentSession } from "~/modules/auth/session.server";
import { applyImport, checkImport } from "~/modules/personnel/import.server";
import { exempt } from "~/modules/obligations/exemptions.server";
import { recordSession } from "~/modules/attendance/sessions.server";
import { renderTemplate } from "~/modules/notifications/templates.server";
import { issueCertificate } from "~/modules/certificates/certificates.server";
import { parseCsv } from "~/utils/csv-parse";
import { plainText } from "~/utils/text";
import { now } from "~/utils/clock.server";
import { createUser, createWorld, openTestCycle, TEST_PASSWORD, uid } from "../factories";
import { getRequest, sessionCookieFor } from "../http";
import { launchChromium, signIn, startApp } from "./app-server";
import { expectAccessible as checkPage } from "./axe";

const SHOTS = join(process.cwd(), "test-results", "screens", "injection");

/**
 * What people and files can put into the product, made hostile: markup and
 * script, event handlers, SVG, spreadsheet formulas (with tab, CR and the
 * full-width signs), bidirectional and zero-width controls, a script address.
 */
const PAYLOADS = [
  `<script>alert(1)</script>`,
  `"><img src=x onerror=alert(1)>`,
  `<svg onload=alert(1)>`,
  `=HYPERLINK("http://evil.example","클릭")`,
  `+82 10 1234 5678`,
  `-2+3`,
  `@SUM(1,2)`,
  `\t=1+1`,
  `\r=2+2`,
  `＝3+3`,
  `김철수\u202Eexe.pdf`,
  `이\u200B순신`,
  `javascript:alert(1)`,
] as const;

/** Tags that must never reach a page unescaped. */
const RAW_MARKUP = [`<script>alert(1)</script>`, `<img src=x onerror=alert(1)>`, `<svg onload=alert(1)>`];
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
const INVISIBLE = /[\u061C\u200B\u200E\u200F\u202A-\u202E\u2060\u2066-\u2069\uFEFF]/;

describe("end to end: hostile text in every field, shown safely in every output", { timeout: 180_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const dialogs: string[] = [];
  let world: Awaited<ReturnType<typeof createWorld>>;
  let cycleId: string;
  let hr: { id: string; email: string };
  let hrCookie: string;
  let adminEmail: string;
  let people: Array<{ id: string; name: string; employeeNo: string; assignmentId: string }>;
  const sessionIds: string[] = [];
  const tried = { payloads: PAYLOADS.length, fields: new Set<string>(), outputs: new Set<string>() };

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    world = await createWorld();
    await prisma.obligation.update({ where: { id: world.obligation.id }, data: { sharedSessions: true } });
    hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: world.bureau.id }] });
    adminEmail = (await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).email;
    hrCookie = await sessionCookieFor(hr.id);
    const actor = await loadActor((await getCurrentSession(getRequest("/", hrCookie)))!);

    // Names through the personnel file, the way an HR system's export brings them.
    const tag = uid();
    const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
    const lines = PAYLOADS.map((p, i) => [`J${tag}${i}`, p, `j${tag}${i}@test.example`, world.division.code, "CIVIL_SERVANT", "7", ""].map(quote).join(","));
    const file = ["employee_no,name,email,unit_code,staff_category,grade,job_family", ...lines].join("\r\n");
    const checked = await checkImport(actor, "roll.csv", file, "CHANGES_ONLY");
    expect(checked.summary.problems).toEqual([]);
    await applyImport(actor, checked.id);
    tried.fields.add("person name (personnel file)");
    cycleId = (await openTestCycle(world.obligation.id)).cycle.id;
    const rows = await prisma.person.findMany({ where: { employeeNo: { startsWith: `J${tag}` } }, include: { assignments: { where: { cycleId } } } });
    people = PAYLOADS.map((_, i) => {
      const p = rows.find((r) => r.employeeNo === `J${tag}${i}`)!;
      return { id: p.id, name: p.name, employeeNo: p.employeeNo!, assignmentId: p.assignments[0]!.id };
    });

    // Exemption reasons and in-person session titles and places, through the same functions the forms use.
    for (const [i, p] of PAYLOADS.entries()) {
      if (i % 2 === 0) await exempt(actor, people[i]!.assignmentId, `휴직 ${p}`);
    }
    tried.fields.add("exemption reason");
    const pdf = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n");
    for (const p of PAYLOADS.slice(0, 4)) {
      const result = await recordSession(actor, {
        title: `교육 ${p}`,
        heldOn: "2026-11-20",
        minutes: 60,
        place: `장소 ${p}`,
        orgUnitId: world.division.id,
        cycleIds: [cycleId],
        attendees: people[1]!.employeeNo,
        evidence: { fileName: `${p}.pdf`, bytes: new Uint8Array(pdf) },
      });
      sessionIds.push(result.sessionId);
    }
    tried.fields.add("session title").add("session place").add("evidence file name");

    app = await startApp();
    browser = await launchChromium();
    context = await browser.newContext({ locale: "ko-KR", baseURL: app.origin, acceptDownloads: true });
    page = await context.newPage();
    page.on("dialog", async (d) => {
      dialogs.push(d.message());
      await d.dismiss();
    });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });

  it("keeps the text, minus invisible controls, as it was given", () => {
    for (const [i, p] of PAYLOADS.entries()) expect(people[i]!.name).toBe(plainText(p));
    expect(people.some((p) => INVISIBLE.test(p.name))).toBe(false);
  });

  /** The page as the server rendered it: no hostile tag unescaped, the text still there to read. */
  async function expectSafePage(path: string, name: string, mustShow: string[]) {
    await page.goto(path);
    const html = await page.content();
    for (const raw of RAW_MARKUP) expect(html, `${path} holds ${raw} unescaped`).not.toContain(raw);
    const text = (await page.locator("main").textContent()) ?? "";
    for (const s of mustShow) expect(text, `${path} should show ${JSON.stringify(s)}`).toContain(s);
    await checkPage(page, SHOTS, name);
    tried.outputs.add(`page ${path.split("?")[0]!.replace(/[0-9a-f-]{36}/g, ":id")}`);
  }

  it("shows it as text on every HR page that has it, and no script runs", async () => {
    await signIn(page, hr.email, TEST_PASSWORD);
    const shown = people.map((p) => p.name).filter((n) => n.length > 0);
    await expectSafePage(`/hr/units/${world.division.id}?cycle=${cycleId}&show=all`, "01-unit", shown.slice(0, 3));
    for (const [i, p] of people.slice(0, 4).entries()) {
      await expectSafePage(`/hr/assignments/${p.assignmentId}`, `02-assignment-${i}`, [p.name]);
    }
    await expectSafePage("/hr/sessions", "03-sessions", [`교육 ${PAYLOADS[0]}`]);
    for (const [i, id] of sessionIds.entries()) await expectSafePage(`/hr/sessions/${id}`, `04-session-${i}`, [`장소 ${plainText(PAYLOADS[i]!)}`]);
    expect(dialogs).toEqual([]);
  });

  it("neutralises formulas and drops invisible controls in the CSV and XLSX the HR officer downloads", async () => {
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const download = async (format: "csv" | "xlsx", note: string) => {
      const res = await fetch(`${app.origin}/hr/download`, {
        method: "POST",
        redirect: "manual",
        headers: { Cookie: cookie, Origin: app.origin, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ report: "compliance", format, cycle: cycleId, purpose: "OTHER", purposeNote: note }),
      });
      expect(res.status).toBe(303);
      const file = await fetch(`${app.origin}${res.headers.get("Location")}`, { headers: { Cookie: cookie } });
      expect(file.status).toBe(200);
      return Buffer.from(await file.arrayBuffer());
    };
    const csv = parseCsv((await download("csv", `점검 ${PAYLOADS[3]}`)).toString("utf8"));
    tried.fields.add("purpose note");
    tried.outputs.add("compliance CSV");
    const csvRows = csv.filter((r) => people.some((p) => r.cells.includes(p.employeeNo)));
    expect(csvRows).toHaveLength(PAYLOADS.length);
    for (const r of csvRows) {
      for (const cell of r.cells) {
        expect(FORMULA_START.test(cell), `CSV cell ${JSON.stringify(cell)}`).toBe(false);
        expect(INVISIBLE.test(cell)).toBe(false);
      }
    }

    const bytes = await download("xlsx", `점검 ${PAYLOADS[0]}`);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(new Uint8Array(bytes).buffer);
    tried.outputs.add("compliance XLSX");
    let checkedCells = 0;
    book.eachSheet((sheet) =>
      sheet.eachRow((row) =>
        row.eachCell((cell) => {
          expect(cell.formula, `XLSX ${cell.address} holds a formula`).toBeFalsy();
          if (typeof cell.value === "string") {
            expect(FORMULA_START.test(cell.value), `XLSX ${cell.address} ${JSON.stringify(cell.value)}`).toBe(false);
            checkedCells++;
          }
        }),
      ),
    );
    expect(checkedCells).toBeGreaterThan(PAYLOADS.length);
  });

  it("shows the notes in the access log, its CSV neutralised, and no script runs", async () => {
    await context.clearCookies();
    await signIn(page, adminEmail, TEST_PASSWORD);
    await expectSafePage("/admin/access-log", "05-access-log", [`점검 ${PAYLOADS[0]}`]);
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const res = await fetch(`${app.origin}/admin/access-log.csv`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    const rows = parseCsv(await res.text());
    tried.outputs.add("access log CSV");
    for (const r of rows) for (const cell of r.cells) expect(FORMULA_START.test(cell), `access log cell ${JSON.stringify(cell)}`).toBe(false);
    expect(rows.some((r) => r.cells.some((c) => c.includes("HYPERLINK")))).toBe(true);
    expect(dialogs).toEqual([]);
  });

  it("escapes it in the e-mails, and prints it as plain text on the certificate", async () => {
    for (const p of people) {
      const mail = await renderTemplate("assignment-notice", "ko", { personId: p.id, assignmentIds: [p.assignmentId] });
      if (!mail) continue;
      for (const raw of RAW_MARKUP) expect(mail.html, `mail to ${p.name}`).not.toContain(raw);
      expect(INVISIBLE.test(mail.subject)).toBe(false);
    }
    tried.outputs.add("assignment notice e-mail");

    const holder = people[0]!;
    await prisma.assignment.update({ where: { id: holder.assignmentId }, data: { status: "COMPLETED", completedAt: now(), completionMode: "ONLINE", exemptReason: null, courseVersionId: (await prisma.courseVersion.findFirstOrThrow({ where: { courseId: world.course.id }, orderBy: { version: "desc" } })).id } });
    const certificateId = await prisma.$transaction((tx) => issueCertificate(tx, holder.assignmentId));
    const cookie = (await context.cookies()).map((c) => `${c.name}=${c.value}`).join("; ");
    const res = await fetch(`${app.origin}/certificates/${certificateId}.pdf`, { headers: { Cookie: cookie } });
    expect(res.status).toBe(200);
    const pdfPath = join(SHOTS, "certificate.pdf");
    writeFileSync(pdfPath, Buffer.from(await res.arrayBuffer()));
    const text = execFileSync("pdftotext", ["-layout", pdfPath, "-"]).toString();
    expect(text.replace(/\s+/g, "")).toContain(holder.name.replace(/\s+/g, ""));
    tried.outputs.add("certificate PDF");
    console.log(`injection corpus: ${tried.payloads} payloads × ${tried.fields.size} fields × ${tried.outputs.size} outputs (${[...tried.outputs].join(", ")})`);
  });
});
