import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { getCurrentSession } from "~/modules/auth/session.server";
import { programmePage } from "~/modules/lecturers/trainee.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "시민 인권강사 양성", "Citizen human rights lecturers");

/** Public: what the programme is, its stages and criteria, and the rounds open for applications. */
export async function loader({ request }: LoaderFunctionArgs) {
  const current = await getCurrentSession(request);
  return { ...(await programmePage(current?.user.personId ?? null)), signedIn: Boolean(current), hasPerson: Boolean(current?.user.personId) };
}

export default function LecturersProgramme() {
  const d = useLoaderData<typeof loader>();
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const p = (k: string, o?: Record<string, unknown>) => t(`lecturers.public.${k}`, o);
  return (
    <>
      <h1>{p("title")}</h1>
      <p className="lead">{p("intro")}</p>
      <section aria-labelledby="rounds">
        <h2 id="rounds">{p("roundsHeading")}</h2>
        {d.rounds.length === 0 ? <p className="panel">{p("noRounds")}</p> : (
          <ul className="cards">
            {d.rounds.map((r) => {
              const title = pick(locale, r.titleKo, r.titleEn);
              const description = pick(locale, r.descriptionKo, r.descriptionEn);
              return (
                <li key={r.id} className="card">
                  <h3>{title}</h3>
                  {description ? <p className="notice-body">{description}</p> : null}
                  <p className="meta">{p("period", { from: formatDate(r.opensAt, locale), to: formatDate(r.closesAt, locale) })}</p>
                  <p className="meta">{p("places", { count: r.places })}</p>
                  <p className="meta">{p("fields", { fields: r.fields.map((f) => t(`lecturers.field.${f}`)).join(", ") })}</p>
                  <p className="meta">{p("retention", { count: r.retentionMonths })}</p>
                  <div className="actions">
                    {r.myStatus ? (
                      <>
                        <span>{p("mine", { status: t(`lecturers.status.${r.myStatus}`) })}</span>
                        <Link to="/lecturer">{p("myPage")}</Link>
                      </>
                    ) : !r.open ? (
                      <span className="meta">{p("opensLater", { date: formatDate(r.opensAt, locale) })}</span>
                    ) : !d.signedIn ? (
                      <Link to={`/login?redirectTo=${encodeURIComponent(`/lecturers/rounds/${r.id}/apply`)}`}>{p("signIn")}</Link>
                    ) : !d.hasPerson ? (
                      <span className="meta">{p("noPerson")}</span>
                    ) : (
                      <Link className="button" to={`/lecturers/rounds/${r.id}/apply`}>
                        {p("apply")}<span className="visually-hidden">: {title}</span>
                      </Link>
                    )}
                  </div>
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <section aria-labelledby="how">
        <h2 id="how">{p("howHeading")}</h2>
        <ol>
          {(["apply", "screening", "stages", "practicum", "appointment"] as const).map((s) => <li key={s}>{p(`steps.${s}`)}</li>)}
        </ol>
      </section>
      <section aria-labelledby="stages">
        <h2 id="stages">{p("stagesHeading")}</h2>
        <ul className="link-list">
          {d.stages.map((s) => <li key={s.courseId}>{p("stage", { stage: s.stage })}: {pick(locale, s.titleKo, s.titleEn)}</li>)}
        </ul>
      </section>
      <section aria-labelledby="criteria">
        <h2 id="criteria">{p("criteriaHeading")}</h2>
        <p>{p("criteriaIntro")}</p>
        <dl className="panel">
          {d.criteria.map((c) => (
            <div key={c.key}>
              <dt><strong>{pick(locale, c.title.ko, c.title.en)}</strong> ({p("points", { count: c.maxScore })})</dt>
              <dd>{pick(locale, c.description.ko, c.description.en)}</dd>
            </div>
          ))}
        </dl>
      </section>
      {d.signedIn && d.hasPerson ? <p><Link to="/lecturer">{p("myPage")}</Link></p> : null}
    </>
  );
}
