import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ACCESSIBILITY, DISTRICTS, LECTURER_FIELDS, LECTURER_LANGUAGES } from "./codes";
import { TextAreaField, TextField } from "~/components/text-field";

export interface ProfilePanelData {
  publicName: string;
  fields: string[];
  districts: string[];
  languages: string[];
  accessibility: string[];
  bioKo: string;
  bioEn: string;
  published: boolean;
}

function Choices({ name, legend, codes, label, chosen, error }: { name: string; legend: string; codes: readonly string[]; label: (c: string) => string; chosen: string[]; error?: string }) {
  return (
    <fieldset className="choices" aria-describedby={error ? `${name}-error` : undefined}>
      <legend>{legend}</legend>
      {error ? <p id={`${name}-error`} className="field-error">{error}</p> : null}
      {codes.map((c) => (
        <label key={c} className="option">
          <input type="checkbox" name={name} value={c} defaultChecked={chosen.includes(c)} />
          <span>{label(c)}</span>
        </label>
      ))}
    </fieldset>
  );
}

/**
 * The lecturer's directory profile form: what the directory may show, and whether to be listed.
 * A part of the lecturer's own page; it posts intent "profile" to the page it is on.
 */
export function ProfilePanel({ profile, errors = {} }: { profile: ProfilePanelData; errors?: Record<string, string> }) {
  const { t } = useTranslation();
  const f = (k: string) => t(`lecturerPracticum.profile.${k}`);
  return (
    <Form method="post" className="stack wide" noValidate>
      <input type="hidden" name="intent" value="profile" />
      <TextField name="publicName" label={f("publicName")} defaultValue={profile.publicName} error={errors.publicName} maxLength={60} required />
      <Choices name="fields" legend={f("fields")} codes={LECTURER_FIELDS} label={(c) => t(`lecturerPracticum.field.${c}`)} chosen={profile.fields} error={errors.fields} />
      <Choices name="languages" legend={f("languages")} codes={LECTURER_LANGUAGES} label={(c) => t(`lecturerPracticum.language.${c}`)} chosen={profile.languages} error={errors.languages} />
      <Choices name="districts" legend={f("districts")} codes={DISTRICTS} label={(c) => t(`offerings.district.${c}`)} chosen={profile.districts} error={errors.districts} />
      <Choices name="accessibility" legend={f("accessibility")} codes={ACCESSIBILITY} label={(c) => t(`offerings.accessibility.${c}`)} chosen={profile.accessibility} error={errors.accessibility} />
      <TextAreaField name="bioKo" label={f("bioKo")} hint={f("bioHint")} defaultValue={profile.bioKo} error={errors.bioKo} rows={4} maxLength={600} />
      <TextAreaField name="bioEn" label={f("bioEn")} hint={f("bioHint")} defaultValue={profile.bioEn} error={errors.bioEn} rows={4} maxLength={600} />
      <label className="option">
        <input type="checkbox" name="published" defaultChecked={profile.published} />
        <span>{f("published")}</span>
      </label>
      <p><button type="submit" className="primary">{f("save")}</button></p>
    </Form>
  );
}
