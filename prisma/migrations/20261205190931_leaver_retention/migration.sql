-- AlterTable
ALTER TABLE "person" ADD COLUMN     "personal_data_removed_at" TIMESTAMPTZ(3);

