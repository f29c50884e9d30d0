/**
 * Gives every person on the demo roll a way in, and says how many use which:
 *  - city civil servants sign in through the stand-in staff portal: their
 *    portal accounts are written to the file given with --staff-file, for
 *    scripts/identity-provider.ts to serve;
 *  - staff of affiliated bodies and welfare facilities without an account get
 *    an invitation e-mail (once: a person with a live invitation keeps it);
 *  - the seeded accounts keep their passwords.
 *
 *   tsx scripts/demo-ways-in.ts --staff-file .data/demo-staff.json
 */
import { writeFileSync } from "node:fs";
import { prisma } from "~/utils/db.server";
import { closeQueues } from "~/utils/queues.server";
import { sendInvitation } from "~/modules/auth/accounts.server";
import { listStaffCategories } from "~/modules/org/staff-categories.server";
import type { StaffAccount } from "./identity-provider";

const i = process.argv.indexOf("--staff-file");
const staffFile = i >= 0 ? process.argv[i + 1] : undefined;
if (!staffFile) throw new Error("--staff-file PATH is required");

const people = await prisma.person.findMany({
  where: { status: "ACTIVE" },
  orderBy: { employeeNo: "asc" },
  select: {
    id: true, employeeNo: true, name: true, email: true, staffCategory: true,
    user: { select: { passwordHash: true } },
    verifications: { where: { type: "INVITATION", expiresAt: { gt: new Date() } }, select: { id: true } },
  },
});
const cityStaff = new Set((await listStaffCategories()).filter((c) => c.cityStaff).map((c) => c.code));
const city = people.filter((p) => cityStaff.has(p.staffCategory) && p.employeeNo);
const staff: StaffAccount[] = city.map((p) => ({ sub: `portal-${p.employeeNo}`, name: p.name, email: p.email, employeeNo: p.employeeNo }));
writeFileSync(staffFile, JSON.stringify(staff, null, 2));

const others = people.filter((p) => !city.includes(p));
let invited = 0;
let alreadyInvited = 0;
for (const p of others) {
  if (p.user) continue;
  if (p.verifications.length > 0) {
    alreadyInvited++;
    continue;
  }
  if ((await sendInvitation(p.id, null)).ok) invited++;
}
const withPassword = people.filter((p) => p.user?.passwordHash).length;
console.log(
  [
    `    ${people.length} people on the roll:`,
    `      ${city.length} city civil servants sign in with the staff portal (any of them can be chosen there)`,
    `      ${others.length} staff of affiliated bodies and welfare facilities: ${others.filter((p) => p.user).length} with an account,`,
    `        ${invited + alreadyInvited} invited by e-mail (${invited} sent now; the links are in the mail in .data/mail)`,
    `      ${withPassword} of the people on the roll also have a seeded password (the demo accounts below)`,
  ].join("\n"),
);
await closeQueues();
await prisma.$disconnect();
