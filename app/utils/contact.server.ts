import { getEnv } from "./env.server";
import type { AppLocale } from "./i18n";

/** Whom to contact about training, in the reader's language (CONTACT_* settings). */
export interface Contact {
  name: string;
  phone: string;
  /** The phone number as a tel: address: digits and a leading plus only. */
  phoneHref: string;
  email: string;
  /** The academy's own name (ACADEMY_NAME_*): each city runs its own. */
  academy: string;
}

export function contactFor(locale: AppLocale): Contact {
  const env = getEnv();
  return {
    name: locale === "en" ? env.CONTACT_NAME_EN : env.CONTACT_NAME_KO,
    phone: env.CONTACT_PHONE,
    phoneHref: `tel:${env.CONTACT_PHONE.replace(/[^0-9+]/g, "")}`,
    email: env.CONTACT_EMAIL,
    academy: locale === "en" ? env.ACADEMY_NAME_EN : env.ACADEMY_NAME_KO,
  };
}
