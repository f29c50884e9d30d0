import type { ReactNode } from "react";

type FieldProps = { name: string; label: string; error?: string; hint?: string };

/** Label, hint and error around one control, with the hint and error linked to it (WCAG 3.3.1, 1.3.1). */
function Field({ name, label, error, hint, control }: FieldProps & { control: (aria: { "aria-invalid"?: true; "aria-describedby"?: string }) => ReactNode }) {
  const describedBy = [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean).join(" ");
  return (
    <div>
      <label htmlFor={name}>{label}</label>
      {hint ? <p id={`${name}-hint`} className="meta">{hint}</p> : null}
      {control({ "aria-invalid": error ? true : undefined, "aria-describedby": describedBy || undefined })}
      {error ? <p id={`${name}-error`} className="field-error">{error}</p> : null}
    </div>
  );
}

/** A labelled input (text, date, number, file, …). */
export function TextField({ name, label, error, hint, ...input }: FieldProps & React.InputHTMLAttributes<HTMLInputElement>) {
  return <Field name={name} label={label} error={error} hint={hint} control={(aria) => <input id={name} name={name} {...aria} {...input} />} />;
}

/** A labelled multi-line text box. */
export function TextAreaField({ name, label, error, hint, ...area }: FieldProps & React.TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return <Field name={name} label={label} error={error} hint={hint} control={(aria) => <textarea id={name} name={name} {...aria} {...area} />} />;
}
