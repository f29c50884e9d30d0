-- AlterTable
ALTER TABLE "offering_registration" ADD COLUMN     "check_in_method" TEXT,
ADD COLUMN     "checked_in_at" TIMESTAMPTZ(3);

