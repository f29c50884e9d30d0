import { Form, Link } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { formatDate, type AppLocale } from "~/utils/i18n";
import { TextField } from "~/components/text-field";

/** An offer as the section shows it (what lecturerOffersSection in offers.server.ts returns). */
export interface OfferView {
  id: string;
  organizationName: string;
  organizationKind: string;
  topic: string;
  audienceDescription: string;
  audienceSize: number;
  place: string;
  district: string;
  accessibilityNeeds: string[];
  note: string;
  startsAt: Date | string;
  endsAt: Date | string;
  status: string;
  declineReason: string | null;
  offeringId: string | null;
}

/** Where the section's forms post: the lecturer's offers page answers them. */
export const OFFERS_ACTION = "/lecturer/requests";

/**
 * The lecturer's offers: each awaiting one with its details, "accept", and "decline" with a reason;
 * then the answered ones. Usable on any lecturer page, under a heading of the level given (2 by
 * default; 1 where it is the page, whose title it then is); its forms post to OFFERS_ACTION.
 */
export function LectureOffersSection({ offers, errors, busy, headingLevel = 2 }: { offers: { open: OfferView[]; answered: OfferView[] }; errors?: Record<string, string>; busy?: boolean; headingLevel?: 1 | 2 | 3 }) {
  const { t, i18n } = useTranslation();
  const locale = i18n.language as AppLocale;
  const k = (key: string, vars?: Record<string, unknown>) => t(`lectureRequests.lecturer.${key}`, vars);
  const H = (["h1", "h2", "h3"] as const)[headingLevel - 1]!;
  const Sub = (["h2", "h3", "h4"] as const)[headingLevel - 1]!;
  return (
    <section aria-labelledby="offers-heading">
      <H id="offers-heading">{k("title")}</H>
      <p>{k("intro")}</p>
      {offers.open.length === 0 ? <p className="panel">{k("none")}</p> : (
        <ul className="cards">
          {offers.open.map((o) => (
            <li key={o.id} className="panel">
              <Sub id={`offer-${o.id}`}>{o.organizationName}</Sub>
              <dl className="facts">
                <dt>{k("when")}</dt><dd>{formatDate(o.startsAt, locale, true)} – {formatDate(o.endsAt, locale, true)}</dd>
                <dt>{k("place")}</dt><dd>{o.place}{o.district ? ` (${t(`offerings.district.${o.district}`)})` : ""}</dd>
                <dt>{k("topic")}</dt><dd>{t(`offerings.topic.${o.topic}`)}</dd>
                <dt>{k("audience")}</dt><dd>{t(`lectureRequests.kind.${o.organizationKind}`)} · {o.audienceDescription} · {k("size", { count: o.audienceSize })}</dd>
                {o.accessibilityNeeds.length ? <><dt>{k("accessibility")}</dt><dd>{o.accessibilityNeeds.map((a) => t(`offerings.accessibility.${a}`)).join(", ")}</dd></> : null}
                {o.note ? <><dt>{k("note")}</dt><dd className="pre-line">{o.note}</dd></> : null}
              </dl>
              <Form method="post" action={OFFERS_ACTION}>
                <input type="hidden" name="intent" value="accept" />
                <input type="hidden" name="offerId" value={o.id} />
                <button type="submit" className="primary" disabled={busy} aria-label={k("acceptOf", { name: o.organizationName })}>{k("accept")}</button>
              </Form>
              <Form method="post" action={OFFERS_ACTION} className="stack" aria-labelledby={`offer-${o.id}`}>
                <input type="hidden" name="intent" value="decline" />
                <input type="hidden" name="offerId" value={o.id} />
                <TextField name={`reason-${o.id}`} label={k("reason")} hint={k("reasonHint")} error={errors?.[`reason-${o.id}`]} maxLength={500} />
                <div><button type="submit" className="secondary" disabled={busy}>{k("decline")}</button></div>
              </Form>
            </li>
          ))}
        </ul>
      )}
      {offers.answered.length ? (
        <>
          <Sub>{k("answered")}</Sub>
          <ul>
            {offers.answered.map((o) => (
              <li key={o.id}>
                {o.offeringId ? <Link to={`/academy/offerings/${o.offeringId}`}>{o.organizationName}</Link> : o.organizationName} · {formatDate(o.startsAt, locale, true)} · {t(`lectureRequests.offerStatus.${o.status}`)}
                {o.declineReason ? ` — ${o.declineReason}` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
