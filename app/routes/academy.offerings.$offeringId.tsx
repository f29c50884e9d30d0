import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireActor } from "~/modules/auth/permissions.server";
import { cancelOffering, editOffering, getOfferingForAcademy, offeringInputFromForm, scheduleFormOptions, toSeoulLocal, type ScheduleInput } from "~/modules/offerings/offerings.server";
import { deliverSoon } from "~/modules/offerings/registration.server";
import { classMinutes, closedRollSummary, closeRoll, findClassForStaff, getRoll, isAcademy, markRoll, marksFromForm } from "~/modules/offerings/roll.server";
import { now } from "~/utils/clock.server";
import { RollCall } from "~/components/roll-call";
import { feedbackResults } from "~/modules/offerings/feedback.server";
import { MIN_ANSWERS } from "~/modules/offerings/reports.server";
import { formatDate, pick, seoulDateKey, type AppLocale } from "~/utils/i18n";
import { notFound } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";
import { OfferingForm, type OfferingFormValues } from "~/components/offering-form";
import { TextField } from "~/components/text-field";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "수업 관리", "Manage a class");

const INTENT = { edit: "edit", cancel: "cancel", roll: "roll", close: "close" } as const;
const DONE = ["edited", "cancelled", "roll", "closed"] as const;

function hhmm(d: Date): string {
  return toSeoulLocal(d).slice(11);
}

/**
 * One class's management page: the academy edits, cancels and sees the whole roster; the class's
 * own lecturers and the academy call the roll and close it. Anyone else finds nothing here.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const mine = await findClassForStaff(actor, params.offeringId ?? "");
  if (!mine) notFound();
  const academy = isAcademy(actor);
  const found = await getOfferingForAcademy(mine.id);
  if (!found) notFound();
  const o = found.offering;
  const at = now();
  const roll = {
    seats: await getRoll(o.id),
    minutes: classMinutes(o),
    open: o.status === "SCHEDULED" && !o.rollClosedAt && at.getTime() >= o.startsAt.getTime() - 3_600_000,
    started: at >= o.startsAt,
    closedAt: o.rollClosedAt,
    closed: o.rollClosedAt ? await closedRollSummary(o) : null,
  };
  const results = o.rollClosedAt ? await feedbackResults(o.id) : null;
  // A lecturer knows who came: below MIN_ANSWERS answers they see how many answered, not what (ADR 031).
  const feedback = results && !academy && results.answers < MIN_ANSWERS
    ? { ...results, satisfaction: null, usefulness: null, accessibility: null, comments: [] as string[], withheld: true, min: MIN_ANSWERS }
    : results && { ...results, withheld: false, min: MIN_ANSWERS };
  const values: OfferingFormValues = {
    titleKo: o.titleKo,
    titleEn: o.titleEn,
    descriptionKo: o.descriptionKo,
    descriptionEn: o.descriptionEn,
    topic: o.topic,
    format: o.format,
    date: seoulDateKey(o.startsAt),
    startTime: hhmm(o.startsAt),
    endTime: hhmm(o.endsAt),
    place: o.place,
    district: o.district,
    directionsKo: o.directionsKo,
    directionsEn: o.directionsEn,
    onlineUrl: o.onlineUrl ?? "",
    lecturerUserIds: o.lecturerUserIds,
    lecturerNames: o.lecturerNames,
    capacity: o.capacity,
    audience: o.audience,
    audienceUnitCodes: found.unitCodes.join(", "),
    registrationClosesAt: toSeoulLocal(o.registrationClosesAt),
    cancellationClosesAt: toSeoulLocal(o.cancellationClosesAt),
    accessibility: o.accessibility,
  };
  const search = new URL(request.url).searchParams;
  const done = search.get("done");
  return {
    academy,
    roll,
    feedback,
    changed: Number(search.get("changed") ?? 0) || 0,
    id: o.id,
    titleKo: o.titleKo,
    titleEn: o.titleEn,
    status: o.status,
    cancelReason: o.cancelReason,
    values,
    roster: academy ? found.roster : [],
    options: academy ? await scheduleFormOptions() : null,
    done: DONE.find((x) => x === done) ?? null,
  };
}

type ActionData = { formError: string; fieldErrors?: Record<string, string>; values?: ScheduleInput };

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const { t } = requestTranslator(request, actor.user.locale);
  const id = params.offeringId ?? "";
  const form = await request.formData();
  const intent = form.get("intent");
  // The roll: who may call it (the class's lecturers, the academy) is decided in the module's query.
  if (intent === INTENT.roll) {
    const result = await markRoll(actor, id, marksFromForm(form));
    if (!result.ok) return Response.json({ formError: t(`offerings.roll.error.${result.problem}`) } satisfies ActionData, { status: result.problem === "notFound" ? 404 : 400 });
    return redirect(`/academy/offerings/${id}?done=roll&changed=${result.changed}`);
  }
  if (intent === INTENT.close) {
    const result = await closeRoll(actor, id, form.get("confirm") === "yes");
    if (!result.ok) {
      const message = t(`offerings.roll.error.${result.problem}`);
      return Response.json({ formError: message, fieldErrors: result.problem === "confirm" ? { confirm: message } : {} } satisfies ActionData, { status: result.problem === "notFound" ? 404 : 400 });
    }
    await deliverSoon(result.mail);
    return redirect(`/academy/offerings/${id}?done=closed`);
  }
  if (!isAcademy(actor)) throw Response.json({ error: "forbidden" }, { status: 403 });
  if (intent === INTENT.cancel) {
    const result = await cancelOffering(actor.userId, id, String(form.get("reason") ?? ""));
    if (!result.ok) {
      const message = t(`offerings.admin.error.${result.problem}`);
      return Response.json({ formError: message, fieldErrors: result.problem === "reason" ? { reason: message } : {} } satisfies ActionData, { status: result.problem === "notFound" ? 404 : 400 });
    }
    await deliverSoon(result.notified);
    return redirect(`/academy/offerings/${id}?done=cancelled`);
  }
  if (intent !== INTENT.edit) return Response.json({ formError: t("offerings.admin.error.invalid") } satisfies ActionData, { status: 400 });
  const values = offeringInputFromForm(form);
  const result = await editOffering(actor.userId, id, values);
  if (!result.ok) {
    if ("notFound" in result) return Response.json({ formError: t("offerings.admin.error.notFound") } satisfies ActionData, { status: 404 });
    const fieldErrors = Object.fromEntries(Object.entries(result.errors).map(([f, code]) => [f, t(`offerings.admin.error.${code}`)]));
    return Response.json({ formError: t("offerings.admin.error.summary"), fieldErrors, values } satisfies ActionData, { status: 400 });
  }
  await deliverSoon(result.notified);
  return redirect(`/academy/offerings/${id}?done=edited`);
}

export default function ManageOffering() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  const title = pick(locale, d.titleKo, d.titleEn);
  return (
    <>
      <h1>{title}</h1>
      {d.done ? (
        <p className="success" role="status">
          {d.done === "roll" || d.done === "closed" ? t(`offerings.roll.done.${d.done}`, { count: d.changed }) : t(`offerings.admin.done.${d.done}`)}
        </p>
      ) : null}
      <FormAlert result={result} />
      <p className="actions">
        <Link to={`/catalog/offerings/${d.id}`}>{t("offerings.admin.publicPage")}</Link>
        {d.status === "SCHEDULED" ? <Link to={`/academy/offerings/${d.id}/check-in`}>{t("offerings.checkIn.open")}</Link> : null}
      </p>
      {d.status === "CANCELLED" ? <p className="notice">{t("offerings.admin.cancelledNote", { reason: d.cancelReason ?? "" })}</p> : null}

      {d.status === "SCHEDULED" || d.roll.closed ? <RollCall id={d.id} roll={d.roll} errors={result?.fieldErrors} busy={busy} /> : null}

      {d.feedback ? (
        <section aria-labelledby="feedback-heading">
          <h2 id="feedback-heading">{t("offerings.feedback.results")}</h2>
          <p>{t("offerings.feedback.resultsSummary", { answers: d.feedback.answers, participants: d.feedback.participants })}</p>
          {d.feedback.answers === 0 ? <p className="meta">{t("offerings.feedback.noAnswers")}</p> : d.feedback.withheld ? <p className="meta">{t("offerings.lecturers.tooFew", { min: d.feedback.min })}</p> : (
            <>
              <TableRegion labelledBy="feedback-caption">
                <table>
                  <caption id="feedback-caption">{t("offerings.feedback.resultsCaption")}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t("offerings.feedback.question")}</th>
                      <th scope="col">{t("offerings.feedback.mean")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {(["satisfaction", "usefulness", "accessibility"] as const).map((q) => (
                      <tr key={q}>
                        <th scope="row">{t(`offerings.feedback.${q}`)}</th>
                        <td>{d.feedback?.[q]?.toFixed(1) ?? "—"}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableRegion>
              {d.feedback.comments.length ? (
                <>
                  <h3>{t("offerings.feedback.comments")}</h3>
                  <ul className="comments">{d.feedback.comments.map((c, i) => <li key={i}>{c}</li>)}</ul>
                </>
              ) : null}
            </>
          )}
        </section>
      ) : null}

      {d.academy ? <h2>{t("offerings.admin.roster")}</h2> : null}
      {!d.academy ? null : d.roster.length === 0 ? <p className="panel">—</p> : (
        <TableRegion labelledBy="roster-caption">
          <table>
            <caption id="roster-caption">{t("offerings.admin.rosterCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("offerings.admin.name")}</th>
                <th scope="col">{t("offerings.admin.employeeNo")}</th>
                <th scope="col">{t("offerings.admin.unit")}</th>
                <th scope="col">{t("offerings.admin.state")}</th>
                <th scope="col">{t("offerings.admin.registeredAt")}</th>
              </tr>
            </thead>
            <tbody>
              {d.roster.map((r) => (
                <tr key={r.id}>
                  <th scope="row">{r.name}</th>
                  <td>{r.employeeNo ?? "—"}</td>
                  <td>{r.unitKo ? pick(locale, r.unitKo, r.unitEn ?? r.unitKo) : "—"}</td>
                  <td>{t(`offerings.status.${r.status}`)}</td>
                  <td>{formatDate(r.queuedAt, locale, true)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableRegion>
      )}

      {d.academy && d.options && d.status === "SCHEDULED" && !d.roll.closedAt ? (
        <>
          <h2>{t("offerings.admin.editTitle")}</h2>
          <OfferingForm mode="edit" options={d.options} values={(result?.values as OfferingFormValues | undefined) ?? d.values} errors={result?.fieldErrors} busy={busy} />
          <h2 id="cancel-heading">{t("offerings.admin.cancelHeading")}</h2>
          <Form method="post" className="stack" aria-labelledby="cancel-heading">
            <input type="hidden" name="intent" value={INTENT.cancel} />
            <TextField name="reason" label={t("offerings.admin.reason")} hint={t("offerings.admin.cancelHint")} error={result?.fieldErrors?.reason} maxLength={500} required />
            <div><button type="submit" className="secondary" disabled={busy}>{t("offerings.admin.cancelSubmit")}</button></div>
          </Form>
        </>
      ) : null}
    </>
  );
}
