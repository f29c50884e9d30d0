import { describe, expect, it } from "vitest";
import { loadActor, type Actor } from "~/modules/auth/permissions.server";
import { openCycle } from "~/modules/obligations/cycles.server";
import { submitChart, submitChartApply } from "~/modules/org/chart-file.server";
import { prisma } from "~/utils/db.server";
import { createPerson, createUnit, createUser, createWorld } from "../../../test/factories";
import { storyClock } from "../../../test/clock";
import { oversightReturn } from "./oversight.server";

async function actorFor(userId: string): Promise<Actor> {
  const user = await prisma.user.findUniqueOrThrow({ where: { id: userId } });
  return loadActor({ userId, sessionId: "test", refreshCookie: null, user });
}

describe("oversight return after a reorganisation", () => {
  // Early December 2026: the first half's deadline has passed, the second half still runs.
  storyClock("2026-12-03T10:00:00");

  it("counts a past cycle under the institution a moved team belonged to then, a running one under today's", async () => {
    const world = await createWorld();
    const agencyA = await createUnit("AFFILIATED_ORG", world.bureau.id, "갑공단");
    const agencyB = await createUnit("AFFILIATED_ORG", world.bureau.id, "을공단");
    const team = await createUnit("TEAM", agencyA.id, "옮겨가는팀");
    await createPerson(team.id);
    await createPerson(team.id);
    const cycleOf = async (label: string, start: string, end: string) => {
      const cycle = await prisma.cycle.create({
        data: {
          obligationId: world.obligation.id, label, period: start === "07-01" ? "H2" : "H1",
          startsOn: new Date(`2026-${start}T00:00:00Z`), endsOn: new Date(`2026-${end}T00:00:00Z`), dueAt: new Date(`2026-${end}T14:59:59Z`),
        },
      });
      await openCycle(cycle.id, null);
      return cycle;
    };
    const h1 = await cycleOf("2026 상반기", "01-01", "06-30");
    const h2 = await cycleOf("2026 하반기", "07-01", "12-31");
    const admin = await actorFor((await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] })).id);
    const { id } = await submitChart(admin, "move.csv", `code,name_ko,name_en,parent_code,kind,valid_from\n${team.code},옮겨간팀,Moved team,${agencyB.code},TEAM,2026-09-01\n`);
    await submitChartApply(admin, id);

    const ret = await oversightReturn(admin, 2026, [world.city.id]);
    const assigned = (unitId: string, cycleId: string) =>
      ret.institutions.find((i) => i.unitId === unitId)?.cycles.find((c) => c.cycleId === cycleId)?.total.assigned ?? 0;
    // The first half was read at its deadline, 30 June: the team was under agency A then.
    expect(assigned(agencyA.id, h1.id)).toBe(2);
    expect(assigned(agencyB.id, h1.id)).toBe(0);
    // The second half is read today: the team is under agency B.
    expect(assigned(agencyB.id, h2.id)).toBe(2);
    expect(assigned(agencyA.id, h2.id)).toBe(0);
  });
});
