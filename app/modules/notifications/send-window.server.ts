import * as gazette from "@hyunbinseo/holidays-kr/all";
import { getEnv } from "~/utils/env.server";

/**
 * When mail that can wait may go out: office hours (SEND_WINDOW) on working
 * days (SEND_WEEKDAYS) in Seoul, never on a public holiday. National holidays,
 * lunar ones and substitute days included, come from the government's
 * published calendar as packaged by @hyunbinseo/holidays-kr (one preset per
 * year); a city adds its own days off with EXTRA_HOLIDAYS. Mail a person is
 * waiting for right now (a password reset, an invitation) does not wait.
 */

export interface SendWindow {
  /** Minutes after midnight, Seoul: from inclusive, to exclusive. */
  from: number;
  to: number;
  /** ISO weekdays, 1 = Monday. */
  weekdays: Set<number>;
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Korea keeps no summer time: the Seoul wall clock is UTC plus nine hours. */
const SEOUL_OFFSET = 9 * HOUR;

export function sendWindow(): SendWindow {
  const env = getEnv();
  const [from, to] = env.SEND_WINDOW.split("-").map((hm) => {
    const [h, m] = hm.split(":").map(Number);
    return h! * 60 + m!;
  });
  return { from: from!, to: to!, weekdays: new Set(env.SEND_WEEKDAYS.split(",").map(Number)) };
}

const presets = new Map<number, Record<string, readonly string[]>>(
  Object.entries(gazette).map(([name, days]) => [Number(name.slice(1)), days as Record<string, readonly string[]>]),
);
const warnedYears = new Set<number>();

/** The names of the holidays on a Seoul day (YYYY-MM-DD), or null on a working day. */
export function holidayNames(day: string): string[] | null {
  const extra = getEnv().EXTRA_HOLIDAYS;
  if (extra.includes(day)) return ["EXTRA_HOLIDAYS"];
  const year = Number(day.slice(0, 4));
  const preset = presets.get(year);
  if (!preset) {
    // A year the packaged calendar does not cover yet: weekends still hold, and operators are told once.
    if (!warnedYears.has(year)) {
      warnedYears.add(year);
      console.warn(`[send-window] no public holiday calendar for ${year}: update @hyunbinseo/holidays-kr or list the days in EXTRA_HOLIDAYS`);
    }
    return null;
  }
  const names = preset[day];
  return names ? [...names] : null;
}

function seoulParts(at: Date) {
  const wall = new Date(at.getTime() + SEOUL_OFFSET);
  return {
    day: wall.toISOString().slice(0, 10),
    weekday: wall.getUTCDay() === 0 ? 7 : wall.getUTCDay(),
    minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes(),
  };
}

function isWorkingDay(day: string, weekday: number, window: SendWindow): boolean {
  return window.weekdays.has(weekday) && holidayNames(day) === null;
}

/** Whether mail that can wait may go out at this moment. */
export function inSendWindow(at: Date, window: SendWindow = sendWindow()): boolean {
  const { day, weekday, minutes } = seoulParts(at);
  return minutes >= window.from && minutes < window.to && isWorkingDay(day, weekday, window);
}

/** The first moment at or after `at` when mail that can wait may go out (within the next year). */
export function nextSendMoment(at: Date, window: SendWindow = sendWindow()): Date {
  if (inSendWindow(at, window)) return at;
  const { day, minutes } = seoulParts(at);
  const midnight = Date.parse(`${day}T00:00:00+09:00`);
  // Later today if the window has not opened yet, else the opening of the next working day.
  for (let d = minutes < window.from ? 0 : 1; d <= 366; d++) {
    const opening = new Date(midnight + d * DAY + window.from * 60_000);
    const parts = seoulParts(opening);
    if (isWorkingDay(parts.day, parts.weekday, window)) return opening;
  }
  throw new Error("SEND_WINDOW and SEND_WEEKDAYS leave no working day in a year");
}
