import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { closeLectureRequest, deliverSoon, getLectureRequest, offerLecture, offerTime, rankLecturers, withdrawOffer } from "~/modules/lecturers/requests.server";
import { EXPIRED } from "~/modules/lecturers/request-codes";
import { toSeoulLocal } from "~/modules/offerings/offerings.server";
import { now } from "~/utils/clock.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { notFound } from "~/utils/http.server";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert } from "~/components/form-alert";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "강의 신청", "Lecture request");

const INTENT = { offer: "offer", withdraw: "withdraw", close: "close" } as const;
const DONE = ["offered", "withdrawn", "closed"] as const;

/** The first whole hour that is ahead of now and inside the window, as a datetime-local value. */
function firstStart(from: Date): string {
  const hour = new Date(Math.ceil((now().getTime() + 1) / 3_600_000) * 3_600_000);
  return toSeoulLocal(from > hour ? from : hour);
}

/**
 * One request: what was asked, the appointed lecturers ranked for the chosen start (?start=, a
 * GET that changes nothing), the offers made and their answers.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN");
  const found = await getLectureRequest(actor, params.requestId ?? "");
  if (!found) notFound();
  const r = found.request;
  const search = new URL(request.url).searchParams;
  const start = search.get("start") ?? firstStart(r.preferredFrom);
  const time = offerTime(start, r.durationMinutes);
  const open = r.status === "RECEIVED" || r.status === "OFFERED";
  const lecturers = open && time ? await rankLecturers(actor, r.id, time.start, time.end) : [];
  const done = search.get("done");
  return {
    request: r,
    unit: found.unit,
    offers: found.offers,
    duty: found.duty,
    open,
    start,
    time,
    window: { min: toSeoulLocal(r.preferredFrom), max: toSeoulLocal(new Date(r.preferredTo.getTime() - r.durationMinutes * 60_000)) },
    lecturers,
    done: DONE.find((x) => x === done) ?? null,
  };
}

type ActionData = { formError: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const id = params.requestId ?? "";
  const form = await request.formData();
  const intent = form.get("intent");
  const fail = (problem: string) => Response.json({ formError: t(`lectureRequests.admin.error.${problem}`) } satisfies ActionData, { status: problem === "notFound" ? 404 : 400 });
  if (intent === INTENT.offer) {
    const start = String(form.get("start") ?? "");
    const result = await offerLecture(actor, id, { start, lecturerPersonId: String(form.get("lecturerPersonId") ?? "") });
    if (!result.ok) return fail(result.problem);
    await deliverSoon(result.mail);
    return redirect(`/academy/lecture-requests/${id}?done=offered&start=${encodeURIComponent(start)}`);
  }
  if (intent === INTENT.withdraw) {
    const result = await withdrawOffer(actor, id, String(form.get("offerId") ?? ""));
    if (!result.ok) return fail(result.problem);
    await deliverSoon(result.mail);
    return redirect(`/academy/lecture-requests/${id}?done=withdrawn`);
  }
  if (intent === INTENT.close) {
    const result = await closeLectureRequest(actor, id, String(form.get("reason") ?? ""));
    if (!result.ok) return fail(result.problem);
    await deliverSoon(result.mail);
    return redirect(`/academy/lecture-requests/${id}?done=closed`);
  }
  return Response.json({ formError: t("lectureRequests.error.invalid") } satisfies ActionData, { status: 400 });
}

export default function LectureRequest() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const busy = useNavigation().state === "submitting";
  const k = (key: string, vars?: Record<string, unknown>) => t(`lectureRequests.admin.${key}`, vars);
  const r = d.request;
  return (
    <>
      <p><Link to="/academy/lecture-requests">{k("back")}</Link></p>
      <h1>{r.organizationName}</h1>
      <p className="lead">{t(`lectureRequests.requestStatus.${r.status}`)}</p>
      {d.done ? <p className="success" role="status">{k(`done.${d.done}`)}</p> : null}
      <FormAlert result={result} />
      {r.offeringId ? <p><Link className="button" to={`/academy/offerings/${r.offeringId}`}>{k("offering")}</Link></p> : null}
      {r.closedAt ? <p className="panel">{k("closedOn", { date: formatDate(r.closedAt, locale, true), reason: r.closeReason === EXPIRED ? k("expiredReason") : r.closeReason })}</p> : null}

      <section aria-labelledby="details-heading" className="panel">
        <h2 id="details-heading">{k("details")}</h2>
        <dl className="facts">
          <dt>{k("kind")}</dt><dd>{t(`lectureRequests.kind.${r.organizationKind}`)}</dd>
          <dt>{k("contact")}</dt><dd>{r.contactName} · {r.contactEmail}{r.contactPhone ? ` · ${r.contactPhone}` : ""}</dd>
          <dt>{k("topic")}</dt><dd>{t(`offerings.topic.${r.topic}`)}{r.field ? ` · ${t(`lectureRequests.field.${r.field}`)}` : ""}</dd>
          <dt>{k("audience")}</dt><dd>{r.audienceDescription} · {t("lectureRequests.lecturer.size", { count: r.audienceSize })}</dd>
          <dt>{k("window")}</dt><dd>{formatDate(r.preferredFrom, locale, true)} – {formatDate(r.preferredTo, locale, true)}</dd>
          <dt>{k("duration")}</dt><dd>{k("minutes", { count: r.durationMinutes })}</dd>
          <dt>{k("place")}</dt><dd>{r.place}{r.district ? ` (${t(`offerings.district.${r.district}`)})` : ""}</dd>
          <dt>{k("accessibility")}</dt><dd>{r.accessibilityNeeds.length ? r.accessibilityNeeds.map((a) => t(`offerings.accessibility.${a}`)).join(", ") : k("noAccessibility")}</dd>
          {r.note ? <><dt>{k("note")}</dt><dd className="pre-line">{r.note}</dd></> : null}
          <dt>{k("countsToward")}</dt><dd>{d.duty ? pick(locale, d.duty.titleKo, d.duty.titleEn) : k("countsNone")}</dd>
          <dt>{k("audienceRule")}</dt><dd>{d.unit ? k("audienceUnits", { unit: pick(locale, d.unit.nameKo, d.unit.nameEn) }) : k("audiencePublic")}</dd>
        </dl>
      </section>

      {d.open ? (
        <section aria-labelledby="time-heading">
          <h2 id="time-heading">{k("time")}</h2>
          <Form method="get" className="filters">
            <div>
              <label htmlFor="start">{k("start")}</label>
              <p id="start-hint" className="meta">{k("startHint")}</p>
              <input id="start" name="start" type="datetime-local" defaultValue={d.start} min={d.window.min} max={d.window.max} aria-describedby="start-hint" required />
            </div>
            <button type="submit" className="secondary">{k("rank")}</button>
          </Form>
          {!d.time ? <p className="alert" role="alert">{k("error.start")}</p> : (
            <>
              <h3 id="lecturers-heading">{k("lecturers", { when: `${formatDate(d.time.start, locale, true)} – ${formatDate(d.time.end, locale, true)}` })}</h3>
              <p className="meta">{k("lecturersHint")}</p>
              {d.lecturers.length === 0 ? <p className="panel">{k("noLecturers")}</p> : (
                <TableRegion labelledBy="lecturers-heading">
                  <table aria-labelledby="lecturers-heading">
                    <thead>
                      <tr>
                        <th scope="col">{k("name")}</th>
                        <th scope="col">{k("match")}</th>
                        <th scope="col">{k("fields")}</th>
                        <th scope="col">{k("districts")}</th>
                        <th scope="col" className="num">{k("taught")}</th>
                        <th scope="col">{k("offer")}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.lecturers.map((l) => (
                        <tr key={l.personId}>
                          <th scope="row">{l.name}</th>
                          <td>
                            {[l.free ? k("free") : k("busy"), l.fieldMatch ? k("fieldMatch") : null, l.districtMatch ? k("districtMatch") : null].filter(Boolean).join(" · ")}
                          </td>
                          <td>{l.fields.map((f) => t(`lectureRequests.field.${f}`)).join(", ") || "—"}</td>
                          <td>{l.districts.map((x) => t(`offerings.district.${x}`)).join(", ") || "—"}</td>
                          <td className="num">{l.taught}</td>
                          <td>
                            {l.offerStatus === "OFFERED" ? t("lectureRequests.offerStatus.OFFERED") : l.free ? (
                              <Form method="post">
                                <input type="hidden" name="intent" value={INTENT.offer} />
                                <input type="hidden" name="start" value={d.start} />
                                <input type="hidden" name="lecturerPersonId" value={l.personId} />
                                <button type="submit" className="secondary" disabled={busy} aria-label={k("offerTo", { name: l.name })}>{k("offer")}</button>
                              </Form>
                            ) : "—"}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </TableRegion>
              )}
            </>
          )}
        </section>
      ) : null}

      <section aria-labelledby="offers-heading">
        <h2 id="offers-heading">{k("offers")}</h2>
        {d.offers.length === 0 ? <p className="panel">{k("noOffers")}</p> : (
          <TableRegion labelledBy="offers-caption">
            <table>
              <caption id="offers-caption">{k("offersCaption")}</caption>
              <thead>
                <tr>
                  <th scope="col">{k("name")}</th>
                  <th scope="col">{k("time")}</th>
                  <th scope="col">{k("offeredAt")}</th>
                  <th scope="col">{k("answer")}</th>
                  <th scope="col">{k("withdraw")}</th>
                </tr>
              </thead>
              <tbody>
                {d.offers.map((f) => (
                  <tr key={f.id}>
                    <th scope="row">{f.lecturerName}</th>
                    <td>{formatDate(f.startsAt, locale, true)}</td>
                    <td>{formatDate(f.offeredAt, locale)}</td>
                    <td>{t(`lectureRequests.offerStatus.${f.status}`)}{f.declineReason ? ` — ${f.declineReason}` : ""}</td>
                    <td>
                      {f.status === "OFFERED" ? (
                        <Form method="post">
                          <input type="hidden" name="intent" value={INTENT.withdraw} />
                          <input type="hidden" name="offerId" value={f.id} />
                          <button type="submit" className="secondary" disabled={busy} aria-label={k("withdrawOf", { name: f.lecturerName })}>{k("withdraw")}</button>
                        </Form>
                      ) : "—"}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableRegion>
        )}
      </section>

      {d.open ? (
        <section aria-labelledby="close-heading">
          <h2 id="close-heading">{k("close")}</h2>
          <p className="meta">{k("closeHint")}</p>
          <Form method="post">
            <input type="hidden" name="intent" value={INTENT.close} />
            <label htmlFor="close-reason">{k("closeReason")}</label>
            <textarea id="close-reason" name="reason" rows={3} minLength={5} maxLength={500} required />
            <button type="submit" className="secondary" disabled={busy}>{k("closeSubmit")}</button>
          </Form>
        </section>
      ) : null}
    </>
  );
}
