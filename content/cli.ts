/**
 * content:check validates every file under content/ and prints per-course
 * statistics; content:load also publishes them to the database.
 */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ContentInvalidError, formatError, readContentTree } from "~/modules/content/source.server";

const root = process.argv[3] ?? join(dirname(fileURLToPath(import.meta.url)));
const command = process.argv[2];

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
  for (const c of tree.courses) {
    const cases = c.lessons.filter((l) => l.kind === "CASE_STUDY").length;
    console.log(
      `  ${c.course.slug}@${c.course.version}: ${c.lessons.length} lessons (${cases} case studies), ` +
        `${c.quiz.questions.length} quiz items, ${c.course.estimatedMinutes} min, pass mark ${c.course.passMark}%`,
    );
  }
  for (const o of tree.obligations) console.log(`  obligation ${o.code}: ${o.routes.length} route(s)`);
  console.log(`Content OK: ${tree.courses.length} course(s), ${tree.obligations.length} obligation(s)`);
  if (command === "load") {
    const { loadContent } = await import("~/modules/content/load.server");
    const { prisma } = await import("~/utils/db.server");
    const report = await loadContent(tree);
    console.log(`Published: ${report.created.join(", ") || "nothing new"}; unchanged: ${report.unchanged.join(", ") || "none"}`);
    await prisma.$disconnect();
  } else if (command !== "check") {
    console.error("usage: content/cli.ts check|load [content-root]");
    process.exit(2);
  }
}

await main();
