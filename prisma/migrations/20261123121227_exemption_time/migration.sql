-- AlterTable
ALTER TABLE "assignment" ADD COLUMN     "exempted_at" TIMESTAMPTZ(3);

