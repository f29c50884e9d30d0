-- AlterTable
ALTER TABLE "assignment" ADD COLUMN     "notified_at" TIMESTAMPTZ(3);

