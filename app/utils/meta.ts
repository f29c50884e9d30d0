import type { AppLocale } from "./i18n";

type Match = { id: string; data: unknown };

const SUFFIX = { ko: "인권교육 이수관리", en: "Human Rights Education" } as const;

/** A page title in the reader's language, with the product name after it. */
export function pageTitle(matches: Match[], ko: string, en: string): Array<{ title: string }> {
  const root = matches.find((m) => m.id === "root")?.data as { locale?: AppLocale } | undefined;
  const locale = root?.locale ?? "ko";
  return [{ title: `${locale === "en" ? en : ko} · ${SUFFIX[locale]}` }];
}
