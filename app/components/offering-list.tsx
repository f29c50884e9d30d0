import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CATALOG_FORMATS, DISTRICTS, OFFERING_AUDIENCES, TOPICS } from "~/modules/offerings/codes";
import { formatDate, pick, type AppLocale } from "~/utils/i18n";

interface Filters {
  q?: string;
  topic?: string;
  format?: string;
  audience?: string;
  district?: string;
  from?: string;
  to?: string;
}

/** The catalog's search: a GET form, so a filtered list is a link that can be shared. */
export function OfferingFilters({ filters }: { filters: Filters }) {
  const { t } = useTranslation();
  const c = (k: string) => t(`offerings.catalog.${k}`);
  const choice = (name: keyof Filters, values: readonly string[], label: (v: string) => string) => (
    <div>
      <label htmlFor={`f-${name}`}>{c(name)}</label>
      <select id={`f-${name}`} name={name} defaultValue={filters[name] ?? ""}>
        <option value="">{c("any")}</option>
        {values.map((v) => <option key={v} value={v}>{label(v)}</option>)}
      </select>
    </div>
  );
  return (
      <Form method="get" className="filters" role="search" aria-label={c("filters")}>
        <div>
          <label htmlFor="f-q">{c("q")}</label>
          <input id="f-q" name="q" type="search" defaultValue={filters.q ?? ""} maxLength={100} />
        </div>
        {choice("topic", TOPICS, (v) => t(`offerings.topic.${v}`))}
        {choice("format", CATALOG_FORMATS, (v) => t(`offerings.format.${v}`))}
        {choice("audience", OFFERING_AUDIENCES, (v) => t(`offerings.audience.${v}`))}
        {choice("district", DISTRICTS, (v) => t(`offerings.district.${v}`))}
        <div>
          <label htmlFor="f-from">{c("from")}</label>
          <input id="f-from" name="from" type="date" defaultValue={filters.from ?? ""} />
        </div>
        <div>
          <label htmlFor="f-to">{c("to")}</label>
          <input id="f-to" name="to" type="date" defaultValue={filters.to ?? ""} />
        </div>
        <div className="actions">
          <button type="submit" className="primary">{c("apply")}</button>
          <Link to="/catalog">{c("reset")}</Link>
        </div>
      </Form>
  );
}

interface ListedOffering {
  id: string;
  titleKo: string;
  titleEn: string;
  topic: string;
  format: string;
  audience: string;
  startsAt: string | Date;
  place: string;
  district: string;
  accessibility: string[];
  capacity: number;
  confirmed: number;
  waitlisted: number;
  myStatus: string | null;
}

/** Upcoming classes as cards: when, where, seats left or the waiting list, accessibility, the reader's own place. */
export function OfferingList({ offerings }: { offerings: ListedOffering[] }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  return (
    <section aria-labelledby="offerings-heading">
      <h2 id="offerings-heading">{t("offerings.catalog.heading")}</h2>
      <p>{t("offerings.catalog.intro")}</p>
      <p className="meta" role="status">{offerings.length === 0 ? t("offerings.catalog.none") : t("offerings.catalog.count", { count: offerings.length })}</p>
      <ul className="cards">
        {offerings.map((o) => {
          const title = pick(locale, o.titleKo, o.titleEn);
          const left = Math.max(0, o.capacity - o.confirmed);
          return (
            <li key={o.id} className="card">
              <h3><Link to={`/catalog/offerings/${o.id}`}>{title}</Link></h3>
              <p className="meta">
                {formatDate(o.startsAt, locale, true)} · {t(`offerings.format.${o.format}`)}
                {o.format === "IN_PERSON" ? ` · ${o.place}${o.district ? ` (${t(`offerings.district.${o.district}`)})` : ""}` : ""}
              </p>
              <p className="meta">{t(`offerings.topic.${o.topic}`)} · {t(`offerings.audience.${o.audience}`)}</p>
              <p>{left > 0 ? t("offerings.catalog.seatsLeft", { count: left, capacity: o.capacity }) : t("offerings.catalog.full", { count: o.waitlisted })}</p>
              {o.accessibility.length ? <p className="meta">{o.accessibility.map((a) => t(`offerings.accessibility.${a}`)).join(" · ")}</p> : null}
              {o.myStatus ? <p><span className="badge">{t("offerings.catalog.mine", { status: t(`offerings.status.${o.myStatus}`) })}</span></p> : null}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
