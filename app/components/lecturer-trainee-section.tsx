import type { SerializeFrom } from "@remix-run/node";
import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import type { TraineeSectionData } from "~/modules/lecturers/trainee.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { TableRegion } from "./table-region";

/**
 * A trainee's applications and their progress through the lecturer track's stages: each stage
 * completed, in progress, open (with the enrol button) or locked (with why).
 */
export function LecturerTraineeSection({ data }: { data: SerializeFrom<TraineeSectionData> }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const p = (k: string, o?: Record<string, unknown>) => t(`lecturers.trainee.${k}`, o);
  return (
    <>
      <section aria-labelledby="my-applications">
        <h2 id="my-applications">{p("applicationsHeading")}</h2>
        {data.applications.length === 0 ? (
          <p className="panel">{p("noApplications")} <Link to="/lecturers">{p("findRounds")}</Link></p>
        ) : (
          <ul className="cards">
            {data.applications.map((a) => (
              <li key={a.id} className="card">
                <h3>{pick(locale, a.roundTitleKo, a.roundTitleEn)}</h3>
                <p>{p("applied", { date: formatDate(a.submittedAt, locale), status: t(`lecturers.status.${a.status}`) })}</p>
                <p className="meta">{a.fields.map((f) => t(`lecturers.field.${f}`)).join(", ")}</p>
                {a.decisionReason ? <p>{p("reason", { reason: a.decisionReason })}</p> : null}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section aria-labelledby="my-stages">
        <h2 id="my-stages">{p("stagesHeading")}</h2>
        <p>{data.trainee ? p("statusLine", { status: t(`lecturers.traineeStatus.${data.trainee.status}`) }) : p("notTrainee")}</p>
        <TableRegion labelledBy="stages-caption">
          <table>
            <caption id="stages-caption">{p("caption")}</caption>
            <thead>
              <tr>
                <th scope="col">{p("stage")}</th>
                <th scope="col">{p("course")}</th>
                <th scope="col">{p("state")}</th>
              </tr>
            </thead>
            <tbody>
              {data.stages.map((s) => {
                const title = pick(locale, s.titleKo, s.titleEn);
                const lock = data.locks.find((l) => l.courseId === s.courseId);
                const why = !lock ? null : lock.reason === "notTrainee" ? p("lockedWhy.notTrainee") : p("lockedWhy.stage", { stage: lock.waitingFor });
                return (
                  <tr key={s.courseId}>
                    <td>{t("lecturers.public.stage", { stage: s.stage })}</td>
                    <th scope="row">{title}</th>
                    <td>
                      <span className="stage-state" data-state={s.state}>{p(`states.${s.state}`)}</span>
                      {why ? <p className="meta">{why}</p> : null}
                      {s.assignmentId ? (
                        <p><Link to={`/learn/${s.assignmentId}`}>{s.state === "completed" ? p("review") : p("continue")}<span className="visually-hidden">: {title}</span></Link></p>
                      ) : s.state === "open" ? (
                        <Form method="post" action="/catalog">
                          <input type="hidden" name="intent" value="enrol" />
                          <input type="hidden" name="course" value={s.slug} />
                          <button type="submit" className="primary">{p("start")}<span className="visually-hidden">: {title}</span></button>
                        </Form>
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </TableRegion>
      </section>
    </>
  );
}
