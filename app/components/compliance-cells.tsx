import { useTranslation } from "react-i18next";
import { formatDate, type AppLocale } from "~/utils/i18n";

/** A unit's counts in a cycle, as the compliance functions return them. */
export type Counts = { assigned: number; completed: number; inPerson: number; inProgress: number; notStarted: number; exempted: number; overdue: number; ratePercent: number | null };

/** "12 (40%)": in-person completions and their share of all completions. */
export function inPersonShare(inPerson: number, completed: number) {
  return completed > 0 ? `${inPerson} (${Math.round((100 * inPerson) / completed)}%)` : String(inPerson);
}

/** The column headers of a unit's counts, after the unit's own column. */
export function CountHeaders() {
  const { t } = useTranslation();
  return (
    <>
      {["assigned", "completed", "inPerson", "inProgress", "notStarted", "exempted", "overdue", "rate"].map((k) => (
        <th key={k} scope="col" className="num">{t(`hr.${k}`)}</th>
      ))}
    </>
  );
}

/** A unit's counts, in the order of CountHeaders. */
export function CountCells({ counts: c }: { counts: Counts }) {
  return (
    <>
      {[c.assigned, c.completed].map((n, i) => (
        <td key={i} className="num">{n}</td>
      ))}
      <td className="num">{inPersonShare(c.inPerson, c.completed)}</td>
      {[c.inProgress, c.notStarted, c.exempted, c.overdue].map((n, i) => (
        <td key={i} className="num">{n}</td>
      ))}
      <td className="num">{c.ratePercent === null ? "—" : `${c.ratePercent}%`}</td>
    </>
  );
}

/** One person's progress in a cycle: state, lessons done, deadline, and when and how they completed. */
export function ProgressCells({ p }: { p: { status: string; lessonsDone: number; dueAt: string | Date; completedAt: string | Date | null; completionMode: string | null } }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <>
      <td><span className={`badge ${p.status}`}>{t(`status.${p.status}`)}</span></td>
      <td className="num">{p.lessonsDone}</td>
      <td>{formatDate(p.dueAt, locale)}</td>
      <td>
        {p.completedAt ? formatDate(p.completedAt, locale) : "—"}
        {p.completionMode ? ` (${t(`completionMode.${p.completionMode}`)})` : ""}
      </td>
    </>
  );
}
