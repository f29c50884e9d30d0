/**
 * The limits of a lecture request and the duty a requested lecture counts toward (ADR 035).
 * Client-safe: the public form shows the limits in its hints.
 */
import { TOPICS } from "~/modules/offerings/codes";

/** The topics one can ask a lecture about: everything the academy teaches but its own lecturer training. */
export const REQUEST_TOPICS = TOPICS.filter((t) => t !== "LECTURER");

/** A request's states, in the order the academy's filter lists them. */
export const REQUEST_STATUSES = ["RECEIVED", "OFFERED", "SCHEDULED", "CANCELLED"] as const;

export const AUDIENCE_MIN = 5;
export const AUDIENCE_MAX = 300;
export const DURATION_MIN = 30;
export const DURATION_MAX = 480;
/** How far ahead a request's latest end may lie. */
export const WINDOW_MAX_DAYS = 365;

/** Why the academy's offer was refused, or a lecturer's answer: the pages word each. */
export const OFFER_PROBLEMS = ["notFound", "closed", "start", "outsideWindow", "past", "notLecturer", "busy", "alreadyOffered", "notOffered"] as const;
export type OfferProblem = (typeof OFFER_PROBLEMS)[number];
export const ANSWER_PROBLEMS = ["notFound", "closed", "started", "overlap", "reason", "notLecturer"] as const;
export type AnswerProblem = (typeof ANSWER_PROBLEMS)[number];

/**
 * The duty a requested lecture counts toward, by its topic: a disability rights lecture counts
 * toward the city's disability rights duty, every other topic toward the annual human rights duty.
 * Codes of content/obligations; a duty that is not loaded counts for nothing.
 */
export function dutyForTopic(topic: string): string {
  return topic === "DISABILITY" ? "disability-rights" : "annual-human-rights";
}

/** Hours as the activity statement shows them: two decimals at most. */
export function hoursOf(minutes: number): number {
  return Math.round((minutes / 60) * 100) / 100;
}

/** The close reason of a request whose window ended before a lecturer accepted it. */
export const EXPIRED = "expired";
