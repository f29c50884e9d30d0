import { TIME_ZONE, type AppLocale } from "~/utils/i18n";

const formats = new Map<AppLocale, Intl.DateTimeFormat>();

/** A moment a few hours or days ahead, in Seoul: "12월 6일 10:00", "6 December at 10:00". */
export function formatMonthDayTime(date: Date | string, locale: AppLocale): string {
  let format = formats.get(locale);
  if (!format) {
    format = new Intl.DateTimeFormat(locale === "ko" ? "ko-KR" : "en-GB", {
      timeZone: TIME_ZONE,
      month: "long",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      hourCycle: "h23",
    });
    formats.set(locale, format);
  }
  return format.format(typeof date === "string" ? new Date(date) : date);
}
