import { useState } from "react";
import { useTranslation } from "react-i18next";
import { DEFAULT_VIEW_PURPOSE, PURPOSE_NOTE_MAX, PURPOSES, type PurposeError } from "~/modules/audit/purpose";

/**
 * The "why" of a report view or download: a purpose chosen from the list and
 * a note, required for "Other". A download must choose (no preselected
 * answer); a view is routine monitoring unless the reader says otherwise.
 */
export function PurposeFields({
  idPrefix,
  mode,
  defaultPurpose,
  defaultNote,
  error,
}: {
  idPrefix: string;
  mode: "view" | "download";
  defaultPurpose?: string | null;
  defaultNote?: string | null;
  error?: PurposeError | null;
}) {
  const { t } = useTranslation();
  // Uncontrolled, so a choice made before the page hydrates is kept; the state only makes the note required for "Other".
  const [purpose, setPurpose] = useState(defaultPurpose ?? (mode === "view" ? DEFAULT_VIEW_PURPOSE : ""));
  const selectId = `${idPrefix}-purpose`;
  const noteId = `${idPrefix}-note`;
  const errorId = `${idPrefix}-purpose-error`;
  const purposeError = error === "purpose-required";
  const noteError = error === "note-required" || error === "note-too-long";
  return (
    <>
      <div>
        <label htmlFor={selectId}>{t("purpose.label")}</label>
        <select
          id={selectId}
          name="purpose"
          defaultValue={purpose}
          onChange={(e) => setPurpose(e.target.value)}
          required={mode === "download"}
          aria-invalid={purposeError || undefined}
          aria-describedby={purposeError ? errorId : undefined}
        >
          {mode === "download" ? <option value="">{t("purpose.choose")}</option> : null}
          {PURPOSES.map((p) => (
            <option key={p} value={p}>{t(`purpose.option.${p}`)}</option>
          ))}
        </select>
        {purposeError ? <p id={errorId} className="field-error">{t(`purpose.error.${error}`)}</p> : null}
      </div>
      <div className="note-field">
        <label htmlFor={noteId}>{t("purpose.note")}</label>
        <input
          id={noteId}
          name="purposeNote"
          type="text"
          maxLength={PURPOSE_NOTE_MAX}
          defaultValue={defaultNote ?? ""}
          required={purpose === "OTHER"}
          aria-invalid={noteError || undefined}
          aria-describedby={`${noteId}-hint${noteError ? ` ${errorId}` : ""}`}
        />
        <p id={`${noteId}-hint`} className="meta">{t("purpose.noteHint")}</p>
        {noteError ? <p id={errorId} className="field-error">{t(`purpose.error.${error}`)}</p> : null}
      </div>
    </>
  );
}
