import { translator, type AppLocale } from "~/utils/i18n";
import type { ObligationFile, StaffCategoriesFile } from "./schema";

/**
 * An obligation file read back in plain words, in Korean and English, so that
 * whoever wrote it can check it says what the ordinance says: who owes it,
 * which course each of them takes, when, how much, and what counts.
 * `npm run content:check` prints it for every file.
 */
export interface Explanation {
  ko: string[];
  en: string[];
}

/** What the explanation needs to know of a course: its title in both languages. */
export type CourseTitles = ReadonlyMap<string, { ko: string; en: string }>;

/**
 * The staff categories of staff-categories.yaml (ADR 025), in report order, for their names and
 * for who is left out; null when the content tree has none (the codes are then shown as written).
 */
export type Categories = readonly StaffCategoriesFile["categories"][number][] | null;

const MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];

/** MM-DD as "30 November" / "11월 30일". */
function monthDay(value: string, locale: AppLocale): string {
  const [m, d] = value.split("-").map(Number);
  return locale === "ko" ? `${m}월 ${d}일` : `${d} ${MONTHS_EN[m! - 1]}`;
}

/** "a, b and c" (or "a, b or c") / "a, b, c". */
function list(items: string[], locale: AppLocale, conj: "and" | "or" = "and"): string {
  if (locale === "ko" || items.length < 2) return items.join(", ");
  return `${items.slice(0, -1).join(", ")} ${conj} ${items.at(-1)}`;
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}

type Route = ObligationFile["routes"][number];

function explainIn(o: ObligationFile, courses: CourseTitles, configured: Categories, locale: AppLocale): string[] {
  const t = translator(locale);
  const ko = locale === "ko";
  const order = configured?.map((c) => c.code) ?? [];
  /** The categories of some routes, in report order, once each. */
  const categoriesOf = (routes: Route[]): string[] => {
    const named = [...new Set(routes.flatMap((r) => r.staffCategories))];
    const rank = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
    return named.sort((a, b) => rank(a) - rank(b));
  };
  const names = new Map(configured?.map((c) => [c.code, c.name]) ?? []);
  const category = (c: string) => {
    const name = names.get(c)?.[locale];
    return name ? (ko ? name : lowerFirst(name)) : c;
  };
  const kind = (k: string) => (ko ? t(`oversight.kind.${k}`) : lowerFirst(t(`oversight.kind.${k}`)));
  const course = (slug: string) => {
    const title = courses.get(slug)?.[locale];
    return title ? (ko ? `「${title}」(${slug})` : `“${title}” (${slug})`) : slug;
  };
  const lines: string[] = [];

  // Who: the unit trees, the kinds of unit in them, the categories; and who is left out.
  const trees = o.audience.units?.length
    ? ko
      ? `${o.audience.units.join(", ")} 및 그 하위 조직`
      : `${list(o.audience.units, locale)} and the units under ${o.audience.units.length === 1 ? "it" : "them"}`
    : ko
      ? "조직도 전체(최상위 조직이 하나일 때만)"
      : "the whole organization tree (only while the database holds one)";
  const cats = categoriesOf(o.routes);
  const kinds = o.audience.unitKinds.map(kind);
  // Left out: the categories on the personnel roll that no route names.
  const left = (configured ?? []).filter((c) => c.onRoll && !cats.includes(c.code)).map((c) => category(c.code));
  // First the rule in one line ("everyone in … except …, once a year, by 30 November"), then each part.
  const rhythm =
    o.cycle === "on_joining"
      ? ko
        ? `들어온 날부터 ${o.withinDays}일 이내 1회`
        : `once, within ${o.withinDays} days of joining`
      : typeof o.deadline === "object"
        ? ko
          ? `연 2회, ${monthDay(o.deadline.H1, locale)}과 ${monthDay(o.deadline.H2, locale)}까지`
          : `twice a year, by ${monthDay(o.deadline.H1, locale)} and by ${monthDay(o.deadline.H2, locale)}`
        : ko
          ? `매년 1회, ${monthDay(o.deadline!, locale)}까지`
          : `once a year, by ${monthDay(o.deadline!, locale)}`;
  lines.push(
    ko
      ? `${trees} 소속 전원${left.length ? `(${left.join(", ")} 제외)` : ""}, ${rhythm}`
      : `everyone in ${trees}${left.length ? ` except ${list(left, locale)}` : ""}, ${rhythm}`,
  );
  if (ko) {
    lines.push(
      `누가: ${trees}의 ${kinds.join("·")} 단위에 소속된 ${cats.map(category).join(", ")} 전원` + (left.length ? ` (${left.join(", ")} 제외)` : ""),
    );
  } else {
    lines.push(
      `Who: everyone in ${trees}, in units of kind ${list(kinds, locale, "or")}, who is a ${list(cats.map(category), locale, "or")}` +
        (left.length ? `; except ${list(left, locale)}` : ""),
    );
  }

  // What: which course each audience takes, per half for half-year duties.
  const periods: Array<"" | "H1" | "H2"> = o.cycle === "half_year" ? ["H1", "H2"] : [""];
  const what = periods.map((p) => {
    const routes = o.routes.filter((r) => !p || !r.period || r.period === p);
    const parts = routes.map((r) => {
      const mine = categoriesOf([r]);
      const who = mine.length === cats.length ? [ko ? "대상 전원" : "everyone above"] : mine.map(category);
      return ko ? `${who.join(", ")}: ${course(r.course)}` : `${course(r.course)} for ${mine.length === cats.length ? who[0] : `each ${list(who, locale, "or")}`}`;
    });
    const label = p === "H1" ? (ko ? "상반기 " : "in the first half, ") : p === "H2" ? (ko ? "하반기 " : "in the second half, ") : "";
    return `${label}${parts.join(ko ? "; " : "; ")}`;
  });
  lines.push(`${ko ? "무엇을" : "What"}: ${what.join(ko ? " / " : " / ")}`);

  // When: the rhythm and the deadline, always the end of a Seoul day; the grace before overdue.
  let when: string;
  if (o.cycle === "on_joining") {
    const n = o.withinDays!;
    when = ko
      ? `임용일(인사 파일의 임용일) 또는 대상 조직으로 옮겨 온 날부터 ${n}일 이내에 1회, ${n}일째 되는 날이 끝날 때까지(서울 시각). 그해에 들어온 사람이 그해 주기에 더해짐`
      : `once, within ${n} days of joining (the hire date on the personnel file, or the day they move into these units), by the end of the ${n}th day, Seoul time; those who join in a year are added to that year's cycle`;
  } else if (o.cycle === "half_year" && typeof o.deadline === "object") {
    when = ko
      ? `연 2회: 상반기(1–6월) ${monthDay(o.deadline.H1, locale)}까지, 하반기(7–12월) ${monthDay(o.deadline.H2, locale)}까지 (서울 시각으로 그날이 끝날 때까지)`
      : `twice a year: the first half (January–June) by ${monthDay(o.deadline.H1, locale)}, the second half (July–December) by ${monthDay(o.deadline.H2, locale)} (to the end of the day, Seoul time)`;
  } else {
    const d = monthDay(o.deadline as string, locale);
    when = ko ? `매년 1회, ${d}까지 (서울 시각으로 그날이 끝날 때까지)` : `once a year, by ${d} (to the end of the day, Seoul time)`;
  }
  const grace = o.gracePeriodDays;
  const overdue = ko
    ? grace > 0
      ? `기한 ${grace}일 뒤부터 미이수로 보고 인사 담당자에게 알림`
      : "기한 다음 날부터 미이수로 보고 인사 담당자에게 알림"
    : grace > 0
      ? `overdue, and HR officers told, ${grace} days after the deadline`
      : "overdue, and HR officers told, from the day after the deadline";
  lines.push(`${ko ? "언제" : "When"}: ${when}; ${overdue}`);

  // How much: the least learning time, per route when they differ.
  const minutes = new Set(o.routes.map((r) => r.minMinutes ?? 0));
  const amount = (m: number) => (m > 0 ? (ko ? `최소 ${m}분` : `at least ${m} minutes`) : ko ? "과정 전체" : "the whole course");
  const much =
    minutes.size === 1
      ? amount([...minutes][0]!)
      : o.routes.map((r) => `${amount(r.minMinutes ?? 0)} (${categoriesOf([r]).map(category).join(", ")})`).join("; ");
  lines.push(`${ko ? "얼마나" : "How much"}: ${much}`);

  // What counts: online, in person, an equivalent course elsewhere; a shared session.
  const online = o.routes.some((r) => !r.modes || r.modes.includes("online"));
  const inPerson = o.routes.some((r) => !r.modes || r.modes.includes("in_person"));
  const onlyIn = (mode: "online" | "in_person") =>
    o.routes.filter((r) => r.modes && r.modes.length === 1 && r.modes[0] === mode).flatMap((r) => categoriesOf([r]).map(category));
  const counts: string[] = [];
  if (online) counts.push(ko ? "온라인 과정 이수" : "the course, online");
  if (inPerson) counts.push(ko ? "집합교육 출석 (최소 시간 이상인 회차)" : "attending an in-person session (one at least as long as the minimum)");
  counts.push(ko ? "인사 담당자가 증빙과 함께 인정한 외부 동등 과정" : "an equivalent course completed elsewhere, recognised by an HR officer with its evidence");
  let countsLine = `${ko ? "인정" : "What counts"}: ${counts.join(ko ? ", " : "; ")}`;
  const onlineOnly = onlyIn("online");
  const inPersonOnly = onlyIn("in_person");
  if (onlineOnly.length) countsLine += ko ? ` (온라인만: ${onlineOnly.join(", ")})` : ` (online only for ${list(onlineOnly, locale)})`;
  if (inPersonOnly.length) countsLine += ko ? ` (집합교육만: ${inPersonOnly.join(", ")})` : ` (in person only for ${list(inPersonOnly, locale)})`;
  if (o.sharedSessions) {
    countsLine += ko
      ? ". 한 번의 집합교육을 이를 허용하는 다른 의무에도 함께 인정"
      : ". One in-person session may also count toward other duties that allow it";
  }
  lines.push(countsLine);
  return lines;
}

export function explainObligation(o: ObligationFile, courses: CourseTitles, categories: Categories): Explanation {
  return { ko: explainIn(o, courses, categories, "ko"), en: explainIn(o, courses, categories, "en") };
}
