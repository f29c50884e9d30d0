-- AlterTable
ALTER TABLE "practicum_attempt" ADD COLUMN     "agreed_levels" JSONB;

