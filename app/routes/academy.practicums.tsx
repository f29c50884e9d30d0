import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { requireRole } from "~/modules/auth/permissions.server";
import { academyAppointments, appointLecturer, renewAppointment } from "~/modules/lecturers/appointments.server";
import { academyPracticums, deliverSoon } from "~/modules/lecturers/practicum.server";
import { APPOINTMENT_TERM_YEARS, RENEWAL_CONTINUING_HOURS } from "~/modules/lecturers/codes";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { requestTranslator } from "~/utils/locale.server";
import { pageTitle } from "~/utils/meta";
import { FormAlert, FormStatus } from "~/components/form-alert";
import { TableRegion } from "~/components/table-region";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "강의 시연과 위촉", "Practicums and appointments");

export async function loader({ request }: LoaderFunctionArgs) {
  await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const done = new URL(request.url).searchParams.get("done");
  return { ...(await academyPracticums()), appointments: await academyAppointments(), done: done === "appointed" || done === "renewed" ? done : null };
}

type ActionData = { formError: string; target: string };

/** Appoint a passed trainee, or renew an appointment; the module's queries check the administrator again. */
export async function action({ request }: ActionFunctionArgs) {
  const actor = await requireRole(request, "ACADEMY_ADMIN", "SYSTEM_ADMIN");
  const { t } = requestTranslator(request, actor.user.locale);
  const form = await request.formData();
  const intent = form.get("intent");
  const dates = { startsOn: String(form.get("startsOn") ?? ""), endsOn: String(form.get("endsOn") ?? "") };
  const target = String(form.get("id") ?? "");
  if (intent !== "appoint" && intent !== "renew") return Response.json({ formError: t("lecturerPracticum.academy.error.notFound"), target } satisfies ActionData, { status: 400 });
  const result = intent === "appoint" ? await appointLecturer(actor.userId, target, dates) : await renewAppointment(actor.userId, target, dates);
  if (!result.ok) {
    const message = t(`lecturerPracticum.academy.error.${result.problem}`, { need: RENEWAL_CONTINUING_HOURS, hours: "hours" in result ? result.hours : 0 });
    return Response.json({ formError: message, target } satisfies ActionData, { status: result.problem === "notFound" ? 404 : 400 });
  }
  await deliverSoon(result.outbox);
  return redirect(`/academy/practicums?done=${intent === "appoint" ? "appointed" : "renewed"}`);
}

/** The term's dates; ids per form, as the page holds one form per person. */
function DateFields({ prefix, hint }: { prefix: string; hint: string }) {
  const { t } = useTranslation();
  return (
    <div className="form-grid">
      <div>
        <label htmlFor={`${prefix}-startsOn`}>{t("lecturerPracticum.academy.startsOn")}</label>
        <p id={`${prefix}-hint`} className="meta">{hint}</p>
        <input id={`${prefix}-startsOn`} name="startsOn" type="date" aria-describedby={`${prefix}-hint`} />
      </div>
      <div>
        <label htmlFor={`${prefix}-endsOn`}>{t("lecturerPracticum.academy.endsOn")}</label>
        <input id={`${prefix}-endsOn`} name="endsOn" type="date" />
      </div>
    </div>
  );
}

const dayOf = (d: Date | string) => new Date(d).toISOString().slice(0, 10);

export default function AcademyPracticums() {
  const d = useLoaderData<typeof loader>();
  const result = useActionData<ActionData>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const attemptTable = (rows: typeof d.moderation, id: string, caption: string, moderate: boolean) =>
    rows.length === 0 ? <p className="panel">{t("lecturerPracticum.academy.none")}</p> : (
      <TableRegion labelledBy={id}>
        <table>
          <caption id={id}>{caption}</caption>
          <thead>
            <tr>
              <th scope="col">{t("lecturerPracticum.academy.trainee")}</th>
              <th scope="col">{t("lecturerPracticum.academy.class")}</th>
              <th scope="col">{t("lecturerPracticum.academy.when")}</th>
              <th scope="col">{t("lecturerPracticum.academy.scores")}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.id}>
                <th scope="row">{moderate ? <Link to={`/assess/${r.id}`} aria-label={t("lecturerPracticum.academy.moderate", { name: r.name })}>{r.name}</Link> : r.name}</th>
                <td>{pick(locale, r.titleKo, r.titleEn)} ({t("lecturerPracticum.trainee.attempt", { n: r.attempt })})</td>
                <td>{formatDate(r.startsAt, locale, true)}</td>
                <td>{r.started ? t("lecturerPracticum.academy.scoresValue", { count: r.scores }) : t("lecturerPracticum.academy.notStarted")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableRegion>
    );
  return (
    <>
      <h1>{t("lecturerPracticum.academy.title")}</h1>
      <p className="lead">{t("lecturerPracticum.academy.intro")}</p>
      <FormStatus message={d.done ? t(`lecturerPracticum.academy.${d.done}`) : null} />
      <FormAlert result={result} />
      <section aria-labelledby="moderation-heading">
        <h2 id="moderation-heading">{t("lecturerPracticum.academy.moderationHeading")}</h2>
        {attemptTable(d.moderation, "moderation-caption", t("lecturerPracticum.academy.moderationHeading"), true)}
      </section>
      <section aria-labelledby="awaiting-heading">
        <h2 id="awaiting-heading">{t("lecturerPracticum.academy.awaitingHeading")}</h2>
        {attemptTable(d.awaiting, "awaiting-caption", t("lecturerPracticum.academy.awaitingHeading"), false)}
      </section>
      <section aria-labelledby="passed-heading">
        <h2 id="passed-heading">{t("lecturerPracticum.academy.passedHeading")}</h2>
        {d.passed.length === 0 ? <p className="panel">{t("lecturerPracticum.academy.none")}</p> : (
          <ul className="cards">
            {d.passed.map((p) => (
              <li key={p.traineeId} className="panel">
                <h3 id={`passed-${p.traineeId}`}>{p.name}</h3>
                <p>{t("lecturerPracticum.academy.score")}: {p.combinedScore} · {t("lecturerPracticum.academy.decidedAt")}: {formatDate(p.decidedAt, locale)}</p>
                <Form method="post" className="stack" aria-labelledby={`passed-${p.traineeId}`}>
                  <input type="hidden" name="intent" value="appoint" />
                  <input type="hidden" name="id" value={p.traineeId} />
                  <DateFields prefix={`appoint-${p.traineeId}`} hint={t("lecturerPracticum.academy.datesHint", { years: APPOINTMENT_TERM_YEARS })} />
                  <p><button type="submit" className="primary" aria-label={t("lecturerPracticum.academy.appointLabel", { name: p.name })}>{t("lecturerPracticum.academy.appoint")}</button></p>
                </Form>
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="appointments-heading">
        <h2 id="appointments-heading">{t("lecturerPracticum.academy.appointmentsHeading")}</h2>
        {d.appointments.length === 0 ? <p className="panel">{t("lecturerPracticum.academy.none")}</p> : (
          <ul className="cards">
            {d.appointments.map((a) => (
              <li key={a.id} className="panel">
                <h3 id={`appointment-${a.id}`}>{a.name}</h3>
                <dl className="facts">
                  <dt>{t("lecturerPracticum.academy.number")}</dt><dd>{a.number}</dd>
                  <dt>{t("lecturerPracticum.academy.term")}</dt><dd>{t("lecturerPracticum.verify.termValue", { from: dayOf(a.startsOn), to: dayOf(a.endsOn) })}</dd>
                  <dt>{t("lecturerPracticum.academy.hours")}</dt><dd>{t("lecturerPracticum.academy.hoursValue", { hours: Math.round(a.hours * 10) / 10, need: RENEWAL_CONTINUING_HOURS })}</dd>
                </dl>
                {a.renewed ? <p>{t("lecturerPracticum.academy.alreadyRenewed")}</p> : (
                  <Form method="post" className="stack" aria-labelledby={`appointment-${a.id}`}>
                    <input type="hidden" name="intent" value="renew" />
                    <input type="hidden" name="id" value={a.id} />
                    <DateFields prefix={`renew-${a.id}`} hint={t("lecturerPracticum.academy.renewStartHint", { years: APPOINTMENT_TERM_YEARS })} />
                    <p><button type="submit" className="primary" aria-label={t("lecturerPracticum.academy.renewLabel", { name: a.name })}>{t("lecturerPracticum.academy.renew")}</button></p>
                  </Form>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
