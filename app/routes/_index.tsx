import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { pageTitle } from "~/utils/meta";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getCurrentSession, requireSession } from "~/modules/auth/session.server";
import { markNoticeRead } from "~/modules/notices/notices.server";
import { learnerHome } from "~/modules/learning/home.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { now } from "~/utils/clock.server";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "나의 교육", "My training");

export async function loader({ request, context }: LoaderFunctionArgs) {
  const current = await getCurrentSession(request, context);
  if (!current) return { signedIn: false as const, assignments: [], notices: [] };
  const { assignments, headsUnit, notices } = await learnerHome(current.userId, current.user.personId);
  const read = new URL(request.url).searchParams.get("read") === "1";
  return { signedIn: true as const, assignments, headsUnit, notices, read, now: now().toISOString() };
}

/** Mark one of the notices shown here read: only one this account is shown (404 otherwise). */
export async function action({ request }: ActionFunctionArgs) {
  const current = await requireSession(request);
  const form = await request.formData();
  if (form.get("intent") !== "notice-read") return Response.json({ error: "intent" }, { status: 400 });
  if (!(await markNoticeRead(current.userId, String(form.get("noticeId") ?? "")))) return Response.json({ error: "not-found" }, { status: 404 });
  return redirect("/?read=1");
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
      {data.read ? <p className="success" role="status">{t("notices.readDone")}</p> : null}
      {data.notices.length > 0 ? <Notices notices={data.notices} /> : null}
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
          ? t(
              a.completionMode === "IN_PERSON" ? "home.completedInPersonOn" : a.completionMode === "EQUIVALENT" ? "home.completedEquivalentOn" : "home.completedOn",
              { date: formatDate(a.completedAt, locale) },
            )
          : a.dueAt
            ? t("home.due", { date: formatDate(a.dueAt, locale) })
            : null}
      </p>
      {a.status !== "EXEMPTED" && a.completionMode !== "IN_PERSON" && a.completionMode !== "EQUIVALENT" ? (
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

type NoticeItem = ReturnType<typeof useLoaderData<typeof loader>>["notices"][number];

/** The academy's notices for this reader, each with a button to mark it read. Text is shown as text. */
function Notices({ notices }: { notices: NoticeItem[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <section className="notices" aria-labelledby="notices-heading">
      <h2 id="notices-heading">{t("notices.homeHeading")}</h2>
      <ul className="notice-list">
        {notices.map((n) => {
          const title = pick(locale, n.titleKo, n.titleEn);
          const body = pick(locale, n.bodyKo, n.bodyEn);
          return (
            <li key={n.id} className="notice" aria-labelledby={`n-${n.id}`}>
              <h3 id={`n-${n.id}`}>{title}</h3>
              {body.split(/\n{2,}/).map((para, i) => <p key={i} className="notice-body">{para}</p>)}
              <p className="meta">{t("notices.until", { date: formatDate(n.showUntil, locale) })}</p>
              <Form method="post" className="inline">
                <input type="hidden" name="intent" value="notice-read" />
                <input type="hidden" name="noticeId" value={n.id} />
                <button type="submit" className="secondary">
                  {t("notices.markRead")}<span className="visually-hidden">: {title}</span>
                </button>
              </Form>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
