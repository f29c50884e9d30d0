import { plainText } from "~/utils/text";

/**
 * Why someone opens or downloads a report: the "why" of the access log.
 * Shared by the forms (the list of choices) and the server (the check), so
 * this file holds no server code.
 */
export const PURPOSES = [
  "ROUTINE_MONITORING",
  "OVERSIGHT_SUBMISSION",
  "AUDIT_REQUEST",
  "PERSONNEL_DECISION",
  "OTHER",
] as const;

export type Purpose = (typeof PURPOSES)[number];

export const DEFAULT_VIEW_PURPOSE: Purpose = "ROUTINE_MONITORING";

/**
 * What a report page passes on to the pages it links to, as "&…" (or ""): the
 * day it is read as of, and the reader's declared purpose (its access id), so
 * the next view is read the same way and logged with the same why.
 */
export function carriedViewQuery(view: { asOf: string | null; accessId: string | null }): string {
  const q = new URLSearchParams();
  if (view.asOf) q.set("asOf", view.asOf);
  if (view.accessId) q.set("access", view.accessId);
  const query = q.toString();
  return query ? `&${query}` : "";
}

/** A note longer than this is refused rather than cut, so what is logged is what was written. */
export const PURPOSE_NOTE_MAX = 300;

export type PurposeError = "purpose-required" | "note-required" | "note-too-long";

export type PurposeResult = { ok: true; purpose: Purpose; note: string | null } | { ok: false; error: PurposeError };

export function isPurpose(value: unknown): value is Purpose {
  return typeof value === "string" && (PURPOSES as readonly string[]).includes(value);
}

/**
 * The purpose and note from a submitted form or query string. "Other" needs a
 * note that says what the other purpose is; any other choice may carry one.
 */
export function parsePurpose(fields: { get(name: string): FormDataEntryValue | null }, fallback: Purpose | null = null): PurposeResult {
  const raw = fields.get("purpose");
  const noteRaw = fields.get("purposeNote");
  const note = typeof noteRaw === "string" ? plainText(noteRaw).replace(/\s+/g, " ") : "";
  const chosen = raw === null || raw === "" ? fallback : raw;
  if (!isPurpose(chosen)) return { ok: false, error: "purpose-required" };
  if (note.length > PURPOSE_NOTE_MAX) return { ok: false, error: "note-too-long" };
  if (chosen === "OTHER" && note.length < 2) return { ok: false, error: "note-required" };
  return { ok: true, purpose: chosen, note: note || null };
}
