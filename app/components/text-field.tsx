/** A labelled input with its error announced and linked (WCAG 3.3.1, 1.3.1). */
export function TextField({
  name,
  label,
  error,
  hint,
  ...input
}: { name: string; label: string; error?: string; hint?: string } & React.InputHTMLAttributes<HTMLInputElement>) {
  const describedBy = [hint ? `${name}-hint` : null, error ? `${name}-error` : null].filter(Boolean).join(" ");
  return (
    <div>
      <label htmlFor={name}>{label}</label>
      {hint ? <p id={`${name}-hint`} className="meta">{hint}</p> : null}
      <input
        id={name}
        name={name}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...input}
      />
      {error ? <p id={`${name}-error`} className="field-error">{error}</p> : null}
    </div>
  );
}
