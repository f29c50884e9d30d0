import { prisma } from "~/utils/db.server";
import { CITIZEN_CATEGORY, type StaffCategoryNames } from "./staff-category-names";

export { CITIZEN_CATEGORY };

/**
 * Staff categories are configuration: content/staff-categories.yaml lists them
 * and `npm run content:load` writes them to the staff_category table (ADR 025).
 * A code is any string that table holds; nothing in the product may assume
 * the list is closed. Reports group by whatever categories exist, in
 * sort_order, and name them from the table.
 */
export type StaffCategoryCode = string;

export interface StaffCategoryInfo {
  code: StaffCategoryCode;
  nameKo: string;
  nameEn: string;
  sortOrder: number;
  /** Civil servants' ranks: a grade (급) is recorded, and reports break the category down by grade. */
  graded: boolean;
  /** On the personnel roll that HR officers import (citizens sign up themselves). */
  onRoll: boolean;
  /** The city's own staff: with single sign-on configured, they sign in through the staff portal. */
  cityStaff: boolean;
}

type Db = Pick<typeof prisma, "staffCategory">;

/** Every configured category, in report order. */
export async function listStaffCategories(db: Db = prisma): Promise<StaffCategoryInfo[]> {
  return db.staffCategory.findMany({ orderBy: [{ sortOrder: "asc" }, { code: "asc" }] });
}

/** Names by code, for a page or an export that shows categories. */
export async function staffCategoryNames(db: Db = prisma): Promise<StaffCategoryNames> {
  return namesOf(await listStaffCategories(db));
}

export function namesOf(categories: readonly StaffCategoryInfo[]): StaffCategoryNames {
  return Object.fromEntries(categories.map((c) => [c.code, { ko: c.nameKo, en: c.nameEn }]));
}

/** The categories an HR officer's personnel file may name, in order. */
export async function rollStaffCategories(db: Db = prisma): Promise<StaffCategoryInfo[]> {
  return (await listStaffCategories(db)).filter((c) => c.onRoll);
}

/** Whether people of this category are the city's own staff (single sign-on). */
export async function isCityStaffCategory(code: string, db: Db = prisma): Promise<boolean> {
  const row = await db.staffCategory.findUnique({ where: { code }, select: { cityStaff: true } });
  return row?.cityStaff ?? false;
}
