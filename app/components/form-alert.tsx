import { useEffect, useRef } from "react";

/**
 * The form-level error a submission brought back: announced as an alert, and
 * focused each time a submission returns one, so a keyboard or screen reader
 * user starts from what went wrong.
 */
export function FormAlert({ result }: { result?: { formError?: string } | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (result?.formError) ref.current?.focus();
  }, [result]);
  if (!result?.formError) return null;
  return (
    <div className="alert" role="alert" tabIndex={-1} ref={ref}>
      {result.formError}
    </div>
  );
}
