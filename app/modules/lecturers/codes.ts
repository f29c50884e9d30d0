/**
 * The coded values of the citizen lecturer programme, in the order forms and filters list them.
 * Client-safe. Districts and accessibility arrangements are the academy's own
 * (offerings/codes.ts): a lecturer's district and a request's district filter the same way.
 */
export { ACCESSIBILITY, DISTRICTS } from "~/modules/offerings/codes";

/** The fields a round recruits for, an applicant offers, a lecturer publishes and a request needs. */
export const LECTURER_FIELDS = ["GENERAL", "CHILDREN_YOUTH", "DISABILITY", "MIGRANTS", "LABOUR", "GENDER_EQUALITY", "OLDER_PEOPLE", "PUBLIC_SERVICE"] as const;
export type LecturerField = (typeof LECTURER_FIELDS)[number];

/** Languages a lecturer can teach in. */
export const LECTURER_LANGUAGES = ["KO", "EN", "KSL", "ZH", "VI", "JA", "RU", "MN"] as const;
export type LecturerLanguage = (typeof LECTURER_LANGUAGES)[number];

/** Who may ask for a lecture. */
export const REQUESTER_KINDS = ["PUBLIC_BODY", "COMPANY", "FACILITY", "GROUP"] as const;
export type RequesterKind = (typeof REQUESTER_KINDS)[number];

/** An appointment's term unless the academy says otherwise, and what renewal asks. */
export const APPOINTMENT_TERM_YEARS = 2;
/** Continuing education a lecturer completes within a term to be renewed. */
export const RENEWAL_CONTINUING_HOURS = 8;
/** Days before a term ends that the lecturer is told. */
export const APPOINTMENT_ENDING_NOTICE_DAYS = 30;
/** Days a trainee who failed the practicum waits before the one retake. */
export const PRACTICUM_RETAKE_WAIT_DAYS = 28;
/** The practicum attempts allowed: the first and one retake. */
export const PRACTICUM_MAX_ATTEMPTS = 2;
/** Screening totals of two reviewers further apart than this (points out of 100) are flagged. */
export const SCREENING_DIVERGENCE_POINTS = 20;

/** The version of the privacy notice an applicant consents to; the round's retention is recorded beside it. */
export const LECTURER_CONSENT_VERSION = "lecturer-application-2026-12";
/** The longest a round may keep its applications, in months. */
export const MAX_RETENTION_MONTHS = 120;
/** The shortest reason a decision on an application is given with. */
export const MIN_DECISION_REASON = 5;

/** Why an application was refused, or a review or decision: the pages word each (app/locales/lecturers.ts). */
export const DECISIONS = ["accept", "reject"] as const;
export type Decision = (typeof DECISIONS)[number];
