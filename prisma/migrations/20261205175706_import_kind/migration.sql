-- CreateEnum
CREATE TYPE "ImportKind" AS ENUM ('FULL_ROLL', 'CHANGES_ONLY');

-- AlterTable: every file uploaded so far was treated as the full roll of its scope; from now on
-- the officer says which kind it is, so the column keeps no default.
ALTER TABLE "personnel_import" ADD COLUMN     "confirmed_leavers" INTEGER,
ADD COLUMN     "kind" "ImportKind" NOT NULL DEFAULT 'FULL_ROLL';
ALTER TABLE "personnel_import" ALTER COLUMN "kind" DROP DEFAULT;
