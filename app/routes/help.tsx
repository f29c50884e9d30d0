import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useRouteLoaderData } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { helpFacts } from "~/modules/obligations/help.server";
import { ContactLine, type ContactData } from "~/components/contact-line";
import { pick, type AppLocale } from "~/utils/i18n";
import { pageTitle } from "~/utils/meta";

export const meta: MetaFunction = ({ matches }) => pageTitle(matches, "도움말: 자주 묻는 질문", "Help: frequently asked questions");

/** Public: the answers follow the duties and settings this installation runs with. */
export async function loader(_: LoaderFunctionArgs) {
  return helpFacts();
}

const SECTIONS = ["signIn", "duty", "exemption", "inPerson", "equivalent", "certificate", "reminders", "contact"] as const;
const anchor = (s: string) => `q-${s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** "12-31" as a reader says it: 12월 31일, 31 December. */
function monthDay(value: string, locale: AppLocale): string {
  const [m, d] = value.split("-").map(Number);
  return new Intl.DateTimeFormat(locale === "en" ? "en-GB" : "ko-KR", { month: "long", day: "numeric", timeZone: "UTC" }).format(new Date(Date.UTC(2000, m! - 1, d!)));
}

export default function Help() {
  const d = useLoaderData<typeof loader>();
  const root = useRouteLoaderData<{ contact?: ContactData }>("root");
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const r = d.reminders;
  const weekdays = t("help.reminders.weekdaysLabel", {
    list: r.weekdays.map((n) => t(`help.reminders.weekday.${n}`)).join(t("help.reminders.weekdaySeparator")),
  });
  return (
    <>
      <h1>{t("help.title")}</h1>
      <p className="lead">{t("help.intro")}</p>
      <nav aria-labelledby="help-contents" className="panel">
        <h2 id="help-contents">{t("help.contents")}</h2>
        <ol>
          {SECTIONS.map((s) => (
            <li key={s}><a href={`#${anchor(s)}`}>{t(`help.${s}.q`)}</a></li>
          ))}
        </ol>
      </nav>

      <section aria-labelledby={anchor("signIn")} className="faq">
        <h2 id={anchor("signIn")}>{t("help.signIn.q")}</h2>
        <p>{t("help.signIn.intro")}</p>
        <ul>
          <li>{t(d.sso ? "help.signIn.cityStaff" : "help.signIn.cityStaffNoSso")}</li>
          <li>{t("help.signIn.invited", { days: d.invitationDays })}</li>
          <li>{t("help.signIn.citizen", { hours: d.registrationHours })}</li>
        </ul>
        <p>{t("help.signIn.staffRoles")}</p>
        <ul className="link-list">
          <li><Link to="/login">{t("login.title")}</Link></li>
          <li><Link to="/forgot-password">{t("account.forgot.title")}</Link></li>
          <li><Link to="/register">{t("account.register.title")}</Link></li>
        </ul>
      </section>

      <section aria-labelledby={anchor("duty")} className="faq">
        <h2 id={anchor("duty")}>{t("help.duty.q")}</h2>
        <p>{t("help.duty.intro")}</p>
        {d.duties.length === 0 ? <p>{t("help.duty.none")}</p> : null}
        {d.duties.map((o, i) => (
          <div key={i} className="duty">
            <h3>{pick(locale, o.titleKo, o.titleEn)}</h3>
            <dl className="facts">
              <dt>{t("help.duty.often")}</dt>
              <dd>
                {o.joiningWithinDays !== null
                  ? t("help.duty.onJoining", { days: o.joiningWithinDays })
                  : t(o.cycleKind === "ANNUAL" ? "help.duty.annual" : "help.duty.halfYear")}
              </dd>
              {o.deadlines.length > 0 ? (
                <>
                  <dt>{t("help.duty.deadline")}</dt>
                  <dd>
                    {o.deadlines
                      .map((x) => `${x.period ? `${t(`help.duty.period.${x.period}`)} ` : ""}${t("help.duty.deadlineOne", { date: monthDay(x.monthDay, locale) })}`)
                      .join(" · ")}
                  </dd>
                </>
              ) : null}
              {o.maxMinutes > 0 ? (
                <>
                  <dt>{t("help.duty.minutes")}</dt>
                  <dd>
                    {o.minMinutes === o.maxMinutes
                      ? t("help.duty.minutesValue", { minutes: o.minMinutes })
                      : t("help.duty.minutesRange", { min: o.minMinutes, max: o.maxMinutes })}
                  </dd>
                </>
              ) : null}
              <dt>{t("help.duty.ways")}</dt>
              <dd>{t(o.inPerson ? "help.duty.onlineOrInPerson" : "help.duty.online")}</dd>
              <dt>{t("help.duty.basis")}</dt>
              <dd>{pick(locale, o.legalBasisKo, o.legalBasisEn)}</dd>
            </dl>
          </div>
        ))}
        <p>{t("help.duty.lateJoiner", { days: d.lateJoinerDays })}</p>
        <p><Link to="/">{t("app.nav.home")}</Link></p>
      </section>

      <section aria-labelledby={anchor("exemption")} className="faq">
        <h2 id={anchor("exemption")}>{t("help.exemption.q")}</h2>
        <p>{t("help.exemption.a1")}</p>
        <p>{t("help.exemption.a2")}</p>
        <p>{t("help.exemption.a3")}</p>
      </section>

      <section aria-labelledby={anchor("inPerson")} className="faq">
        <h2 id={anchor("inPerson")}>{t("help.inPerson.q")}</h2>
        <p>{t("help.inPerson.a1")}</p>
        <p>{t("help.inPerson.a2")}</p>
        <p>{t("help.inPerson.a3")}</p>
      </section>

      <section aria-labelledby={anchor("equivalent")} className="faq">
        <h2 id={anchor("equivalent")}>{t("help.equivalent.q")}</h2>
        <p>{t("help.equivalent.a1")}</p>
        <p>{t("help.equivalent.a2")}</p>
      </section>

      <section aria-labelledby={anchor("certificate")} className="faq">
        <h2 id={anchor("certificate")}>{t("help.certificate.q")}</h2>
        <p>{t("help.certificate.a1")}</p>
        <p>{t("help.certificate.a2")}</p>
        <p><Link to="/verify">{t("app.nav.verify")}</Link></p>
      </section>

      <section aria-labelledby={anchor("reminders")} className="faq">
        <h2 id={anchor("reminders")}>{t("help.reminders.q")}</h2>
        <p>
          {t("help.reminders.a1", { days: r.daysBefore.join(", ") })}{" "}
          {r.weeklyAfter > 0 ? t("help.reminders.after", { count: r.weeklyAfter }) : t("help.reminders.afterNone")}
        </p>
        <p>{t("help.reminders.stop")}</p>
        <p>{t("help.reminders.window", { days: weekdays, from: r.windowFrom, to: r.windowTo })}</p>
        <p>{t("help.reminders.escalation", { days: r.escalateAfterDays })}</p>
      </section>

      <section aria-labelledby={anchor("contact")} className="faq">
        <h2 id={anchor("contact")}>{t("help.contact.q")}</h2>
        <p>{t("help.contact.a1")}</p>
        {root?.contact ? <ContactLine contact={root.contact} /> : null}
        <p>{t("help.contact.a2")}</p>
      </section>
    </>
  );
}
