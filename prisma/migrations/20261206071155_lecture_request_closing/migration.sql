-- AlterTable
ALTER TABLE "lecture_request" ADD COLUMN     "close_reason" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "closed_at" TIMESTAMPTZ(3);

