import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import type { Counts, RankRow, ReturnCycle, ReturnInstitution } from "./oversight.server";

/** How the oversight return reads, shared by the page, the XLSX and the PDF so they say the same. */


export type Translate = (key: string, options?: Record<string, unknown>) => string;

/** "공무원 7급", "공무원 소계", "복지시설 종사자". */
export function rankLabel(t: Translate, locale: AppLocale, row: Pick<RankRow, "categoryKo" | "categoryEn" | "graded" | "grade" | "subtotal">): string {
  const category = pick(locale, row.categoryKo, row.categoryEn);
  if (row.subtotal) return t("oversight.subtotal", { category });
  if (!row.graded) return category;
  return row.grade === null ? t("oversight.gradeUnknown", { category }) : t("oversight.grade", { category, grade: row.grade });
}

/** "2026년 상반기 (2026년 1월 1일 ~ 2026년 6월 30일)". */
export function periodLabel(t: Translate, locale: AppLocale, c: { period: string; startsOn: Date | string; endsOn: Date | string }): string {
  const year = c.startsOn instanceof Date ? c.startsOn.getUTCFullYear() : new Date(c.startsOn).getUTCFullYear();
  const name = t(`oversight.period.${c.period || "ANNUAL"}`, { year });
  return `${name} (${formatDay(c.startsOn, locale)} ~ ${formatDay(c.endsOn, locale)})`;
}

/** A date column (no time of day) printed as that calendar day, whatever the server's zone. */
function formatDay(d: Date | string, locale: AppLocale): string {
  const date = typeof d === "string" ? new Date(d) : d;
  return new Intl.DateTimeFormat(locale === "ko" ? "ko-KR" : "en-GB", { timeZone: "UTC", year: "numeric", month: "long", day: "numeric" }).format(date);
}

export function percent(value: number | null, locale: AppLocale): string {
  if (value === null) return "—";
  return `${value.toLocaleString(locale === "ko" ? "ko-KR" : "en-GB", { minimumFractionDigits: 1, maximumFractionDigits: 1 })}%`;
}

export const COUNT_COLUMNS = ["assigned", "exempted", "completed", "rate", "inPerson", "inPersonShare"] as const;

export function countCells(c: Counts): Array<number | null> {
  return [c.assigned, c.exempted, c.completed, c.ratePercent, c.inPerson, c.inPersonSharePercent];
}

export function institutionName(locale: AppLocale, i: Pick<ReturnInstitution, "nameKo" | "nameEn">): string {
  return pick(locale, i.nameKo, i.nameEn);
}

/**
 * What the return says of a cycle above its table, the same on the page, in the XLSX and in the
 * PDF: the legal basis, the period, the deadline, and the institution's in-person target and
 * whether its completions meet it (ADR 038).
 */
export function cycleFacts(
  t: Translate,
  locale: AppLocale,
  c: Pick<ReturnCycle, "legalBasisKo" | "legalBasisEn" | "period" | "inPersonTargetPercent"> & {
    startsOn: Date | string;
    endsOn: Date | string;
    dueAt: Date | string;
    total: Pick<Counts, "inPersonSharePercent">;
  },
): Array<[string, string]> {
  const facts: Array<[string, string]> = [
    [t("oversight.legalBasis"), pick(locale, c.legalBasisKo, c.legalBasisEn)],
    [t("oversight.periodCol"), periodLabel(t, locale, c)],
    [t("oversight.deadline"), formatDate(c.dueAt, locale, true)],
  ];
  const target = c.inPersonTargetPercent;
  if (target !== null) {
    const share = c.total.inPersonSharePercent;
    const key = share === null ? "inPersonTargetNone" : share >= target ? "inPersonTargetMet" : "inPersonTargetMissed";
    facts.push([t("oversight.inPersonTarget"), t(`oversight.${key}`, { target: `${target}%`, share: percent(share, locale) })]);
  }
  return facts;
}
