import { DEFAULT_LOCALE, isLocale, translator, type AppLocale } from "./i18n";

export const LOCALE_COOKIE = "hre_lang";

function cookieValue(request: Request, name: string): string | null {
  const header = request.headers.get("Cookie") ?? "";
  for (const part of header.split(";")) {
    const [k, ...v] = part.trim().split("=");
    if (k === name) return v.join("=");
  }
  return null;
}

/** The language a person reads: their saved choice, else the cookie, else Korean. */
export function resolveLocale(request: Request, userLocale?: string | null): AppLocale {
  const fromCookie = cookieValue(request, LOCALE_COOKIE);
  if (isLocale(fromCookie)) return fromCookie;
  if (isLocale(userLocale)) return userLocale;
  return DEFAULT_LOCALE;
}

export function localeCookie(locale: AppLocale): string {
  return `${LOCALE_COOKIE}=${locale}; Path=/; SameSite=Lax; Max-Age=${60 * 60 * 24 * 365}`;
}

export function requestTranslator(request: Request, userLocale?: string | null) {
  const locale = resolveLocale(request, userLocale);
  return { locale, t: translator(locale) };
}
