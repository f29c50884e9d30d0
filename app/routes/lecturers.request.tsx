import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getCurrentSession } from "~/modules/auth/session.server";
import { createLectureRequest, requestInputFromForm, type RequestInput } from "~/modules/lecturers/requests.server";
import { AUDIENCE_MAX, AUDIENCE_MIN, DURATION_MAX, DURATION_MIN, REQUEST_TOPICS } from "~/modules/lecturers/request-codes";
import { LECTURER_FIELDS, REQUESTER_KINDS } from "~/modules/lecturers/codes";
import { ACCESSIBILITY, DISTRICTS } from "~/modules/offerings/codes";
import { clientIp } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { TextAreaField, TextField } from "~/components/text-field";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "시민인권강사 강의 신청", "Request a lecture");

/** Open to anyone; a signed-in account's name and address are filled in. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const session = await getCurrentSession(request, context);
  return { prefill: session ? { contactName: session.user.displayName, contactEmail: session.user.email } : null };
}

type ActionData = { sent?: true; formError?: string; fieldErrors?: Record<string, string>; values?: RequestInput };

export async function action({ request, context }: ActionFunctionArgs) {
  const session = await getCurrentSession(request, context);
  const { t, locale } = requestTranslator(request, session?.user.locale);
  const values = requestInputFromForm(await request.formData());
  const result = await createLectureRequest(values, { userId: session?.userId ?? null, ip: clientIp(context), locale });
  if (result.ok) return { sent: true } satisfies ActionData;
  if ("throttled" in result) return Response.json({ formError: t("lectureRequests.error.throttled"), values } satisfies ActionData, { status: 429 });
  const limits = { min: 0, max: 0 };
  const fieldErrors = Object.fromEntries(
    Object.entries(result.errors).map(([field, code]) => {
      if (code === "size") Object.assign(limits, { min: AUDIENCE_MIN, max: AUDIENCE_MAX });
      if (code === "duration") Object.assign(limits, { min: DURATION_MIN, max: DURATION_MAX });
      return [field, t(`lectureRequests.error.${code}`, { ...limits })];
    }),
  );
  return Response.json({ formError: t("lectureRequests.error.summary"), fieldErrors, values } satisfies ActionData, { status: 400 });
}

export default function RequestLecture() {
  const { prefill } = useLoaderData<typeof loader>();
  const data = useActionData<ActionData>();
  const { t } = useTranslation();
  const busy = useNavigation().state === "submitting";
  const e = data?.fieldErrors ?? {};
  const v: Partial<RequestInput> = data?.values ?? prefill ?? {};
  const k = (key: string, vars?: Record<string, unknown>) => t(`lectureRequests.form.${key}`, vars);
  const select = (name: "organizationKind" | "topic" | "field" | "district", options: readonly string[], label: (code: string) => string) => {
    const error = e[name];
    return (
      <div>
        <label htmlFor={name}>{k(name)}</label>
        <select id={name} name={name} required defaultValue={(v[name] as string | undefined) ?? ""} aria-invalid={error ? true : undefined} aria-describedby={error ? `${name}-error` : undefined}>
          <option value="">{k("choose")}</option>
          {options.map((o) => <option key={o} value={o}>{label(o)}</option>)}
        </select>
        {error ? <p id={`${name}-error`} className="field-error">{error}</p> : null}
      </div>
    );
  };
  return (
    <section className="panel" aria-labelledby="request-title">
      <h1 id="request-title">{k("title")}</h1>
      {data?.sent ? (
        <FormStatus message={k("sent")} />
      ) : (
        <>
          <p>{k("intro")}</p>
          {prefill && !data ? <p className="meta">{k("signedIn")}</p> : null}
          <FormAlert result={data} />
          <Form method="post" className="stack" noValidate>
            <fieldset className="question">
              <legend>{k("organisation")}</legend>
              <TextField name="organizationName" label={k("organizationName")} error={e.organizationName} required autoComplete="organization" defaultValue={v.organizationName} maxLength={200} />
              {select("organizationKind", REQUESTER_KINDS, (c) => t(`lectureRequests.kind.${c}`))}
            </fieldset>
            <fieldset className="question">
              <legend>{k("contact")}</legend>
              <TextField name="contactName" label={k("contactName")} error={e.contactName} required autoComplete="name" defaultValue={v.contactName} maxLength={100} />
              <TextField name="contactEmail" type="email" label={k("contactEmail")} error={e.contactEmail} required autoComplete="email" defaultValue={v.contactEmail} maxLength={254} />
              <TextField name="contactPhone" type="tel" label={k("contactPhone")} error={e.contactPhone} autoComplete="tel" defaultValue={v.contactPhone} maxLength={30} />
            </fieldset>
            <fieldset className="question">
              <legend>{k("lecture")}</legend>
              {select("topic", REQUEST_TOPICS, (c) => t(`offerings.topic.${c}`))}
              {select("field", LECTURER_FIELDS, (c) => t(`lectureRequests.field.${c}`))}
              <TextField name="audienceDescription" label={k("audienceDescription")} hint={k("audienceDescriptionHint")} error={e.audienceDescription} required defaultValue={v.audienceDescription} maxLength={300} />
              <TextField name="audienceSize" type="number" inputMode="numeric" min={AUDIENCE_MIN} max={AUDIENCE_MAX} label={k("audienceSize")} hint={k("audienceSizeHint", { min: AUDIENCE_MIN, max: AUDIENCE_MAX })} error={e.audienceSize} required defaultValue={v.audienceSize as string | undefined} />
            </fieldset>
            <fieldset className="question">
              <legend>{k("when")}</legend>
              <p className="meta">{k("whenHint")}</p>
              <TextField name="from" type="datetime-local" label={k("from")} error={e.from} required defaultValue={v.from} />
              <TextField name="to" type="datetime-local" label={k("to")} error={e.to} required defaultValue={v.to} />
              <TextField name="durationMinutes" type="number" inputMode="numeric" min={DURATION_MIN} max={DURATION_MAX} step={10} label={k("duration")} hint={k("durationHint", { min: DURATION_MIN, max: DURATION_MAX })} error={e.durationMinutes} required defaultValue={(v.durationMinutes as string | undefined) ?? "120"} />
              <TextField name="place" label={k("place")} error={e.place} required autoComplete="street-address" defaultValue={v.place} maxLength={300} />
              {select("district", DISTRICTS, (c) => t(`offerings.district.${c}`))}
            </fieldset>
            <fieldset className="question">
              <legend>{k("accessibility")}</legend>
              {ACCESSIBILITY.map((a) => (
                <label key={a} className="option">
                  <input type="checkbox" name="accessibilityNeeds" value={a} defaultChecked={v.accessibilityNeeds?.includes(a)} />
                  <span>{t(`offerings.accessibility.${a}`)}</span>
                </label>
              ))}
            </fieldset>
            <TextAreaField name="note" label={k("note")} error={e.note} rows={4} defaultValue={v.note} maxLength={2000} />
            <p className="meta">{k("privacy")}</p>
            <div><button type="submit" className="primary" disabled={busy}>{k("submit")}</button></div>
          </Form>
        </>
      )}
    </section>
  );
}
