import { useTranslation } from "react-i18next";

export interface ContactData {
  name: string;
  phone: string;
  phoneHref: string;
  email: string;
  academy: string;
}

/** Whom to ask about training: a name, a phone number and an address people can follow. */
export function ContactLine({ contact }: { contact: ContactData }) {
  const { t } = useTranslation();
  return (
    <p className="contact-line">
      <strong>{t("app.contact")}</strong>: {contact.name} · {t("app.phone")} <a href={contact.phoneHref}>{contact.phone}</a> ·{" "}
      {t("app.email")} <a href={`mailto:${contact.email}`}>{contact.email}</a>
    </p>
  );
}
