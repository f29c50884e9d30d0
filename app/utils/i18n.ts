import i18next, { type i18n as I18n } from "i18next";
import { initReactI18next } from "react-i18next";
import { en } from "~/locales/en";
import { ko } from "~/locales/ko";

export const LOCALES = ["ko", "en"] as const;
export type AppLocale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = "ko";
export const TIME_ZONE = "Asia/Seoul";

export function isLocale(value: unknown): value is AppLocale {
  return typeof value === "string" && (LOCALES as readonly string[]).includes(value);
}

const serverInstances = new Map<AppLocale, I18n>();

/**
 * A synchronous i18next instance for one locale; used on the server and in the browser. The server
 * keeps one per locale (the catalogs never change while it runs, and an instance never changes its
 * language): building one, with its plural rules, on every page cost more than rendering the page.
 */
export function createI18n(locale: AppLocale): I18n {
  if (typeof document !== "undefined") return newI18n(locale);
  let instance = serverInstances.get(locale);
  if (!instance) serverInstances.set(locale, (instance = newI18n(locale)));
  return instance;
}

function newI18n(locale: AppLocale): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: locale,
    fallbackLng: false,
    resources: { ko: { translation: ko }, en: { translation: en } },
    interpolation: { escapeValue: false },
    initAsync: false,
    returnNull: false,
    showSupportNotice: false,
  });
  return instance;
}

const translators = new Map<AppLocale, I18n["t"]>();

/**
 * Server-side translate function for mail, PDFs and error messages: one per
 * locale, made once (building an instance costs far more than translating,
 * and a batch of mail translates for every message).
 */
export function translator(locale: AppLocale): I18n["t"] {
  const known = translators.get(locale);
  if (known) return known;
  const t = createI18n(locale).t;
  translators.set(locale, t);
  return t;
}

const dateFormats = new Map<string, Intl.DateTimeFormat>();
// What a minute was written as, per locale and shape: an export writes the same deadline on every row.
const formatted = new Map<string, string>();

export function formatDate(date: Date | string, locale: AppLocale, withTime = false): string {
  const d = typeof date === "string" ? new Date(date) : date;
  const minute = Math.floor(d.getTime() / 60_000);
  const memo = `${locale}:${withTime}:${minute}`;
  const known = formatted.get(memo);
  if (known !== undefined) return known;
  if (formatted.size >= 50_000) formatted.clear();
  const text = dateFormat(locale, withTime).format(d);
  if (!Number.isNaN(minute)) formatted.set(memo, text);
  return text;
}

type DateShape = "date" | "dateTime" | "monthDayTime";

function dateFormat(locale: AppLocale, shape: DateShape | boolean): Intl.DateTimeFormat {
  const kind: DateShape = shape === true ? "dateTime" : shape === false ? "date" : shape;
  // One formatter per locale and shape: building one costs far more than using it (an export formats a million dates).
  const key = `${locale}:${kind}`;
  let format = dateFormats.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === "ko" ? "ko-KR" : "en-GB", {
      timeZone: TIME_ZONE,
      ...(kind === "monthDayTime" ? {} : { year: "numeric" as const }),
      month: "long",
      day: "numeric",
      // 24-hour time: Node and browsers disagree on how to write "PM" in Korean, which would break hydration.
      ...(kind !== "date" ? { hour: "2-digit" as const, minute: "2-digit" as const, hourCycle: "h23" as const } : {}),
    });
    dateFormats.set(key, format);
  }
  return format;
}

/** A moment a few hours or days ahead, in Seoul: "12월 6일 10:00", "6 December at 10:00". */
export function formatMonthDayTime(date: Date | string, locale: AppLocale): string {
  return dateFormat(locale, "monthDayTime").format(typeof date === "string" ? new Date(date) : date);
}

/** Pick the Korean or English variant of a bilingual field pair. */
export function pick<T>(locale: AppLocale, ko: T, en: T): T {
  return locale === "en" ? en : ko;
}

/** Whether a string is a real calendar day written YYYY-MM-DD (not 2026-02-30). */
export function isDateKey(value: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

/** The first moment of a Seoul calendar day (YYYY-MM-DD). Korea keeps no summer time. */
export function seoulDayStart(day: string): Date {
  return new Date(`${day}T00:00:00+09:00`);
}

/** The last moment of a Seoul calendar day: a deadline on that day, or "as of" that day. */
export function seoulDayEnd(day: string): Date {
  return new Date(`${day}T23:59:59.999+09:00`);
}

/** The calendar day in Seoul of a moment, as YYYY-MM-DD: the form dates are entered and compared in. */
// Building a formatter costs far more than using it, and every page asks for today's date in Seoul.
const dayKeyFormat = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE });

export function seoulDateKey(date: Date): string {
  return dayKeyFormat.format(date);
}

/** The calendar year in Seoul of a moment. */
export function seoulYear(date: Date): number {
  return Number(seoulDateKey(date).slice(0, 4));
}
