-- AlterTable
ALTER TABLE "obligation" ADD COLUMN     "joining_within_days" INTEGER;

