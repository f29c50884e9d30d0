import { pick, type AppLocale } from "~/utils/i18n";

/**
 * Staff categories' names by code, as the staff_category table holds them
 * (configured in content/staff-categories.yaml). Loaders send this map with
 * their rows; pages and exports name a category through it. The list of
 * categories is configuration: code here never assumes it is closed.
 */
export type StaffCategoryNames = Readonly<Record<string, { ko: string; en: string }>>;

/**
 * The category of people who sign up themselves (accounts give it to them).
 * Always configured: content:check refuses a staff-categories.yaml without it.
 */
export const CITIZEN_CATEGORY = "CITIZEN";

/** A category's name in the reader's language; a code the map does not know is shown as it is. */
export function staffCategoryName(names: StaffCategoryNames, code: string, locale: AppLocale): string {
  const name = names[code];
  return name ? pick(locale, name.ko, name.en) : code;
}
