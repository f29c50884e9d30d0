/**
 * The coded values of a scheduled class, in the order forms and filters list them. Client-safe:
 * the catalog's filters and the academy's form read them; every code has a label in
 * app/locales/offerings.ts (checked by codes.test.ts).
 */

/** What a class is about, for the catalog's topic filter. */
export const TOPICS = ["GENERAL", "DISABILITY", "GENDER_EQUALITY", "CHILDREN_YOUTH", "OLDER_PEOPLE", "MIGRANTS", "LABOUR", "HISTORY_TOUR", "LECTURER"] as const;
export type Topic = (typeof TOPICS)[number];

/** Seoul's 25 autonomous districts (자치구), and elsewhere. */
export const DISTRICTS = [
  "JONGNO", "JUNG", "YONGSAN", "SEONGDONG", "GWANGJIN", "DONGDAEMUN", "JUNGNANG", "SEONGBUK", "GANGBUK", "DOBONG", "NOWON", "EUNPYEONG", "SEODAEMUN",
  "MAPO", "YANGCHEON", "GANGSEO", "GURO", "GEUMCHEON", "YEONGDEUNGPO", "DONGJAK", "GWANAK", "SEOCHO", "GANGNAM", "SONGPA", "GANGDONG", "OTHER",
] as const;
export type District = (typeof DISTRICTS)[number];

/** Arrangements a class may offer. */
export const ACCESSIBILITY = ["SIGN_LANGUAGE", "CAPTIONING", "WHEELCHAIR", "EASY_READ"] as const;
export type Accessibility = (typeof ACCESSIBILITY)[number];

export const OFFERING_FORMATS = ["IN_PERSON", "LIVE_ONLINE"] as const;
export const OFFERING_AUDIENCES = ["UNITS", "ALL_STAFF", "PUBLIC"] as const;

/** The catalog's format filter: the online courses, or scheduled classes in a room or live online. */
export const CATALOG_FORMATS = ["ONLINE", "IN_PERSON", "LIVE_ONLINE"] as const;

/** The most classes one recurring action schedules (one a month). */
export const MAX_REPEAT_MONTHS = 12;
export const MAX_CAPACITY = 1000;

/** Why a registration was refused, or what came of it: the page words each. */
export const REGISTRATION_OUTCOMES = ["confirmed", "waitlisted", "alreadyRegistered", "alreadyWaitlisted", "closed", "cancelled", "started", "notEligible", "alreadyDone", "noPerson"] as const;
export type RegistrationOutcome = (typeof REGISTRATION_OUTCOMES)[number];

/** How often a class's check-in code changes, in seconds (check-in.server.ts). */
export const CHECK_IN_STEP_SECONDS = 30;
