import { prisma } from "~/utils/db.server";
import { getEnv } from "~/utils/env.server";
import { ssoEnabled } from "~/modules/auth/sso.server";
import { LINK_LIFETIME_MINUTES } from "~/modules/auth/verification.server";

export interface DutyFacts {
  titleKo: string;
  titleEn: string;
  legalBasisKo: string;
  legalBasisEn: string;
  cycleKind: "ANNUAL" | "HALF_YEAR";
  /** Owed once, within this many days of joining (ADR 026); null for duties owed by everyone by their deadlines. */
  joiningWithinDays: number | null;
  /** Each period's deadline as MM-DD ("" for a yearly duty), in period order. */
  deadlines: Array<{ period: string; monthDay: string }>;
  /** The least learning time any route asks for, and the most: they are equal in most cities. */
  minMinutes: number;
  maxMinutes: number;
  inPerson: boolean;
  sharedSessions: boolean;
  graceDays: number;
}

/**
 * What the help page says, read from what the product is configured with: the duties as the
 * obligation files declare them, how reminders and escalations are timed, whether city staff
 * sign in through single sign-on. Another city's help page follows its own settings.
 */
export async function helpFacts() {
  const env = getEnv();
  const obligations = await prisma.obligation.findMany({
    where: { routes: { some: {} } },
    include: { routes: { select: { minMinutes: true, modes: true } } },
    orderBy: [{ cycleKind: "asc" }, { code: "asc" }],
  });
  const duties: DutyFacts[] = obligations.map((o) => {
    const deadlines = Object.entries((o.deadlines ?? {}) as Record<string, string>)
      .filter(([, v]) => typeof v === "string" && /^\d{2}-\d{2}$/.test(v))
      .map(([period, monthDay]) => ({ period, monthDay }))
      .sort((a, b) => a.period.localeCompare(b.period));
    const minutes = o.routes.map((r) => r.minMinutes);
    return {
      titleKo: o.titleKo,
      titleEn: o.titleEn,
      legalBasisKo: o.legalBasisKo,
      legalBasisEn: o.legalBasisEn,
      cycleKind: o.cycleKind,
      joiningWithinDays: o.joiningWithinDays,
      deadlines,
      minMinutes: Math.min(...minutes),
      maxMinutes: Math.max(...minutes),
      inPerson: o.routes.some((r) => r.modes.includes("IN_PERSON")),
      sharedSessions: o.sharedSessions,
      graceDays: o.graceDays,
    };
  });
  const [from, to] = env.SEND_WINDOW.split("-");
  return {
    duties,
    sso: ssoEnabled(),
    reminders: {
      daysBefore: env.REMINDER_DAYS_BEFORE.split(",").map(Number).sort((a, b) => b - a),
      weeklyAfter: env.REMINDER_WEEKLY_AFTER_MAX,
      windowFrom: from!,
      windowTo: to!,
      weekdays: env.SEND_WEEKDAYS.split(",").map(Number).sort(),
      escalateAfterDays: env.ESCALATE_AFTER_DAYS,
    },
    lateJoinerDays: env.LATE_JOINER_DAYS,
    invitationDays: Math.floor(LINK_LIFETIME_MINUTES.INVITATION / (24 * 60)),
    registrationHours: Math.floor(LINK_LIFETIME_MINUTES.REGISTRATION / 60),
  };
}
