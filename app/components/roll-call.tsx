import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";
import { TableRegion } from "~/components/table-region";

interface Seat {
  id: string;
  name: string;
  employeeNo: string | null;
  unitKo: string | null;
  unitEn: string | null;
  checkedInAt: Date | string | null;
  checkInMethod: string | null;
  rollCall: string | null;
  attendedMinutes: number | null;
  present: boolean;
  noShowAt: Date | string | null;
}

export interface RollState {
  seats: Seat[];
  minutes: number;
  /** Marks can be recorded now. */
  open: boolean;
  started: boolean;
  closedAt: Date | string | null;
  closed: { present: number; completed: number; certificates: number; noShows: number } | null;
}

function hhmm(d: Date | string): string {
  return new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Seoul", hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(d));
}

/**
 * A class's roll call on its management page: each seat marked present or absent (a check-in
 * counts as present), the minutes attended, then closing the roll with a confirmation. Once
 * closed, the roll is shown as it was closed.
 */
export function RollCall({ id, roll, errors, busy }: { id: string; roll: RollState; errors?: Record<string, string>; busy: boolean }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const editable = roll.open;
  const state = (s: Seat) => (s.present ? "present" : s.noShowAt ? "noShow" : s.rollCall === "ABSENT" ? "absent" : "unmarked");
  return (
    <section aria-labelledby="roll-heading">
      <h2 id="roll-heading">{t("offerings.roll.heading")}</h2>
      {roll.closed && roll.closedAt ? (
        <p className="notice">{t("offerings.roll.closed", { when: formatDate(roll.closedAt, locale, true), ...roll.closed })}</p>
      ) : editable ? (
        <p>{t("offerings.roll.intro", { minutes: roll.minutes })}</p>
      ) : (
        <p className="meta">{t("offerings.roll.notOpen")}</p>
      )}
      {roll.seats.length === 0 ? <p className="panel">—</p> : (
        <Form method="post" className="stack">
          <input type="hidden" name="intent" value="roll" />
          <TableRegion labelledBy="roll-caption">
            <table>
              <caption id="roll-caption">{t("offerings.roll.caption", { count: roll.seats.length })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t("offerings.admin.name")}</th>
                  <th scope="col">{t("offerings.roll.mark")}</th>
                  <th scope="col">{t("offerings.roll.minutes")}</th>
                  <th scope="col">{t("offerings.roll.checkIn")}</th>
                  <th scope="col">{t("offerings.admin.employeeNo")}</th>
                  <th scope="col">{t("offerings.admin.unit")}</th>
                </tr>
              </thead>
              <tbody>
                {roll.seats.map((s) => {
                  const effective = s.rollCall ?? (s.checkedInAt ? "PRESENT" : "");
                  return (
                    <tr key={s.id}>
                      <th scope="row">{s.name}</th>
                      <td>
                        {editable ? (
                          <fieldset className="inline-choices">
                            <legend className="visually-hidden">{t("offerings.roll.markOf", { name: s.name })}</legend>
                            <input type="hidden" name="seat" value={s.id} />
                            <label className="option">
                              <input type="radio" name={`roll:${s.id}`} value="PRESENT" defaultChecked={effective === "PRESENT"} />
                              <span>{t("offerings.roll.present")}</span>
                            </label>
                            <label className="option">
                              <input type="radio" name={`roll:${s.id}`} value="ABSENT" defaultChecked={effective === "ABSENT"} />
                              <span>{t("offerings.roll.absent")}</span>
                            </label>
                          </fieldset>
                        ) : (
                          t(`offerings.roll.state.${state(s)}`)
                        )}
                      </td>
                      <td>
                        {editable ? (
                          <>
                            <label htmlFor={`minutes-${s.id}`} className="visually-hidden">{t("offerings.roll.minutesOf", { name: s.name })}</label>
                            <input id={`minutes-${s.id}`} name={`minutes:${s.id}`} type="number" inputMode="numeric" min={0} max={roll.minutes} step={1} defaultValue={s.attendedMinutes ?? ""} placeholder={String(roll.minutes)} className="narrow" />
                          </>
                        ) : s.present ? (s.attendedMinutes ?? roll.minutes) : "—"}
                      </td>
                      <td>{s.checkedInAt ? t(`offerings.roll.via.${s.checkInMethod === "form" ? "form" : "qr"}`, { time: hhmm(s.checkedInAt) }) : t("offerings.roll.notCheckedIn")}</td>
                      <td>{s.employeeNo ?? "—"}</td>
                      <td>{s.unitKo ? pick(locale, s.unitKo, s.unitEn ?? s.unitKo) : "—"}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </TableRegion>
          {editable ? <div><button type="submit" className="primary" disabled={busy}>{t("offerings.roll.save")}</button></div> : null}
        </Form>
      )}
      {roll.closedAt ? null : (
        <>
          <h3 id="close-heading">{t("offerings.roll.closeHeading")}</h3>
          {!roll.started ? <p className="meta">{t("offerings.roll.closeNotStarted")}</p> : (
            <Form method="post" action={`/academy/offerings/${id}`} className="stack" aria-labelledby="close-heading">
              <input type="hidden" name="intent" value="close" />
              <p id="close-intro">{t("offerings.roll.closeIntro")}</p>
              <div>
                <label className="option">
                  <input type="checkbox" name="confirm" value="yes" required aria-describedby={errors?.confirm ? "close-intro confirm-error" : "close-intro"} aria-invalid={errors?.confirm ? true : undefined} />
                  <span>{t("offerings.roll.confirm")}</span>
                </label>
                {errors?.confirm ? <p id="confirm-error" className="field-error">{errors.confirm}</p> : null}
              </div>
              <div><button type="submit" className="secondary" disabled={busy}>{t("offerings.roll.closeSubmit")}</button></div>
            </Form>
          )}
        </>
      )}
    </section>
  );
}
