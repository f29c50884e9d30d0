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

/**
 * What a submission achieved: announced politely, and focused when it
 * arrives so the next Tab starts from it. Nothing is rendered without a message.
 */
export function FormStatus({ message }: { message?: string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  if (!message) return null;
  return (
    <div className="notice" role="status" tabIndex={-1} ref={ref}>
      {message}
    </div>
  );
}
