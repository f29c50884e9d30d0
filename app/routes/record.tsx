import type { HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { TableRegion } from "~/components/table-region";
import { requireLearner } from "~/modules/learning/guard.server";
import { learnerRecord, type RecordEntry } from "~/modules/learning/record.server";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "나의 교육 이수 기록", "My training record");

export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

/** The signed-in learner's own record, every year; accounts with no personnel record have none (403). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { personId } = await requireLearner(request);
  return { years: await learnerRecord(personId) };
}

type Entry = Omit<RecordEntry, "dueAt" | "completedAt"> & { dueAt: string | null; completedAt: string | null };

export default function Record() {
  const { years } = useLoaderData<typeof loader>();
  const { t } = useTranslation();
  return (
    <>
      <h1>{t("record.title")}</h1>
      <p className="lead">{t("record.intro")}</p>
      <p><a className="button secondary" href="/record.pdf" download>{t("record.download")}</a></p>
      {years.length === 0 ? <p className="panel">{t("record.none")}</p> : null}
      {years.map((y) => (
        <section key={y.year} className="panel" aria-labelledby={`year-${y.year}`}>
          <h2 id={`year-${y.year}`}>{t("record.year", { year: y.year })}</h2>
          <p>{t("record.yearHours", { year: y.year, hours: y.hours })}</p>
          {(["duties", "electives"] as const).map((kind) =>
            y[kind].length === 0 ? null : <RecordTable key={kind} year={y.year} kind={kind} entries={y[kind] as Entry[]} />,
          )}
        </section>
      ))}
    </>
  );
}

function RecordTable({ year, kind, entries }: { year: number; kind: "duties" | "electives"; entries: Entry[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const captionId = `record-${year}-${kind}`;
  return (
    <TableRegion labelledBy={captionId}>
      <table>
        <caption id={captionId}>{t("record.caption", { year, kind: t(`record.${kind}`) })}</caption>
        <thead>
          <tr>
            <th scope="col">{t("record.course")}</th>
            {kind === "duties" ? <th scope="col">{t("record.obligation")}</th> : null}
            <th scope="col">{t("record.state")}</th>
            <th scope="col">{t("record.completedAt")}</th>
            <th scope="col" className="num">{t("record.hours")}</th>
            <th scope="col">{t("record.certificate")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => {
            const course = pick(locale, e.courseTitleKo, e.courseTitleEn);
            return (
              <tr key={e.assignmentId}>
                <th scope="row">{course}</th>
                {kind === "duties" ? <td>{pick(locale, e.obligationTitleKo ?? "", e.obligationTitleEn ?? "")} · {e.cycleLabel}</td> : null}
                <td>
                  {t(`status.${e.status}`)}
                  {e.completionMode === "IN_PERSON" ? ` (${t("record.inPerson")})` : e.completionMode === "EQUIVALENT" ? ` (${t("record.equivalent")})` : ""}
                </td>
                <td>
                  {e.completedAt
                    ? formatDate(e.completedAt, locale)
                    : e.dueAt && e.status !== "EXEMPTED"
                      ? t("record.due", { date: formatDate(e.dueAt, locale) })
                      : ""}
                </td>
                <td className="num">{e.hours === null ? "—" : t("record.hoursValue", { count: e.hours })}</td>
                <td>
                  {e.certificateId ? (
                    <a href={`/certificates/${e.certificateId}.pdf`} download>
                      {t("record.certificateLink", { number: e.certificateNumber })}
                      <span className="visually-hidden">: {course}</span>
                    </a>
                  ) : (
                    t("record.noCertificate")
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </TableRegion>
  );
}
