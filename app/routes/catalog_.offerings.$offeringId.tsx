import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getCurrentSession, requireSession } from "~/modules/auth/session.server";
import { loadActor } from "~/modules/auth/permissions.server";
import { getOfferingPage, seesEveryClass } from "~/modules/offerings/catalog.server";
import { BulkInputError, bulkRegister, cancelRegistration, MAX_BULK, register } from "~/modules/offerings/registration.server";
import { classTime } from "~/modules/offerings/mail.server";
import { now } from "~/utils/clock.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { notFound } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { TextAreaField } from "~/components/text-field";

export const meta: MetaFunction<typeof loader> = ({ matches, data }) =>
  pageTitle(matches, data ? `${data.titleKo} · 수업 안내` : "수업 안내", data ? `${data.titleEn} · Class` : "Class");

const INTENT = { register: "register", cancel: "cancel", bulk: "bulk" } as const;

/** Public for a public class; anyone else's class is a 404 to whoever may not see it (the query decides). */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const current = await getCurrentSession(request);
  const actor = current ? await loadActor(current) : null;
  const page = await getOfferingPage({ personId: current?.user.personId ?? null, userId: current?.userId ?? null, seesAll: seesEveryClass(actor) }, params.offeringId ?? "");
  if (!page) notFound();
  const o = page.offering;
  const at = now();
  const mine = page.mine;
  return {
    id: o.id,
    titleKo: o.titleKo,
    titleEn: o.titleEn,
    descriptionKo: o.descriptionKo,
    descriptionEn: o.descriptionEn,
    topic: o.topic,
    format: o.format,
    audience: o.audience,
    when: { ko: classTime(o, "ko"), en: classTime(o, "en") },
    place: o.place,
    district: o.district,
    directionsKo: o.directionsKo,
    directionsEn: o.directionsEn,
    // The link to join goes to people with a seat only.
    onlineUrl: mine?.status === "CONFIRMED" ? o.onlineUrl : null,
    accessibility: o.accessibility,
    capacity: o.capacity,
    confirmed: page.confirmed,
    waitlisted: page.waitlisted,
    registrationClosesAt: o.registrationClosesAt,
    cancellationClosesAt: o.cancellationClosesAt,
    status: o.status,
    started: at >= o.startsAt,
    closed: at > o.registrationClosesAt,
    canCancelSeat: at <= o.cancellationClosesAt && at < o.startsAt,
    course: page.course,
    obligation: o.obligation,
    lecturers: page.lecturers,
    units: page.units,
    mine,
    alreadyDone: page.verdict === "alreadyDone",
    signedIn: Boolean(current),
    hasPerson: Boolean(current?.user.personId),
    isHrOfficer: Boolean(actor && actor.hrScopeUnitIds.length > 0),
    isLecturer: Boolean(current && o.lecturerUserIds.includes(current.userId)),
  };
}

type ActionData = { message?: string; formError?: string; lines?: string[] };

export async function action({ request, params }: ActionFunctionArgs) {
  const current = await requireSession(request);
  const actor = await loadActor(current);
  const id = params.offeringId ?? "";
  // A class the reader may not see is not there for them, whatever they sent.
  if (!(await getOfferingPage({ personId: current.user.personId, userId: current.userId, seesAll: seesEveryClass(actor) }, id))) notFound();
  const { t } = requestTranslator(request, current.user.locale);
  const form = await request.formData();
  const intent = form.get("intent");
  if (intent === INTENT.bulk) {
    if (actor.hrScopeUnitIds.length === 0) return Response.json({ formError: t("errors.forbiddenBody") } satisfies ActionData, { status: 403 });
    try {
      const result = await bulkRegister(actor, id, String(form.get("employeeNos") ?? ""));
      const lines = Object.entries(result.skipped).map(([verdict, numbers]) => t(`offerings.bulk.skipped.${verdict}`, { numbers: numbers.join(", ") }));
      return Response.json({ message: t("offerings.bulk.result", { confirmed: result.confirmed, waitlisted: result.waitlisted }), lines } satisfies ActionData);
    } catch (e) {
      if (!(e instanceof BulkInputError)) throw e;
      const status = e.code === "notFound" ? 404 : e.code === "closed" ? 409 : 400;
      return Response.json({ formError: t(`offerings.bulk.error.${e.code}`, { max: MAX_BULK, numbers: e.numbers.join(", ") }) } satisfies ActionData, { status });
    }
  }
  const personId = current.user.personId;
  if (!personId) return Response.json({ formError: t("offerings.outcome.noPerson") } satisfies ActionData, { status: 403 });
  if (intent === INTENT.register) {
    const result = await register(personId, id, current.userId);
    if (!result) notFound();
    const ok = result.outcome === "confirmed" || result.outcome === "waitlisted";
    const message = t(`offerings.outcome.${result.outcome}`);
    return Response.json((ok ? { message } : { formError: message }) satisfies ActionData, { status: ok ? 200 : 409 });
  }
  if (intent === INTENT.cancel) {
    const result = await cancelRegistration(personId, id, current.userId);
    if (result.outcome === "notFound") notFound();
    const message = t(`offerings.cancelOutcome.${result.outcome}`);
    return Response.json((result.outcome === "cancelled" ? { message } : { formError: message }) satisfies ActionData, { status: result.outcome === "cancelled" ? 200 : 409 });
  }
  return Response.json({ formError: t("offerings.admin.error.invalid") } satisfies ActionData, { status: 400 });
}

export default function OfferingPage() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  const p = (k: string, o?: Record<string, unknown>) => t(`offerings.page.${k}`, o);
  const title = pick(locale, d.titleKo, d.titleEn);
  const left = Math.max(0, d.capacity - d.confirmed);
  const directions = pick(locale, d.directionsKo, d.directionsEn);
  const description = pick(locale, d.descriptionKo, d.descriptionEn);
  const open = d.status === "SCHEDULED" && !d.started && !d.closed;
  return (
    <>
      <p><Link to="/catalog">{p("back")}</Link></p>
      <h1>{title}</h1>
      <p className="meta">{t(`offerings.topic.${d.topic}`)} · {t(`offerings.format.${d.format}`)}</p>
      <FormAlert result={result} />
      <FormStatus message={result?.message} />
      {result?.lines?.length ? <ul>{result.lines.map((l) => <li key={l}>{l}</li>)}</ul> : null}
      {d.status === "CANCELLED" ? <p className="alert">{p("classCancelled")}</p> : null}
      {d.isLecturer && d.status === "SCHEDULED" ? <p><Link className="button" to={`/academy/offerings/${d.id}/check-in`}>{t("offerings.checkIn.open")}</Link></p> : null}

      <dl className="panel facts">
        <dt>{p("when")}</dt>
        <dd>{pick(locale, d.when.ko, d.when.en)}</dd>
        {d.format === "IN_PERSON" ? (
          <>
            <dt>{p("where")}</dt>
            <dd>{d.place}{d.district ? ` (${t(`offerings.district.${d.district}`)})` : ""}</dd>
            {directions ? <><dt>{p("directions")}</dt><dd className="notice-body">{directions}</dd></> : null}
          </>
        ) : (
          <>
            <dt>{p("where")}</dt>
            <dd>{p("online")}</dd>
            <dt>{p("link")}</dt>
            <dd>{d.onlineUrl ? <a href={d.onlineUrl} rel="noreferrer noopener">{d.onlineUrl}</a> : p("linkAfter")}</dd>
          </>
        )}
        <dt>{p("lecturers")}</dt>
        <dd>{d.lecturers.join(", ") || "—"}</dd>
        <dt>{p("countsToward")}</dt>
        <dd>
          {d.obligation ? p("countsObligation", { title: pick(locale, d.obligation.titleKo, d.obligation.titleEn) }) : null}
          {d.course ? p("countsCourse", { title: pick(locale, d.course.titleKo, d.course.titleEn) }) : null}
          {d.course && d.course.recognisedHours > 0 ? ` · ${p("countsHours", { hours: d.course.recognisedHours })}` : null}
        </dd>
        <dt>{p("seats")}</dt>
        <dd>{p("seatsValue", { left, capacity: d.capacity })}</dd>
        <dt>{p("waitlist")}</dt>
        <dd>{p("waitlistValue", { count: d.waitlisted })}</dd>
        <dt>{p("accessibility")}</dt>
        <dd>{d.accessibility.length ? d.accessibility.map((a) => t(`offerings.accessibility.${a}`)).join(", ") : p("noAccessibility")}</dd>
        <dt>{p("audience")}</dt>
        <dd>{d.audience === "UNITS" ? p("audienceUnits", { units: d.units.map((u) => pick(locale, u.nameKo, u.nameEn)).join(", ") }) : t(`offerings.audience.${d.audience}`)}</dd>
        <dt>{p("registrationCloses")}</dt>
        <dd>{formatDate(d.registrationClosesAt, locale, true)}</dd>
        <dt>{p("cancellationCloses")}</dt>
        <dd>{formatDate(d.cancellationClosesAt, locale, true)}</dd>
      </dl>
      {description ? <><h2>{p("description")}</h2><p className="notice-body">{description}</p></> : null}

      <section aria-labelledby="my-place" className="panel">
        <h2 id="my-place">{t("offerings.catalog.mine", { status: d.mine ? t(`offerings.status.${d.mine.status}`) : "—" })}</h2>
        {d.mine?.status === "CONFIRMED" ? <p>{p("youHaveSeat")}</p> : null}
        {d.mine?.status === "WAITLISTED" ? <p>{p("youWait", { position: d.mine.position })}</p> : null}
        {d.started ? <p>{p("started")}</p> : d.closed && !d.mine ? <p>{p("closed")}</p> : null}
        {!d.signedIn ? (
          <p><Link to={`/login?redirectTo=${encodeURIComponent(`/catalog/offerings/${d.id}`)}`}>{p("signIn")}</Link></p>
        ) : !d.hasPerson ? (
          <p>{p("noPerson")}</p>
        ) : d.mine && d.status === "SCHEDULED" && !d.started && (d.mine.status === "WAITLISTED" || d.canCancelSeat) ? (
          <Form method="post">
            <input type="hidden" name="intent" value={INTENT.cancel} />
            <button type="submit" className="secondary" disabled={busy}>{d.mine.status === "WAITLISTED" ? p("leaveWaitlist") : p("cancel")}</button>
          </Form>
        ) : d.alreadyDone ? (
          <p className="notice">{t("offerings.outcome.alreadyDone")}</p>
        ) : !d.mine && open ? (
          <Form method="post">
            <input type="hidden" name="intent" value={INTENT.register} />
            <button type="submit" className="primary" disabled={busy}>{left > 0 ? p("register") : p("joinWaitlist")}</button>
          </Form>
        ) : null}
      </section>

      {d.isHrOfficer && open ? (
        <section aria-labelledby="bulk-heading">
          <h2 id="bulk-heading">{t("offerings.bulk.heading")}</h2>
          <Form method="post" className="stack">
            <input type="hidden" name="intent" value={INTENT.bulk} />
            <TextAreaField name="employeeNos" label={t("offerings.bulk.label")} hint={t("offerings.bulk.hint")} rows={4} required />
            <div><button type="submit" className="primary" disabled={busy}>{t("offerings.bulk.submit")}</button></div>
          </Form>
        </section>
      ) : null}
    </>
  );
}
