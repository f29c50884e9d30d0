-- AlterTable
ALTER TABLE "obligation" ADD COLUMN     "in_person_share_percent" INTEGER;

-- AlterTable
ALTER TABLE "cycle" ADD COLUMN     "in_person_share_percent" INTEGER;

