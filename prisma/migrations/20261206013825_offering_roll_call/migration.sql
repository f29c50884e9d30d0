-- CreateEnum
CREATE TYPE "RollCall" AS ENUM ('PRESENT', 'ABSENT');

-- AlterTable
ALTER TABLE "offering" ADD COLUMN     "roll_closed_at" TIMESTAMPTZ(3),
ADD COLUMN     "roll_closed_by_id" UUID;

-- AlterTable
ALTER TABLE "offering_registration" ADD COLUMN     "attended_minutes" INTEGER,
ADD COLUMN     "no_show_at" TIMESTAMPTZ(3),
ADD COLUMN     "roll_call" "RollCall",
ADD COLUMN     "roll_marked_at" TIMESTAMPTZ(3),
ADD COLUMN     "roll_marked_by_id" UUID;

