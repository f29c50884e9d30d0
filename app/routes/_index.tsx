import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getCurrentSession } from "~/modules/auth/session.server";
import { listMyAssignments } from "~/modules/learning/learning.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { now } from "~/utils/clock.server";
import { headsAUnit } from "~/modules/org/heads.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "나의 교육", "My training");

export async function loader({ request }: LoaderFunctionArgs) {
  const current = await getCurrentSession(request);
  if (!current) return { signedIn: false as const, assignments: [] };
  const personId = current.user.personId;
  const [assignments, headsUnit] = personId ? await Promise.all([listMyAssignments(personId), headsAUnit(personId)]) : [[], false];
  return { signedIn: true as const, assignments, headsUnit, now: now().toISOString() };
}

export default function Home() {
  const data = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  if (!data.signedIn) {
    return (
      <section className="panel" aria-labelledby="welcome">
        <h1 id="welcome">{t("home.welcomeTitle")}</h1>
        <p className="lead">{t("home.welcomeBody")}</p>
        <div className="actions">
          <Link className="button" to="/login">{t("home.signInPrompt")}</Link>
          <Link className="button secondary" to="/verify">{t("home.verifyPrompt")}</Link>
        </div>
      </section>
    );
  }
  const today = new Date(data.now);
  const owed = data.assignments.filter((a) => a.cycleLabel);
  const chosen = data.assignments.filter((a) => !a.cycleLabel);
  return (
    <>
      <h1>{t("home.title")}</h1>
      <p className="lead">{t("home.intro")}</p>
      {data.headsUnit ? <p className="panel"><Link to="/team">{t("team.homeLink")}</Link></p> : null}
      {owed.length === 0 ? <p className="panel">{t("home.none")}</p> : null}
      <ul className="cards">
        {owed.map((a) => <AssignmentCard key={a.id} a={a} now={today} />)}
      </ul>
      <h2>{t("catalog.myElectives")}</h2>
      {chosen.length === 0 ? <p>{t("catalog.noElectives")}</p> : null}
      <ul className="cards">
        {chosen.map((a) => <AssignmentCard key={a.id} a={a} now={today} />)}
      </ul>
      <p><Link to="/catalog">{t("catalog.browse")}</Link></p>
      <p><Link to="/record">{t("record.title")}</Link></p>
    </>
  );
}

type Card = ReturnType<typeof useLoaderData<typeof loader>>["assignments"][number];

function AssignmentCard({ a, now }: { a: Card; now: Date }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const overdue = (a.status === "ASSIGNED" || a.status === "IN_PROGRESS") && a.dueAt !== null && new Date(a.dueAt) < now;
  const action = a.status === "COMPLETED" ? t("home.review") : a.status === "ASSIGNED" ? t("home.start") : t("home.resume");
  const headingId = `a-${a.id}`;
  const courseTitle = pick(locale, a.courseTitleKo, a.courseTitleEn);
  return (
    <li className="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {a.cycleLabel ? `${pick(locale, a.obligationTitleKo, a.obligationTitleEn)} · ${a.cycleLabel}` : courseTitle}
      </h2>
      <p className="meta">
        {a.cycleLabel ? `${courseTitle} · ` : `${t("catalog.elective")} · `}
        {t("home.minutes", { count: a.estimatedMinutes })}
      </p>
      <p className="meta">
        <span className={`badge ${a.status}`}>{t(`status.${a.status}`)}</span>{" "}
        {overdue ? <span className="badge overdue">{t("home.overdue")}</span> : null}{" "}
        {a.completedAt
          ? t(a.completionMode === "IN_PERSON" ? "home.completedInPersonOn" : "home.completedOn", { date: formatDate(a.completedAt, locale) })
          : a.dueAt
            ? t("home.due", { date: formatDate(a.dueAt, locale) })
            : null}
      </p>
      {a.status !== "EXEMPTED" && a.completionMode !== "IN_PERSON" ? (
        <p className="meta">
          <label htmlFor={`p-${a.id}`} className="visually-hidden">{t("course.progressLabel")}</label>
          <progress id={`p-${a.id}`} max={a.lessonCount} value={a.lessonsDone} />{" "}
          {t("home.progress", { done: a.lessonsDone, total: a.lessonCount })}
        </p>
      ) : null}
      {a.legalBasisKo ? (
        <p className="meta"><small>{t("home.legalBasis")}: {pick(locale, a.legalBasisKo, a.legalBasisEn)}</small></p>
      ) : null}
      {a.status !== "EXEMPTED" ? (
        <div className="actions">
          <Link className="button" to={`/learn/${a.id}`}>{action}<span className="visually-hidden">: {courseTitle}</span></Link>
          {a.certificateId ? (
            <a className="button secondary" href={`/certificates/${a.certificateId}.pdf`} download>
              {t("home.certificate")}<span className="visually-hidden">: {courseTitle}</span>
            </a>
          ) : null}
        </div>
      ) : null}
    </li>
  );
}
