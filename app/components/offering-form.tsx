import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TextAreaField, TextField } from "~/components/text-field";
import { ACCESSIBILITY, DISTRICTS, MAX_CAPACITY, MAX_REPEAT_MONTHS, OFFERING_AUDIENCES, OFFERING_FORMATS, TOPICS } from "~/modules/offerings/codes";
import { pick, type AppLocale } from "~/utils/i18n";

export interface OfferingFormValues {
  countsToward?: string;
  titleKo?: string;
  titleEn?: string;
  descriptionKo?: string;
  descriptionEn?: string;
  topic?: string;
  format?: string;
  date?: string;
  startTime?: string;
  endTime?: string;
  place?: string;
  district?: string;
  directionsKo?: string;
  directionsEn?: string;
  onlineUrl?: string;
  lecturerUserIds?: string[];
  lecturerNames?: string;
  capacity?: string | number;
  audience?: string;
  audienceUnitCodes?: string;
  registrationClosesAt?: string;
  cancellationClosesAt?: string;
  accessibility?: string[];
  repeatMonths?: string | number;
}

export interface OfferingFormOptions {
  courses: Array<{ id: string; titleKo: string; titleEn: string; edition: string | null }>;
  obligations: Array<{ id: string; titleKo: string; titleEn: string }>;
  lecturers: Array<{ id: string; displayName: string; email: string }>;
}

/** The academy's form for a class: scheduling one (with what it counts toward and how often) or changing one. */
export function OfferingForm({ mode, values: v = {}, errors = {}, options, busy }: {
  mode: "new" | "edit";
  values?: OfferingFormValues;
  errors?: Partial<Record<string, string>>;
  options: OfferingFormOptions;
  busy: boolean;
}) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const f = (k: string) => t(`offerings.admin.fields.${k}`);
  const err = (k: string) => errors[k];
  const described = (k: string) => (err(k) ? `${k}-error` : undefined);
  const select = (name: string, choices: readonly string[], label: (c: string) => string, value?: string) => (
    <div>
      <label htmlFor={name}>{f(name)}</label>
      <select id={name} name={name} defaultValue={value ?? ""} aria-invalid={err(name) ? true : undefined} aria-describedby={described(name)} required>
        <option value="">{f("choose")}</option>
        {choices.map((c) => <option key={c} value={c}>{label(c)}</option>)}
      </select>
      {err(name) ? <p id={`${name}-error`} className="field-error">{err(name)}</p> : null}
    </div>
  );
  return (
    <Form method="post" className="stack offering-form" noValidate>
      <input type="hidden" name="intent" value={mode === "new" ? "schedule" : "edit"} />
      {mode === "new" ? (
        <div>
          <label htmlFor="countsToward">{f("countsToward")}</label>
          <p id="countsToward-hint" className="meta">{f("countsHint")}</p>
          <select id="countsToward" name="countsToward" defaultValue={v.countsToward ?? ""} required aria-invalid={err("countsToward") ? true : undefined} aria-describedby={["countsToward-hint", described("countsToward")].filter(Boolean).join(" ")}>
            <option value="">{f("choose")}</option>
            {options.obligations.map((o) => <option key={o.id} value={`obligation:${o.id}`}>{t("offerings.admin.fields.obligation", { title: pick(locale, o.titleKo, o.titleEn) })}</option>)}
            {options.courses.map((c) => <option key={c.id} value={`course:${c.id}`}>{t("offerings.admin.fields.course", { title: `${pick(locale, c.titleKo, c.titleEn)}${c.edition ? ` (${c.edition})` : ""}` })}</option>)}
          </select>
          {err("countsToward") ? <p id="countsToward-error" className="field-error">{err("countsToward")}</p> : null}
        </div>
      ) : null}
      <TextField name="titleKo" label={f("titleKo")} error={err("titleKo")} defaultValue={v.titleKo} maxLength={200} required lang="ko" />
      <TextField name="titleEn" label={f("titleEn")} error={err("titleEn")} defaultValue={v.titleEn} maxLength={200} required lang="en" />
      <TextAreaField name="descriptionKo" label={f("descriptionKo")} error={err("descriptionKo")} defaultValue={v.descriptionKo} maxLength={2000} rows={3} lang="ko" />
      <TextAreaField name="descriptionEn" label={f("descriptionEn")} error={err("descriptionEn")} defaultValue={v.descriptionEn} maxLength={2000} rows={3} lang="en" />
      <div className="form-grid">
        {select("topic", TOPICS, (c) => t(`offerings.topic.${c}`), v.topic)}
        {select("format", OFFERING_FORMATS, (c) => t(`offerings.format.${c}`), v.format ?? "IN_PERSON")}
      </div>
      <div className="form-grid">
        <TextField name="date" type="date" label={f("date")} error={err("date")} defaultValue={v.date} required />
        <TextField name="startTime" type="time" label={f("startTime")} hint={f("timeHint")} error={err("startTime")} defaultValue={v.startTime ?? "14:00"} required />
        <TextField name="endTime" type="time" label={f("endTime")} error={err("endTime")} defaultValue={v.endTime ?? "16:00"} required />
      </div>
      <TextField name="place" label={f("place")} error={err("place")} defaultValue={v.place} maxLength={300} />
      <div>
        <label htmlFor="district">{f("district")}</label>
        <select id="district" name="district" defaultValue={v.district ?? ""} aria-invalid={err("district") ? true : undefined} aria-describedby={described("district")}>
          <option value="">{f("none")}</option>
          {DISTRICTS.map((c) => <option key={c} value={c}>{t(`offerings.district.${c}`)}</option>)}
        </select>
        {err("district") ? <p id="district-error" className="field-error">{err("district")}</p> : null}
      </div>
      <TextAreaField name="directionsKo" label={f("directionsKo")} error={err("directionsKo")} defaultValue={v.directionsKo} maxLength={2000} rows={2} lang="ko" />
      <TextAreaField name="directionsEn" label={f("directionsEn")} error={err("directionsEn")} defaultValue={v.directionsEn} maxLength={2000} rows={2} lang="en" />
      <TextField name="onlineUrl" type="url" label={f("onlineUrl")} error={err("onlineUrl")} defaultValue={v.onlineUrl} maxLength={500} />
      <fieldset className="choices" aria-describedby={described("lecturerUserIds")}>
        <legend>{f("lecturerUserIds")}</legend>
        {err("lecturerUserIds") ? <p id="lecturerUserIds-error" className="field-error">{err("lecturerUserIds")}</p> : null}
        {options.lecturers.length === 0 ? <p className="meta">{f("noLecturers")}</p> : null}
        {options.lecturers.map((l) => (
          <label key={l.id} className="option">
            <input type="checkbox" name="lecturerUserIds" value={l.id} defaultChecked={v.lecturerUserIds?.includes(l.id)} />
            <span>{l.displayName} ({l.email})</span>
          </label>
        ))}
      </fieldset>
      <TextField name="lecturerNames" label={f("lecturerNames")} error={err("lecturerNames")} defaultValue={v.lecturerNames} maxLength={300} />
      <div className="form-grid">
        <TextField name="capacity" type="number" inputMode="numeric" min={1} max={MAX_CAPACITY} label={f("capacity")} error={err("capacity")} defaultValue={v.capacity} required />
        {mode === "new" ? (
          <TextField name="repeatMonths" type="number" inputMode="numeric" min={1} max={MAX_REPEAT_MONTHS} label={f("repeatMonths")} hint={f("repeatHint")} error={err("repeatMonths")} defaultValue={v.repeatMonths ?? 1} />
        ) : null}
      </div>
      <fieldset className="choices" aria-describedby={described("audience")}>
        <legend>{f("audience")}</legend>
        {err("audience") ? <p id="audience-error" className="field-error">{err("audience")}</p> : null}
        {OFFERING_AUDIENCES.map((a) => (
          <label key={a} className="option">
            <input type="radio" name="audience" value={a} defaultChecked={(v.audience ?? "ALL_STAFF") === a} />
            <span>{t(`offerings.audience.${a}`)}</span>
          </label>
        ))}
      </fieldset>
      <TextField name="audienceUnitCodes" label={f("audienceUnitCodes")} hint={f("audienceUnitHint")} error={err("audienceUnitCodes")} defaultValue={v.audienceUnitCodes} maxLength={2000} />
      <div className="form-grid">
        <TextField name="registrationClosesAt" type="datetime-local" label={f("registrationClosesAt")} hint={f("timeHint")} error={err("registrationClosesAt")} defaultValue={v.registrationClosesAt} required />
        <TextField name="cancellationClosesAt" type="datetime-local" label={f("cancellationClosesAt")} hint={f("timeHint")} error={err("cancellationClosesAt")} defaultValue={v.cancellationClosesAt} required />
      </div>
      <fieldset className="choices">
        <legend>{f("accessibility")}</legend>
        {ACCESSIBILITY.map((a) => (
          <label key={a} className="option">
            <input type="checkbox" name="accessibility" value={a} defaultChecked={v.accessibility?.includes(a)} />
            <span>{t(`offerings.accessibility.${a}`)}</span>
          </label>
        ))}
      </fieldset>
      <div><button type="submit" className="primary" disabled={busy}>{t(mode === "new" ? "offerings.admin.submitNew" : "offerings.admin.submitEdit")}</button></div>
    </Form>
  );
}
