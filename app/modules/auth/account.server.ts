import { prisma } from "~/utils/db.server";
import type { AppLocale } from "~/utils/i18n";

export async function saveUserLocale(userId: string, locale: AppLocale) {
  await prisma.user.update({ where: { id: userId }, data: { locale } });
}
