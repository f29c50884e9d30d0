-- AlterTable
ALTER TABLE "assignment" ADD COLUMN     "hr_reminded_at" TIMESTAMPTZ(3);

