import { PassThrough } from "node:stream";
import ExcelJS from "exceljs";
import PDFDocument from "pdfkit";
import { Prisma, prisma } from "~/utils/db.server";
import { neutralizeFormula } from "~/utils/csv";
import { getEnv } from "~/utils/env.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import type { Actor } from "~/modules/auth/permissions.server";
import { placedAt } from "~/modules/org/org.server";
import { INSTITUTION_KINDS } from "~/modules/org/coded-sets";
import { COUNT_COLUMNS, countCells, cycleFacts, institutionName, percent, periodLabel, rankLabel, type Translate } from "./oversight-labels";
import { now } from "~/utils/clock.server";
import { drained } from "~/utils/xlsx.server";

/**
 * The oversight return: for one calendar year, per institution, per
 * obligation cycle and per rank, how many people owed the training, how many
 * completed it, and how many of those completed it in person.
 *
 * What an "institution" is: each top-level unit of the reader's scope, and
 * every affiliated organization, welfare facility or educational institution
 * beneath it. Each person is counted exactly once, in the nearest institution
 * at or above their unit: a welfare facility under a bureau is reported on its
 * own row and is NOT included in the bureau's row. The rows of a return
 * therefore add up to the whole scope, and each institution can hand in its
 * own page.
 *
 * Who is counted: for a cycle whose deadline has passed, the people who owed
 * it at the deadline, in the unit they sat in then (their placement history):
 * someone who moved or left afterwards is still reported where they were. For
 * a cycle still running, people on the roll today in their current unit, as on
 * the compliance dashboard. Completion is read as it stands now, so work done
 * in the grace period counts. Exempted people are
 * shown separately and left out of the rate's denominator. In person means the
 * assignment was completed by attending a session (completion_mode IN_PERSON);
 * the in-person share is that count over all completions.
 */

export interface Counts {
  assigned: number;
  exempted: number;
  completed: number;
  /** completed / (assigned - exempted), one decimal; null when nobody is left to count. */
  ratePercent: number | null;
  inPerson: number;
  /** inPerson / completed, one decimal; null when nobody has completed. */
  inPersonSharePercent: number | null;
}

export interface RankRow extends Counts {
  staffCategory: string;
  /** The category's names and whether it is broken down by grade, as staff_category configures it. */
  categoryKo: string;
  categoryEn: string;
  graded: boolean;
  /** The grade (급) within civil servants; null for other categories and for a category subtotal. */
  grade: number | null;
  /** A civil-servant category's subtotal over its grades. */
  subtotal: boolean;
}

export interface ReturnCycle {
  cycleId: string;
  label: string;
  period: string;
  status: string;
  obligationCode: string;
  obligationTitleKo: string;
  obligationTitleEn: string;
  legalBasisKo: string;
  legalBasisEn: string;
  startsOn: Date;
  endsOn: Date;
  dueAt: Date;
  /** The least in-person share of completions the obligation sets each institution, in percent, as the cycle was planned; null: none. */
  inPersonTargetPercent: number | null;
  rows: RankRow[];
  total: Counts;
}

export interface ReturnInstitution {
  unitId: string;
  code: string;
  nameKo: string;
  nameEn: string;
  kind: string;
  cycles: ReturnCycle[];
}

export interface OversightReturn {
  year: number;
  asOf: Date;
  preparedBy: { name: string; email: string };
  institutions: ReturnInstitution[];
}

/** A system administrator without an HR scope reads the whole tree; an HR officer their subtrees. */
export async function reportScopeRoots(actor: Actor): Promise<string[]> {
  if (actor.hrScopeUnitIds.length > 0 || !actor.roles.has("SYSTEM_ADMIN")) return actor.hrScopeUnitIds;
  const roots = await prisma.orgUnit.findMany({ where: { parentId: null }, select: { id: true }, orderBy: { code: "asc" } });
  return roots.map((r) => r.id);
}

/** The years that have an opened cycle, newest first, for the year picker. */
export async function oversightYears(): Promise<number[]> {
  const rows = await prisma.$queryRaw<Array<{ year: number }>>`
    SELECT DISTINCT extract(year FROM starts_on)::int AS year FROM cycle WHERE status <> 'PLANNED' ORDER BY year DESC`;
  return rows.map((r) => r.year);
}

interface FlatRow {
  unitId: string;
  code: string;
  nameKo: string;
  nameEn: string;
  kind: string;
  cycleId: string | null;
  label: string | null;
  period: string | null;
  cycleStatus: string | null;
  obligationCode: string | null;
  obligationTitleKo: string | null;
  obligationTitleEn: string | null;
  legalBasisKo: string | null;
  legalBasisEn: string | null;
  startsOn: Date | null;
  endsOn: Date | null;
  dueAt: Date | null;
  inPersonTargetPercent: number | null;
  staffCategory: string | null;
  categoryKo: string | null;
  categoryEn: string | null;
  graded: boolean | null;
  categoryOrder: number | null;
  grade: number | null;
  /** 0: a rank row; 1: a category's subtotal; 3: the cycle's total for the institution. */
  level: number | null;
  assigned: number;
  exempted: number;
  completed: number;
  inPerson: number;
  ratePercent: number | null;
  inPersonSharePercent: number | null;
}

/**
 * The whole return in one query. Every institution of the scope comes back,
 * those with nobody assigned in the year as a single row without a cycle.
 */
export async function oversightReturn(actor: Actor, year: number, roots?: string[]): Promise<OversightReturn> {
  const scopeRoots = roots ?? (await reportScopeRoots(actor));
  const asOf = now();
  const preparedBy = { name: actor.user.displayName, email: actor.user.email };
  if (scopeRoots.length === 0) return { year, asOf, preparedBy, institutions: [] };
  const placed = placedAt(Prisma.sql`yc.t`, Prisma.sql`yc.past`);
  const flat = await prisma.$queryRaw<FlatRow[]>`
    WITH RECURSIVE
    -- Each unit of the scope with the institution it reports under: the nearest scope root
    -- or institution-kind unit at or above it. Today's chart gives the institutions listed.
    owner_paths AS (
      SELECT u.id, u.id AS inst, ARRAY[u.code]::text[] AS sort_key
      FROM org_unit u WHERE u.id = ANY(${scopeRoots}::uuid[])
      UNION ALL
      SELECT c.id,
        CASE WHEN c.kind::text = ANY(${[...INSTITUTION_KINDS]}::text[]) OR c.id = ANY(${scopeRoots}::uuid[]) THEN c.id ELSE o.inst END,
        o.sort_key || c.code
      FROM org_unit c JOIN owner_paths o ON c.parent_id = o.id
      WHERE c.ended_at IS NULL
    ),
    owner AS (
      SELECT DISTINCT ON (id) id, inst, sort_key FROM owner_paths ORDER BY id, cardinality(sort_key)
    ),
    -- Each cycle is read at its deadline once that has passed, otherwise now.
    year_cycles AS (
      SELECT c.id, LEAST(c.due_at, ${asOf}::timestamptz) AS t, c.due_at < ${asOf}::timestamptz AS past
      FROM cycle c
      WHERE c.status <> 'PLANNED' AND c.starts_on >= make_date(${year}::int, 1, 1) AND c.starts_on < make_date(${year}::int + 1, 1, 1)
    ),
    -- People count under the institution their unit belonged to at the moment their cycle is
    -- read: the chart of that moment, from the units' versions (ADR 024).
    owner_then_paths AS (
      SELECT m.t, v.unit_id AS id, v.unit_id AS inst, ARRAY[u.code]::text[] AS sort_key
      FROM (SELECT DISTINCT t FROM year_cycles) m
      JOIN org_unit_version v ON v.unit_id = ANY(${scopeRoots}::uuid[]) AND v.valid_from <= m.t AND (v.valid_to IS NULL OR v.valid_to > m.t)
      JOIN org_unit u ON u.id = v.unit_id
      UNION ALL
      SELECT o.t, c.unit_id,
        CASE WHEN c.kind::text = ANY(${[...INSTITUTION_KINDS]}::text[]) OR c.unit_id = ANY(${scopeRoots}::uuid[]) THEN c.unit_id ELSE o.inst END,
        o.sort_key || cu.code
      FROM org_unit_version c JOIN owner_then_paths o ON c.parent_id = o.id AND c.valid_from <= o.t AND (c.valid_to IS NULL OR c.valid_to > o.t)
      JOIN org_unit cu ON cu.id = c.unit_id
    ),
    owner_then AS (
      SELECT DISTINCT ON (t, id) t, id, inst, sort_key FROM owner_then_paths ORDER BY t, id, cardinality(sort_key)
    ),
    -- The year's assignments reduced to counts per unit (where each person sat when their cycle is
    -- read) before any tree is joined: the recursive CTEs above are estimated at a few hundred rows
    -- whatever the chart, so a million people must never meet them row by row.
    unit_facts AS MATERIALIZED (
      SELECT ${placed.unit} AS unit_id, yc.t, a.cycle_id, p.staff_category,
        CASE WHEN sc.graded THEN p.grade END AS grade,
        a.status, a.completion_mode, count(*)::int AS n
      FROM assignment a
      JOIN year_cycles yc ON yc.id = a.cycle_id
      JOIN person p ON p.id = a.person_id
      JOIN staff_category sc ON sc.code = p.staff_category
      ${placed.join}
      WHERE ${placed.counted}
      GROUP BY 1, 2, 3, 4, 5, 6, 7
    ),
    facts AS MATERIALIZED (
      SELECT o.inst, f.cycle_id, f.staff_category, f.grade, f.status, f.completion_mode, f.n
      FROM unit_facts f JOIN owner_then o ON o.id = f.unit_id AND o.t = f.t
    ),
    -- Today's institutions, and any institution of the past that people counted under.
    institutions AS (
      SELECT id, sort_key FROM owner WHERE id = inst
      UNION
      SELECT DISTINCT ON (ot.id) ot.id, COALESCE(o.sort_key, ot.sort_key) FROM owner_then ot LEFT JOIN owner o ON o.id = ot.id
      -- IN and NOT IN over a subquery are hashed once; a correlated EXISTS against these CTEs,
      -- estimated at a row each, became a loop over today's units per unit of the past.
      WHERE ot.id = ot.inst AND ot.id NOT IN (SELECT x.id FROM owner x WHERE x.id = x.inst)
        AND ot.id IN (SELECT f.inst FROM facts f)
    ),
    agg AS (
      SELECT inst, cycle_id, staff_category, grade, GROUPING(staff_category, grade) AS level,
        sum(n)::int AS assigned,
        COALESCE(sum(n) FILTER (WHERE status = 'EXEMPTED'), 0)::int AS exempted,
        COALESCE(sum(n) FILTER (WHERE status = 'COMPLETED'), 0)::int AS completed,
        COALESCE(sum(n) FILTER (WHERE status = 'COMPLETED' AND completion_mode = 'IN_PERSON'), 0)::int AS in_person
      FROM facts
      GROUP BY GROUPING SETS ((inst, cycle_id, staff_category, grade), (inst, cycle_id, staff_category), (inst, cycle_id))
    )
    SELECT u.id AS "unitId", u.code, u.name_ko AS "nameKo", u.name_en AS "nameEn", u.kind::text AS kind,
      c.id AS "cycleId", c.label, c.period, c.status::text AS "cycleStatus",
      ob.code AS "obligationCode", ob.title_ko AS "obligationTitleKo", ob.title_en AS "obligationTitleEn",
      ob.legal_basis_ko AS "legalBasisKo", ob.legal_basis_en AS "legalBasisEn",
      c.starts_on AS "startsOn", c.ends_on AS "endsOn", c.due_at AS "dueAt", c.in_person_share_percent AS "inPersonTargetPercent",
      g.staff_category AS "staffCategory", sc.name_ko AS "categoryKo", sc.name_en AS "categoryEn",
      sc.graded, sc.sort_order AS "categoryOrder", g.grade, g.level,
      COALESCE(g.assigned, 0) AS assigned, COALESCE(g.exempted, 0) AS exempted,
      COALESCE(g.completed, 0) AS completed, COALESCE(g.in_person, 0) AS "inPerson",
      CASE WHEN g.assigned - g.exempted > 0 THEN round(100.0 * g.completed / (g.assigned - g.exempted), 1)::float8 END AS "ratePercent",
      CASE WHEN g.completed > 0 THEN round(100.0 * g.in_person / g.completed, 1)::float8 END AS "inPersonSharePercent"
    FROM institutions i
    JOIN org_unit u ON u.id = i.id
    LEFT JOIN agg g ON g.inst = i.id
    LEFT JOIN cycle c ON c.id = g.cycle_id
    LEFT JOIN obligation ob ON ob.id = c.obligation_id
    LEFT JOIN staff_category sc ON sc.code = g.staff_category
    ORDER BY i.sort_key, ob.code, c.period, g.level DESC`;
  return { year, asOf, preparedBy, institutions: assemble(flat) };
}

function countsOf(r: FlatRow): Counts {
  return {
    assigned: r.assigned,
    exempted: r.exempted,
    completed: r.completed,
    ratePercent: r.ratePercent,
    inPerson: r.inPerson,
    inPersonSharePercent: r.inPersonSharePercent,
  };
}

/** Categories in their configured order (staff_category.sort_order), then grades. */
function rankOrder(order: ReadonlyMap<string, number>) {
  return (a: RankRow, b: RankRow) => byRank(order, a, b);
}

function byRank(order: ReadonlyMap<string, number>, a: RankRow, b: RankRow): number {
  const byCategory = (order.get(a.staffCategory) ?? 0) - (order.get(b.staffCategory) ?? 0) || (a.staffCategory < b.staffCategory ? -1 : a.staffCategory > b.staffCategory ? 1 : 0);
  if (byCategory !== 0) return byCategory;
  // Within a category: grades from the most senior (1급) down, not-recorded last, the subtotal after them.
  const key = (r: RankRow) => (r.subtotal ? 1000 : r.grade ?? 999);
  return key(a) - key(b);
}

/** Flat rows into institutions, cycles and ordered rank rows; a category's subtotal only where it adds something. */
function assemble(flat: FlatRow[]): ReturnInstitution[] {
  const institutions: ReturnInstitution[] = [];
  const byUnit = new Map<string, ReturnInstitution>();
  const byCycle = new Map<string, ReturnCycle>();
  const subtotals = new Map<string, RankRow>();
  const order = new Map<string, number>();
  for (const r of flat) {
    let inst = byUnit.get(r.unitId);
    if (!inst) {
      inst = { unitId: r.unitId, code: r.code, nameKo: r.nameKo, nameEn: r.nameEn, kind: r.kind, cycles: [] };
      byUnit.set(r.unitId, inst);
      institutions.push(inst);
    }
    if (!r.cycleId) continue;
    const key = `${r.unitId}:${r.cycleId}`;
    let cycle = byCycle.get(key);
    if (!cycle) {
      cycle = {
        cycleId: r.cycleId,
        label: r.label!,
        period: r.period!,
        status: r.cycleStatus!,
        obligationCode: r.obligationCode!,
        obligationTitleKo: r.obligationTitleKo!,
        obligationTitleEn: r.obligationTitleEn!,
        legalBasisKo: r.legalBasisKo!,
        legalBasisEn: r.legalBasisEn!,
        startsOn: r.startsOn!,
        endsOn: r.endsOn!,
        dueAt: r.dueAt!,
        inPersonTargetPercent: r.inPersonTargetPercent,
        rows: [],
        total: countsOf(r),
      };
      byCycle.set(key, cycle);
      inst.cycles.push(cycle);
    }
    if (r.level === 3) {
      cycle.total = countsOf(r);
      continue;
    }
    const category = { staffCategory: r.staffCategory!, categoryKo: r.categoryKo!, categoryEn: r.categoryEn!, graded: r.graded! };
    order.set(category.staffCategory, r.categoryOrder!);
    if (r.level === 1) subtotals.set(`${key}:${r.staffCategory}`, { ...countsOf(r), ...category, grade: null, subtotal: true });
    else cycle.rows.push({ ...countsOf(r), ...category, grade: r.grade, subtotal: false });
  }
  for (const [key, cycle] of byCycle) {
    for (const category of new Set(cycle.rows.map((r) => r.staffCategory))) {
      const ranks = cycle.rows.filter((r) => r.staffCategory === category);
      const subtotal = subtotals.get(`${key}:${category}`);
      if (subtotal?.graded && ranks.length > 1) cycle.rows.push(subtotal);
    }
    cycle.rows.sort(rankOrder(order));
  }
  return institutions;
}

// ---------------------------------------------------------------- XLSX

const xlsxText = (v: string) => neutralizeFormula(v);

function sheetName(name: string, taken: Set<string>): string {
  const clean = name.replace(/[[\]*?:/\\]/g, " ").trim().slice(0, 28) || "Sheet";
  let candidate = clean;
  for (let n = 2; taken.has(candidate.toLowerCase()); n++) candidate = `${clean.slice(0, 26)} ${n}`;
  taken.add(candidate.toLowerCase());
  return candidate;
}

/**
 * Resolves once the zip has taken in the sheet just committed, or once the
 * reader has gone. exceljs hands every sheet to its zip at once, and the zip
 * deflates them one after another at the pace the reader takes the file: a
 * writer that did not wait would hold every sheet it had written in memory.
 */
function sheetZipped(workbook: ExcelJS.stream.xlsx.WorkbookWriter, sheet: ExcelJS.Worksheet, out: PassThrough): Promise<void> {
  const zip = (workbook as unknown as { zip: NodeJS.EventEmitter }).zip;
  const path = `xl/worksheets/sheet${sheet.id}.xml`;
  return new Promise((resolve) => {
    const done = () => {
      zip.off("entry", onEntry);
      out.off("close", done);
      resolve();
    };
    const onEntry = (entry: { name: string }) => {
      if (entry.name.replace(/^\//, "") === path) done();
    };
    zip.on("entry", onEntry);
    out.once("close", done);
  });
}

/**
 * What a committed sheet's writer keeps and the workbook never reads again: at
 * the end exceljs writes the workbook's own parts from each sheet's id, name,
 * state and page setup only. Dropped once the sheet is in the zip, so that
 * thousands of institution sheets do not each hold several kilobytes until
 * the end.
 */
const RELEASED_SHEET_PARTS = ["_stream", "_sheetRelsWriter", "_sheetCommentsWriter", "_columns", "_keys", "dataValidations", "_dimensions", "_formulae", "headerFooter", "properties"];

function releaseSheet(sheet: ExcelJS.Worksheet): void {
  const writer = sheet as unknown as Record<string, unknown>;
  for (const part of RELEASED_SHEET_PARTS) writer[part] = null;
}

/**
 * The return as a workbook an oversight body can file: a summary sheet with
 * one line per institution and cycle, then one sheet per institution (each
 * institution hands in its own), each opening with the header block. Written
 * with exceljs's streaming writer, sheet by sheet: each sheet is committed and
 * taken into the zip before the next is begun, so memory stays flat however
 * many institutions there are and however slowly the file is read.
 */
export function oversightXlsxStream(ret: OversightReturn, locale: AppLocale, t: Translate): PassThrough {
  const out = new PassThrough();
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = xlsxText(ret.preparedBy.name);
  workbook.created = ret.asOf;
  const asOf = formatDate(ret.asOf, locale, true);
  const preparedBy = `${ret.preparedBy.name} (${ret.preparedBy.email})`;
  const header = COUNT_COLUMNS.map((c) => t(`oversight.col.${c}`));
  const percentColumns = [3, 5]; // zero-based positions of the two rates among the count columns
  const bold = { bold: true };
  const taken = new Set<string>();

  const addCounts = (sheet: ExcelJS.Worksheet, lead: string[], c: Counts, isTotal = false) => {
    // Rates as fractions with a percent format, so a spreadsheet can compute with them.
    const values = countCells(c).map((v, i) => (v !== null && percentColumns.includes(i) ? Number((v / 100).toFixed(4)) : v));
    const row = sheet.addRow([...lead.map(xlsxText), ...values]);
    percentColumns.forEach((i) => (row.getCell(lead.length + i + 1).numFmt = "0.0%"));
    if (isTotal) row.font = bold;
    row.commit();
  };

  const headerBlock = (sheet: ExcelJS.Worksheet, pairs: Array<[string, string]>) => {
    const title = sheet.addRow([xlsxText(t("oversight.fileTitle", { year: ret.year }))]);
    title.font = { bold: true, size: 14 };
    title.commit();
    for (const [label, value] of pairs) {
      const row = sheet.addRow([xlsxText(label), xlsxText(value)]);
      row.getCell(1).font = bold;
      row.commit();
    }
    sheet.addRow([]).commit();
  };

  void (async () => {
    try {
      const summary = workbook.addWorksheet(sheetName(t("oversight.summarySheet"), taken));
      summary.columns = [{ width: 30 }, { width: 36 }, { width: 30 }, { width: 22 }, ...header.map(() => ({ width: 12 }))];
      headerBlock(summary, [
        [t("oversight.year"), String(ret.year)],
        [t("oversight.asOf"), asOf],
        [t("oversight.preparedBy"), preparedBy],
      ]);
      const summaryHead = summary.addRow([t("oversight.institution"), t("oversight.obligation"), t("oversight.periodCol"), t("oversight.deadline"), ...header]);
      summaryHead.font = bold;
      summaryHead.commit();
      for (const inst of ret.institutions) {
        for (const c of inst.cycles) {
          addCounts(summary, [institutionName(locale, inst), pick(locale, c.obligationTitleKo, c.obligationTitleEn), periodLabel(t, locale, c), formatDate(c.dueAt, locale, true)], c.total);
        }
      }
      const summaryZipped = sheetZipped(workbook, summary, out);
      summary.commit();
      await summaryZipped;
      releaseSheet(summary);

      for (const inst of ret.institutions) {
        if (out.destroyed) return;
        const sheet = workbook.addWorksheet(sheetName(institutionName(locale, inst), taken));
        sheet.columns = [{ width: 30 }, ...header.map(() => ({ width: 14 }))];
        headerBlock(sheet, [
          [t("oversight.institution"), `${institutionName(locale, inst)} (${inst.code})`],
          [t("oversight.year"), String(ret.year)],
          [t("oversight.asOf"), asOf],
          [t("oversight.preparedBy"), preparedBy],
        ]);
        if (inst.cycles.length === 0) sheet.addRow([xlsxText(t("oversight.nothingAssigned"))]).commit();
        for (const c of inst.cycles) {
          for (const [label, value] of [
            [t("oversight.obligation"), pick(locale, c.obligationTitleKo, c.obligationTitleEn)],
            ...cycleFacts(t, locale, c),
          ] as Array<[string, string]>) {
            const row = sheet.addRow([xlsxText(label), xlsxText(value)]);
            row.getCell(1).font = bold;
            row.commit();
          }
          const head = sheet.addRow([t("oversight.rank"), ...header]);
          head.font = bold;
          head.commit();
          for (const r of c.rows) addCounts(sheet, [rankLabel(t, locale, r)], r, r.subtotal);
          addCounts(sheet, [t("oversight.total")], c.total, true);
          sheet.addRow([]).commit();
        }
        const zipped = sheetZipped(workbook, sheet, out);
        sheet.commit();
        await zipped;
        releaseSheet(sheet);
      }
      await workbook.commit();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}

// ---------------------------------------------------------------- PDF

const PAGE_MARGIN = 50;
const FOOTER_HEIGHT = 30;
const ROW_HEIGHT = 20;

/** What the PDF writer reads of pdfkit's embedded font, to set the page labels written at the end. */
interface EmbeddedFace {
  id: string;
  ascender: number;
  ref(): PDFKit.PDFDocument;
  encode(text: string): [string[], unknown[]];
  widthOfString(text: string, size: number): number;
}

/** The parts of pdfkit's document that outlive a written page: the page tree and the tagged structure. */
interface PdfkitDocumentInternals {
  _root: { data: { Pages: { data: { Kids: Array<{ id: number; gen: number; offset?: number }> } } } };
  structChildren: Array<{ _flushed: boolean }>;
  getStructTreeRoot(): { data: { K?: unknown[] } };
  getStructParentTree(): { _items: Record<string, unknown> };
}

/**
 * pdfkit keeps every object it has written, with all its entries, because the page tree, the
 * structure tree and its parent tree name them at the end of the file. Those only need each
 * object's number: once an institution's pages and their tagged structure are written, what the
 * document still refers to is replaced by the bare reference, so the memory kept per page is a
 * few bytes instead of every table cell's dictionary.
 */
function forgetWritten(doc: PDFKit.PDFDocument, parentKeysDone: number): number {
  const internals = doc as unknown as PdfkitDocumentInternals;
  const pages = internals._root.data.Pages.data.Kids;
  if (pages.length === 0) return parentKeysDone;
  // pdfkit prints any object that inherits from its (unexported) reference class by its toString.
  const bareReference = writtenReferenceOf(pages[0]!);
  const bare = (text: string) => Object.assign(Object.create(bareReference) as object, { text });
  const isBare = (value: unknown) => Object.prototype.isPrototypeOf.call(bareReference, value as object);
  const forget = (list: unknown[]) => {
    for (let i = list.length - 1; i >= 0 && !isBare(list[i]); i--) {
      const ref = list[i] as { id: number; gen: number; offset?: number };
      if (ref.offset !== undefined) list[i] = bare(`${ref.id} ${ref.gen} R`);
    }
  };
  forget(pages);
  forget(internals.getStructTreeRoot().data.K ?? []);
  internals.structChildren = internals.structChildren.filter((element) => !element._flushed);
  // The parent tree has one entry per page (its StructParents key, in page order): the page's
  // marked contents, each naming its structure element.
  const items = internals.getStructParentTree()._items;
  const keys = Object.keys(items).map(Number).filter((k) => k >= parentKeysDone);
  for (const key of keys) {
    const refs = items[key] as Array<{ id: number; gen: number } | null>;
    if (Array.isArray(refs)) items[key] = bare(`[${refs.map((r) => (r ? `${r.id} ${r.gen} R` : "null")).join(" ")}]`);
  }
  return keys.length ? Math.max(...keys) + 1 : parentKeysDone;
}

const writtenReferences = new WeakMap<object, object>();
/** A prototype for bare references, made once from pdfkit's reference class (it does not export it). */
function writtenReferenceOf(anyReference: object): object {
  const referenceClass = Object.getPrototypeOf(Object.getPrototypeOf(anyReference)) as object;
  let proto = writtenReferences.get(referenceClass);
  if (!proto) {
    proto = Object.create(referenceClass, {
      toString: {
        value(this: { text: string }) {
          return this.text;
        },
      },
    }) as object;
    writtenReferences.set(referenceClass, proto);
  }
  return proto;
}

/** Bytes pdfkit may hold for a reader that is slower than the layout before the layout waits. */
const PDF_READ_AHEAD = 1 << 20;

/**
 * The return as a PDF to hand in: each institution starts on a new page with
 * the title, the institution, the year, the as-of time and who prepared it;
 * then, per obligation cycle, its legal basis, period and deadline and the
 * table by rank. Every page carries the preparer, the date and "page n of N".
 * Text is set in the embedded Korean face, and the tables are tagged.
 *
 * Written institution by institution: an institution's pages get their
 * footers and go out before the next one is laid out, and the layout waits
 * while the reader is behind, so memory stays flat at any size. The total
 * number of pages is known only at the end, so each page's "page n of N" is a
 * small form the page draws and the end of the file fills in.
 */
export function oversightPdfStream(ret: OversightReturn, locale: AppLocale, t: Translate): PassThrough {
  const env = getEnv();
  const title = t("oversight.fileTitle", { year: ret.year });
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: PAGE_MARGIN, left: PAGE_MARGIN, right: PAGE_MARGIN, bottom: PAGE_MARGIN + FOOTER_HEIGHT },
    // Pages are held only until their institution is done (flushPages below), to draw the footers.
    bufferPages: true,
    autoFirstPage: false,
    info: { Title: title, Author: ret.preparedBy.name, Subject: t("oversight.title") },
    lang: locale === "ko" ? "ko-KR" : "en-GB",
    pdfVersion: "1.7",
    tagged: true,
    displayTitle: true,
  });
  // Fonts are named by their file path, not registered names: pdfkit's tables restore the
  // previous font after each cell by its path, and a path that is not its cache key would make it
  // read and parse the whole Korean font file again for every cell.
  const body = env.CERT_FONT_PATH;
  const bold = env.CERT_FONT_BOLD_PATH;
  const out = new PassThrough();
  doc.pipe(out);

  const width = () => doc.page.width - PAGE_MARGIN * 2;
  const bottom = () => doc.page.height - PAGE_MARGIN - FOOTER_HEIGHT;
  const tagged = (type: string, draw: () => void) => doc.addStructure(doc.struct(type, {}, draw));
  const heading = (type: "H1" | "H2", text: string, size: number) =>
    tagged(type, () => doc.font(bold).fontSize(size).fillColor("#133760").text(text, PAGE_MARGIN, doc.y, { width: width() }));
  const fact = (label: string, value: string) =>
    tagged("P", () => {
      doc.font(bold).fontSize(10).fillColor("#111111").text(`${label}: `, PAGE_MARGIN, doc.y, { continued: true, width: width() });
      doc.font(body).text(value);
    });

  const columnWidths = [133, 52, 56, 62, 62, 68, 62];
  const head = [t("oversight.rank"), ...COUNT_COLUMNS.map((c) => t(`oversight.col.${c}`))];
  const cellsOf = (label: string, c: Counts, strong: boolean) => [
    { text: label, type: "TH", scope: "Row", font: { src: bold } },
    ...countCells(c).map((v, i) => ({
      text: i === 3 || i === 5 ? percent(v, locale) : String(v),
      align: { x: "right" as const, y: "center" as const },
      font: { src: strong ? bold : body },
    })),
  ];

  const institutionPages = (inst: ReturnInstitution) => {
    doc.addPage();
    heading("H1", title, 17);
    doc.moveDown(0.3);
    heading("H2", `${institutionName(locale, inst)} (${inst.code})`, 14);
    doc.moveDown(0.3);
    fact(t("oversight.year"), String(ret.year));
    fact(t("oversight.asOf"), formatDate(ret.asOf, locale, true));
    fact(t("oversight.preparedBy"), `${ret.preparedBy.name} (${ret.preparedBy.email})`);
    if (inst.cycles.length === 0) {
      doc.moveDown(0.8);
      tagged("P", () => doc.font(body).fontSize(11).text(t("oversight.nothingAssigned"), PAGE_MARGIN, doc.y, { width: width() }));
    }
    for (const c of inst.cycles) {
      const tableHeight = (c.rows.length + 2) * ROW_HEIGHT + 90;
      // A cycle's block is kept together on one page when it fits on one.
      if (doc.y + tableHeight > bottom() && tableHeight < bottom() - PAGE_MARGIN) doc.addPage();
      doc.moveDown(0.8);
      tagged("H3", () => doc.font(bold).fontSize(12).fillColor("#133760").text(pick(locale, c.obligationTitleKo, c.obligationTitleEn), PAGE_MARGIN, doc.y, { width: width() }));
      for (const [label, value] of cycleFacts(t, locale, c)) fact(label, value);
      doc.moveDown(0.4);
      doc.font(body).fontSize(9).fillColor("#111111");
      const table = doc.table({
        position: { x: PAGE_MARGIN },
        columnStyles: columnWidths,
        rowStyles: (i: number) => ({ minHeight: ROW_HEIGHT, backgroundColor: i === 0 ? "#e6ebf2" : undefined }),
        defaultStyle: { padding: [4, 4, 4, 4], borderColor: "#7a8594", border: 0.5 },
        structParent: doc,
      } as unknown as PDFKit.Mixins.TableOptions);
      table.row(head.map((text, i) => ({ text, type: "TH", scope: "Column", font: { src: bold }, align: { x: i === 0 ? "left" : "right", y: "center" } })) as unknown as PDFKit.Mixins.RowOptions[]);
      for (const r of c.rows) table.row(cellsOf(rankLabel(t, locale, r), r, r.subtotal) as unknown as PDFKit.Mixins.RowOptions[]);
      table.row(cellsOf(t("oversight.total"), c.total, true) as unknown as PDFKit.Mixins.RowOptions[]);
      table.end();
      doc.x = PAGE_MARGIN;
    }
  };

  // The footer of every page, as pagination artifacts that screen readers skip. "Page n of N"
  // is a form XObject per page, right-aligned in its box once N is known.
  const FOOTER_SIZE = 8.5;
  const LABEL_WIDTH = 80;
  const printed = formatDate(ret.asOf, locale);
  const labels: Array<{ form: PDFKit.PDFDocument; page: number }> = [];
  let pageCount = 0;
  const face = (): EmbeddedFace => {
    doc.font(body);
    return (doc as unknown as { _font: EmbeddedFace })._font;
  };
  const footersAndFlush = () => {
    const range = doc.bufferedPageRange();
    for (let i = range.start; i < range.start + range.count; i++) {
      doc.switchToPage(i);
      // The footer sits in the bottom margin; with the margin in place pdfkit would start a new page.
      doc.page.margins.bottom = 0;
      const y = doc.page.height - PAGE_MARGIN - 12;
      doc.markContent("Artifact", { type: "Pagination" });
      doc.font(body).fontSize(FOOTER_SIZE).fillColor("#333333");
      doc.text(t("oversight.footer", { name: ret.preparedBy.name, date: printed }), PAGE_MARGIN, y, { width: width() - LABEL_WIDTH, lineBreak: false });
      const font = face();
      const page = ++pageCount;
      const form = doc.ref({
        Type: "XObject",
        Subtype: "Form",
        BBox: [-LABEL_WIDTH, -FOOTER_SIZE, 0, FOOTER_SIZE * 2],
        Resources: { Font: { [font.id]: font.ref() } },
      }) as unknown as PDFKit.PDFDocument;
      const name = `PageLabel${page}`;
      (doc.page as unknown as { xobjects: Record<string, unknown> }).xobjects[name] = form;
      // Its origin is the right end of the label's box, on the baseline; the page's own
      // coordinates run downwards, the form's upwards.
      const baseline = y + (font.ascender / 1000) * FOOTER_SIZE;
      doc.addContent(`q 1 0 0 -1 ${doc.page.width - PAGE_MARGIN} ${baseline.toFixed(2)} cm /${name} Do Q`);
      doc.endMarkedContent();
      labels.push({ form, page });
    }
    doc.flushPages();
    parentKeysDone = forgetWritten(doc, parentKeysDone);
  };
  let parentKeysDone = 0;
  const writeLabels = () => {
    const font = face();
    for (const { form, page } of labels) {
      const text = t("oversight.pageOf", { page, pages: pageCount });
      const [glyphs] = font.encode(text);
      const x = -font.widthOfString(text, FOOTER_SIZE);
      (form as unknown as { end(chunk: string): void }).end(
        `BT 0.2 0.2 0.2 rg /${font.id} ${FOOTER_SIZE} Tf ${x.toFixed(2)} 0 Td <${glyphs.join("")}> Tj ET`,
      );
    }
  };

  // Lets other work run between institutions, and waits while the reader is behind or until it
  // has gone.
  const readerKeepsUp = async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    while (!out.destroyed && doc.readableLength > PDF_READ_AHEAD) {
      await (out.writableNeedDrain ? drained(out) : new Promise<void>((resolve) => setImmediate(resolve)));
    }
  };

  void (async () => {
    try {
      for (const inst of ret.institutions) {
        institutionPages(inst);
        footersAndFlush();
        await readerKeepsUp();
        if (out.destroyed) return;
      }
      if (ret.institutions.length === 0) {
        doc.addPage();
        heading("H1", title, 17);
        tagged("P", () => doc.font(body).fontSize(11).text(t("oversight.noInstitutions"), PAGE_MARGIN, doc.y, { width: width() }));
        footersAndFlush();
      }
      writeLabels();
      doc.end();
    } catch (e) {
      out.destroy(e as Error);
    }
  })();
  return out;
}
