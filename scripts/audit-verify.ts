/**
 * Prove the audit log intact, or name the first broken link.
 *
 *   npm run audit:verify        (exit 0 intact, 1 broken)
 *
 * It reads the database of DATABASE_URL, or of the local services
 * (.data/services.env) when none is set. It needs no other setting.
 */
import { existsSync, readFileSync } from "node:fs";

if (!process.env.DATABASE_URL && existsSync(".data/services.env")) {
  const line = readFileSync(".data/services.env", "utf8").match(/^export DATABASE_URL='([^']+)'$/m);
  if (line) process.env.DATABASE_URL = line[1];
}
// The app's settings are validated as a whole; those the verifier never uses get stand-ins.
for (const [name, value] of Object.entries({ REDIS_URL: "redis://127.0.0.1:1", SMTP_URL: "smtp://127.0.0.1:1", MAIL_FROM: "audit-verify@localhost", APP_ORIGIN: "http://127.0.0.1", LINK_SECRET: "x".repeat(32) })) {
  process.env[name] ??= value;
}
const { verifyAuditChain } = await import("~/modules/audit/chain.server");
const { prisma } = await import("~/utils/db.server");

const PROBLEMS = {
  order: "a link is missing or out of order (a sealed event's link was removed or inserted)",
  hash: "the link's hash does not follow from the one before (the chain was rewritten)",
  changed: "the event was changed after it was sealed",
  removed: "the event was removed, and no retention run explains it",
} as const;

const report = await verifyAuditChain();
if (report.intact) {
  const oldest = report.oldestUnsealedAt ? ` (oldest written ${report.oldestUnsealedAt.toISOString()})` : "";
  console.log(
    `audit log intact: ${report.links.toLocaleString("en")} links verified; ` +
      `${report.removedByRetention.toLocaleString("en")} events removed by recorded retention runs; ` +
      `${report.unsealed.toLocaleString("en")} events not yet sealed${oldest}`,
  );
} else {
  console.error(`audit log BROKEN at link #${report.brokenAt.seq} (event ${report.brokenAt.eventId}): ${PROBLEMS[report.brokenAt.problem]}`);
}
await prisma.$disconnect();
process.exit(report.intact ? 0 : 1);
