/**
 * content:check validates every file under content/ and prints per-course
 * statistics; content:load also publishes them to the database.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ContentInvalidError, formatError, readContentTree } from "~/modules/content/source.server";

const root = process.argv[3] ?? join(dirname(fileURLToPath(import.meta.url)));
const command = process.argv[2];

type Categories = Array<{ code: string; name: { ko: string; en: string }; onRoll: boolean; graded: boolean }>;

/**
 * From the database of DATABASE_URL, when there is one and it answers: the names of the units the
 * files name, and the staff categories it holds. Without one the explanations call units by their
 * codes, and a tree without staff-categories.yaml names categories by code. Read-only.
 */
async function readFromDatabase(codes: string[]): Promise<{ units: Map<string, { ko: string; en: string }> & { reached?: boolean }; categories: Categories }> {
  const url = process.env.DATABASE_URL;
  if (!url) return { units: new Map(), categories: [] };
  const { default: pg } = await import("pg");
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    const units = await client.query<{ code: string; name_ko: string; name_en: string }>(
      "SELECT code, name_ko, name_en FROM org_unit WHERE code = ANY($1::text[])",
      [[...new Set(codes)]],
    );
    const categories = await client.query<{ code: string; name_ko: string; name_en: string; on_roll: boolean; graded: boolean }>(
      "SELECT code, name_ko, name_en, on_roll, graded FROM staff_category ORDER BY sort_order, code",
    );
    return {
      units: Object.assign(new Map(units.rows.map((r) => [r.code, { ko: r.name_ko, en: r.name_en }])), { reached: true }),
      categories: categories.rows.map((r) => ({ code: r.code, name: { ko: r.name_ko, en: r.name_en }, onRoll: r.on_roll, graded: r.graded })),
    };
  } catch {
    return { units: new Map(), categories: [] };
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function main() {
  let tree;
  try {
    tree = readContentTree(root);
  } catch (e) {
    if (e instanceof ContentInvalidError) {
      console.error(`Content check failed (${e.errors.length} problem${e.errors.length === 1 ? "" : "s"}):`);
      for (const err of e.errors) console.error(`  ${formatError(err)}`);
      process.exit(1);
    }
    throw e;
  }
  let totalLessons = 0;
  let totalCases = 0;
  for (const c of tree.courses) {
    const cases = c.lessons.filter((l) => l.kind === "CASE_STUDY");
    const families = new Map<string, number>();
    for (const l of cases) families.set(l.jobFamily ?? "?", (families.get(l.jobFamily ?? "?") ?? 0) + 1);
    const byFamily = [...families].map(([f, n]) => `${f} ${n}`).join(", ");
    totalLessons += c.lessons.length;
    totalCases += cases.length;
    console.log(
      `  ${c.course.slug}@${c.course.version} [${c.course.track}${c.course.edition ? ` ${c.course.edition}` : ""}${c.course.stage ? ` stage ${c.course.stage}` : ""}]: ` +
        `${c.lessons.length} lessons, ${cases.length} case studies${byFamily ? ` (${byFamily})` : ""}, ` +
        `quiz pool ${c.quiz.questions.length}, ${c.quiz.draw ?? c.quiz.questions.length} drawn per attempt, ${c.pretest?.questions.length ?? 0} pre-test items, ` +
        `${c.course.attempts?.perWindow ?? 3} attempts per ${c.course.attempts?.waitHours ?? 24} h` +
        `${c.course.minLessonMinutes ? `, at least ${c.course.minLessonMinutes} min in lessons` : ""}, ` +
        `${c.glossary.length} glossary terms, ${c.course.estimatedMinutes} min (${c.course.recognisedHours} h recognised), pass mark ${c.course.passMark}%` +
        `${c.course.casePath ? `, case path: ${c.course.casePath.required} chosen` : ""}${c.practicum ? `, practicum ${c.practicum.criteria.length} criteria` : ""}`,
    );
  }
  console.log(`  total: ${totalLessons} lessons, ${totalCases} case studies`);
  if (tree.staffCategories) console.log(`  staff categories: ${tree.staffCategories.map((c) => `${c.code} (${c.name.ko})`).join(", ")}`);
  // Each rule read back in plain words, to check it says what the ordinance says.
  const { explainObligation } = await import("~/modules/content/explain");
  const titles = new Map(tree.courses.map((c) => [c.course.slug, { ko: c.course.title.ko, en: c.course.title.en }]));
  const fromDatabase = await readFromDatabase(tree.obligations.flatMap((o) => [...(o.audience.units ?? []), ...(o.audience.except ?? [])]));
  const unitNames = fromDatabase.units;
  // A tree without staff-categories.yaml is loaded against the database's categories (ADR 025): read it with them.
  const categories = tree.staffCategories ?? fromDatabase.categories;
  for (const o of tree.obligations) {
    console.log(`  obligation ${o.code} (${tree.obligationFiles?.[o.code] ?? "?"}): ${o.routes.length} route(s)`);
    const said = explainObligation(o, titles, categories, unitNames);
    // A unit code the database does not hold (a typo, or a chart not loaded yet) covers no one and leaves no one out.
    const missing = (codes: string[] | undefined) => (unitNames.reached ? (codes ?? []).filter((c) => !unitNames.has(c)) : []);
    const covered = missing(o.audience.units);
    const leftOut = missing(o.audience.except);
    if (covered.length > 0) {
      console.log(`    note: the database holds no unit ${covered.join(", ")} yet: the duty reaches no one there until it does`);
      console.log(`    참고: 데이터베이스에 아직 ${covered.join(", ")} 조직이 없어, 조직이 생기기 전까지 이 의무를 지는 사람이 없습니다`);
    }
    if (leftOut.length > 0) {
      console.log(`    note: the database holds no unit ${leftOut.join(", ")} yet: audience.except leaves no one out there until it does`);
      console.log(`    참고: 데이터베이스에 아직 ${leftOut.join(", ")} 조직이 없어, audience.except로 빠지는 사람이 없습니다`);
    }
    console.log(`    ${o.title.ko}`);
    for (const line of said.ko) console.log(`      ${line}`);
    console.log(`    ${o.title.en}`);
    for (const line of said.en) console.log(`      ${line}`);
  }
  console.log(`Content OK: ${tree.courses.length} course(s), ${tree.obligations.length} obligation(s)`);
  if (command === "load") {
    const { loadContent } = await import("~/modules/content/load.server");
    const { prisma } = await import("~/utils/db.server");
    const { ObligationAudienceError } = await import("~/modules/obligations/audience.server");
    const { StaffCategoryConfigError } = await import("~/modules/content/load.server");
    const report = await loadContent(tree).catch(async (e: unknown) => {
      if (!(e instanceof ObligationAudienceError) && !(e instanceof StaffCategoryConfigError)) throw e;
      console.error(`Content load refused, nothing published:\n  ${e.message.split("\n").join("\n  ")}`);
      await prisma.$disconnect();
      process.exit(1);
    });
    console.log(`Published: ${report.created.join(", ") || "nothing new"}; unchanged: ${report.unchanged.join(", ") || "none"}`);
    for (const w of report.unitsNotInChart) {
      console.warn(
        `Warning: ${w.file} names unit(s) ${w.codes.join(", ")} that the organization chart does not hold (or holds closed); ` +
          `its cycles cannot be opened until the chart is loaded with them or the file is corrected.\n` +
          `  경고: ${w.file}에 적힌 조직 ${w.codes.join(", ")}이(가) 조직도에 없거나 폐지되었습니다. 조직도에 올리거나 파일을 고치기 전에는 이 의무의 주기를 열 수 없습니다.`,
      );
    }
    if (report.joinersAssigned !== undefined) console.log(`Assigned ${report.joinersAssigned} person(s) who joined within the window of a duty owed on joining`);
    if (report.staffCategories.length) console.log(`Staff categories: ${report.staffCategories.join(", ")}${report.removedStaffCategories.length ? `; removed: ${report.removedStaffCategories.join(", ")}` : ""}`);
    await prisma.$disconnect();
  } else if (command !== "check") {
    console.error("usage: content/cli.ts check|load [content-root]");
    process.exit(2);
  }
}

await main();
