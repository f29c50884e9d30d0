-- AlterTable
ALTER TABLE "outbox_email" ADD COLUMN     "claimed_at" TIMESTAMPTZ(3);

