import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { readUploadForm } from "~/utils/upload.server";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TextAreaField, TextField } from "~/components/text-field";
import { requireRole } from "~/modules/auth/permissions.server";
import {
  MAX_EVIDENCE_BYTES,
  recordSession,
  SessionInputError,
  sessionCycleOptions,
  sessionUnitOptions,
} from "~/modules/attendance/sessions.server";
import { pick, seoulDateKey, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { now } from "~/utils/clock.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "집합교육 기록", "Record an in-person session");

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const [cycles, units] = await Promise.all([sessionCycleOptions(), sessionUnitOptions(actor)]);
  return { cycles, units, today: seoulDateKey(now()) };
}

type Values = { title: string; heldOn: string; minutes: string; place: string; orgUnitId: string; cycleIds: string[]; attendees: string };
type ActionData = { field: string; message: string; values: Values };

export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "HR_OFFICER");
  const { t, locale } = requestTranslator(request, actor.user.locale);
  // The sheet may not exceed the limit; the other fields are small.
  const form = await readUploadForm(request, MAX_EVIDENCE_BYTES, t("errors.bodyMalformed"));
  if (form === "too-large") {
    const empty: Values = { title: "", heldOn: "", minutes: "", place: "", orgUnitId: "", cycleIds: [], attendees: "" };
    return Response.json(
      { field: "evidence", message: t("sessions.error.evidence.tooLarge", { mb: MAX_EVIDENCE_BYTES / 1024 / 1024 }), values: empty } satisfies ActionData,
      { status: 413 },
    );
  }
  const text = (name: string) => String(form.get(name) ?? "");
  const values: Values = {
    title: text("title"),
    heldOn: text("heldOn"),
    minutes: text("minutes"),
    place: text("place"),
    orgUnitId: text("orgUnitId"),
    cycleIds: form.getAll("cycleIds").map(String),
    attendees: text("attendees"),
  };
  const file = form.get("evidence");
  try {
    const result = await recordSession(actor, {
      ...values,
      minutes: /^\d+$/.test(values.minutes.trim()) ? Number(values.minutes) : NaN,
      evidence: file instanceof File && file.size > 0 ? { fileName: file.name, bytes: new Uint8Array(await file.arrayBuffer()) } : null,
    });
    const summary = new URLSearchParams({
      attendees: String(result.attendees),
      completed: String(result.completed),
      alreadyDone: String(result.alreadyDone),
      notOwed: String(result.notOwed),
    });
    return redirect(`/hr/sessions/${result.sessionId}?${summary}`);
  } catch (e) {
    if (!(e instanceof SessionInputError)) throw e;
    const message = t(`sessions.error.${e.field}.${e.code}`, e.paramsIn(locale));
    return Response.json({ field: e.field, message, values } satisfies ActionData, { status: 400 });
  }
}

export default function NewSession() {
  const { cycles, units, today } = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const busy = useNavigation().state === "submitting";
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const v = result?.values;
  const err = (field: string) => (result?.field === field ? result.message : undefined);
  return (
    <>
      <p className="meta"><Link to="/hr/sessions">{t("sessions.back")}</Link></p>
      <h1>{t("sessions.newTitle")}</h1>
      <p className="lead">{t("sessions.newIntro")}</p>
      {result ? <p className="alert" role="alert">{result.message}</p> : null}
      <Form method="post" encType="multipart/form-data" className="stack" aria-busy={busy}>
        <TextField name="title" label={t("sessions.fields.title")} required minLength={2} maxLength={200} defaultValue={v?.title} error={err("title")} />
        <TextField name="heldOn" type="date" label={t("sessions.fields.heldOn")} required max={today} defaultValue={v?.heldOn} error={err("heldOn")} />
        <TextField
          name="minutes"
          type="number"
          inputMode="numeric"
          min={10}
          max={1440}
          label={t("sessions.fields.minutes")}
          hint={t("sessions.fields.minutesHint")}
          required
          defaultValue={v?.minutes}
          error={err("minutes")}
        />
        <TextField name="place" label={t("sessions.fields.place")} required minLength={2} maxLength={200} defaultValue={v?.place} error={err("place")} />
        <div>
          <label htmlFor="orgUnitId">{t("sessions.fields.orgUnitId")}</label>
          <select id="orgUnitId" name="orgUnitId" required defaultValue={v?.orgUnitId} aria-invalid={err("orgUnitId") ? true : undefined}>
            {units.map((u) => (
              <option key={u.id} value={u.id}>{pick(locale, u.nameKo, u.nameEn)} ({u.code})</option>
            ))}
          </select>
        </div>
        <fieldset className="choices" aria-describedby={`cycleIds-hint${err("cycleIds") ? " cycleIds-error" : ""}`}>
          <legend>{t("sessions.fields.cycleIds")}</legend>
          <p id="cycleIds-hint" className="meta">{t("sessions.fields.cycleHint")}</p>
          {err("cycleIds") ? <p id="cycleIds-error" className="field-error">{err("cycleIds")}</p> : null}
          {cycles.map((c) => (
            <div key={c.id} className="check">
              <input type="checkbox" id={`cycle-${c.id}`} name="cycleIds" value={c.id} defaultChecked={v?.cycleIds.includes(c.id)} />
              <label htmlFor={`cycle-${c.id}`}>
                {pick(locale, c.titleKo, c.titleEn)} · {c.label}
                {c.sharedSessions ? <span className="meta"> ({t("sessions.fields.shared")})</span> : null}
              </label>
            </div>
          ))}
        </fieldset>
        <TextAreaField
          name="attendees"
          label={t("sessions.fields.attendees")}
          hint={t("sessions.fields.attendeesHint")}
          rows={8}
          required
          defaultValue={v?.attendees}
          error={err("attendees")}
        />
        <TextField
          name="evidence"
          type="file"
          label={t("sessions.fields.evidence")}
          hint={t("sessions.fields.evidenceHint")}
          required
          accept="application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png"
          error={err("evidence")}
        />
        <div><button type="submit" className="primary" disabled={busy}>{t("sessions.submit")}</button></div>
      </Form>
    </>
  );
}
