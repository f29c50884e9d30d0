import { translator, type AppLocale } from "~/utils/i18n";
import { gradeRange, MAX_GRADE, MIN_GRADE, type ObligationFile } from "./schema";
import type { StaffCategorySource } from "./source.server";

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

/**
 * The staff categories as configured (content/staff-categories.yaml), in their order; a tree
 * without that file is read with the codes its routes name, each named by its code.
 */
export type ConfiguredCategories = ReadonlyArray<Pick<StaffCategorySource, "code" | "name" | "onRoll"> & { graded?: boolean }>;

/**
 * The names of the units a file names, by code, when they are known (content:check reads them from
 * the database when it can reach one); a unit without a name is called by its code.
 */
export type UnitNames = ReadonlyMap<string, { ko: string; en: string }>;

type Grades = { from: number; to: number };

/** "1~4급" / "grades 1–4"; "5급" / "grade 5". */
function gradesLabel(g: Grades, locale: AppLocale): string {
  if (locale === "ko") return g.from === g.to ? `${g.from}급` : `${g.from}~${g.to}급`;
  return g.from === g.to ? `grade ${g.from}` : `grades ${g.from}–${g.to}`;
}

/** The grades from MIN_GRADE to MAX_GRADE that none of the ranges holds, as ranges. */
function gradesLeft(ranges: Grades[]): Grades[] {
  const left: Grades[] = [];
  for (let g = MIN_GRADE; g <= MAX_GRADE; g++) {
    if (ranges.some((r) => r.from <= g && g <= r.to)) continue;
    const last = left.at(-1);
    if (last && last.to === g - 1) last.to = g;
    else left.push({ from: g, to: g });
  }
  return left;
}

/** The categories of the file's routes, in the configured order, once each. */
function categoriesOf(routes: Route[], configured: ConfiguredCategories): string[] {
  const named = new Set(routes.flatMap((r) => r.staffCategories));
  const order = configured.map((c) => c.code).filter((c) => named.has(c));
  return [...order, ...[...named].filter((c) => !order.includes(c))];
}

function explainIn(o: ObligationFile, courses: CourseTitles, configured: ConfiguredCategories, unitNames: UnitNames, locale: AppLocale): string[] {
  const t = translator(locale);
  const ko = locale === "ko";
  // A category by its configured name ("civil servant" in a sentence); one not configured, by its code as written.
  const category = (c: string) => {
    const name = configured.find((k) => k.code === c)?.name[locale];
    return name === undefined ? c : ko ? name : lowerFirst(name);
  };
  /** A category as one route names it: with its grades when the route names some ("1~4급 공무원", "civil servant of grades 1–4"). */
  const routed = (c: string, r: Route) => {
    const g = gradeRange(r);
    if (!g) return category(c);
    return ko ? `${gradesLabel(g, locale)} ${category(c)}` : `${category(c)} of ${gradesLabel(g, locale)}`;
  };
  const routeWho = (r: Route) => categoriesOf([r], configured).map((c) => routed(c, r));
  /** A unit by its name and code when its name is known ("인천광역시(INCHEON)", "Incheon (INCHEON)"), else by its code. */
  const unit = (code: string) => {
    const name = unitNames.get(code)?.[locale];
    return name ? (ko ? `${name}(${code})` : `${name} (${code})`) : code;
  };
  /** Units and the units under them: "A, B 및 그 하위 조직" / "A and B and the units under them". */
  const subtrees = (codes: string[]) =>
    ko ? `${codes.map(unit).join(", ")} 및 그 하위 조직` : `${list(codes.map(unit), locale)} and the units under ${codes.length === 1 ? "it" : "them"}`;
  const kind = (k: string) => (ko ? t(`oversight.kind.${k}`) : lowerFirst(t(`oversight.kind.${k}`)));
  const course = (slug: string) => {
    const title = courses.get(slug)?.[locale];
    return title ? (ko ? `「${title}」(${slug})` : `“${title}” (${slug})`) : slug;
  };
  const lines: string[] = [];

  // Who: the unit trees, the kinds of unit in them, the categories; and who is left out.
  const trees = o.audience.units?.length
    ? subtrees(o.audience.units)
    : ko
      ? "조직도 전체(최상위 조직이 하나일 때만)"
      : "the whole organization tree (only while the database holds one)";
  // The subtrees left out inside them (audience.except).
  const excluded = o.audience.except?.length ? subtrees(o.audience.except) : null;
  const cats = categoriesOf(o.routes, configured);
  const kinds = o.audience.unitKinds.map(kind);
  // Left out: the categories on the personnel roll that no route names, and the grades of a graded
  // category that its routes leave out (people with no grade recorded among them).
  const left = configured.filter((c) => c.onRoll !== false && !cats.includes(c.code)).map((c) => category(c.code));
  for (const c of cats) {
    const mine = o.routes.filter((r) => r.staffCategories.includes(c));
    if (mine.some((r) => !r.grades)) continue;
    const gaps = gradesLeft(mine.map((r) => gradeRange(r)!));
    const labels = gaps.map((g) => gradesLabel(g, locale));
    left.push(
      ko
        ? `${labels.length ? `${labels.join(", ")} 및 ` : ""}급이 기록되지 않은 ${category(c)}`
        : `${category(c)}${labels.length ? ` of ${list(labels, locale, "or")} or` : ""} with no grade recorded`,
    );
  }
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
      ? `${trees}${excluded ? `(${excluded} 제외)` : ""} 소속 전원${left.length ? `(${left.join(", ")} 제외)` : ""}, ${rhythm}`
      : `everyone in ${trees}${excluded ? ` except ${excluded}` : ""}${left.length ? `${excluded ? ", and" : ""} except ${list(left, locale)}` : ""}, ${rhythm}`,
  );
  if (ko) {
    lines.push(
      `누가: ${trees}${excluded ? `(${excluded} 제외)` : ""}의 ${kinds.join("·")} 단위에 소속된 ${cats.map(category).join(", ")} 전원` +
        (left.length ? ` (${left.join(", ")} 제외)` : ""),
    );
  } else {
    lines.push(
      `Who: everyone in ${trees}${excluded ? `, except ${excluded}` : ""}, in units of kind ${list(kinds, locale, "or")}, who is a ${list(cats.map(category), locale, "or")}` +
        (left.length ? `; except ${list(left, locale)}` : ""),
    );
  }

  // What: which course each audience takes, per half for half-year duties.
  const periods: Array<"" | "H1" | "H2"> = o.cycle === "half_year" ? ["H1", "H2"] : [""];
  const what = periods.map((p) => {
    const routes = o.routes.filter((r) => !p || !r.period || r.period === p);
    const parts = routes.map((r) => {
      const everyone = !r.grades && categoriesOf([r], configured).length === cats.length;
      const who = everyone ? [ko ? "대상 전원" : "everyone above"] : routeWho(r);
      return ko ? `${who.join(", ")}: ${course(r.course)}` : `${course(r.course)} for ${everyone ? who[0] : `each ${list(who, locale, "or")}`}`;
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
      : o.routes.map((r) => `${amount(r.minMinutes ?? 0)} (${routeWho(r).join(", ")})`).join("; ");
  const share = o.inPersonShare;
  const target =
    share === undefined
      ? ""
      : ko
        ? `; 기관마다 주기별 이수자의 ${share}% 이상은 집합교육으로 이수 (감독 보고서에서 확인)`
        : `; in each institution, at least ${share}% of a cycle's completions in person (checked in the oversight return)`;
  lines.push(`${ko ? "얼마나" : "How much"}: ${much}${target}`);

  // What counts: online, in person, an equivalent course elsewhere; a shared session.
  const online = o.routes.some((r) => !r.modes || r.modes.includes("online"));
  const inPerson = o.routes.some((r) => !r.modes || r.modes.includes("in_person"));
  const onlyIn = (mode: "online" | "in_person") =>
    o.routes.filter((r) => r.modes && r.modes.length === 1 && r.modes[0] === mode).flatMap(routeWho);
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

export function explainObligation(o: ObligationFile, courses: CourseTitles, categories: ConfiguredCategories, units: UnitNames = new Map()): Explanation {
  return { ko: explainIn(o, courses, categories, units, "ko"), en: explainIn(o, courses, categories, units, "en") };
}
