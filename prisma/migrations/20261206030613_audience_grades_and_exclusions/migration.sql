-- Obligation files name grades on routes ("grades 1 to 4 take the senior course") and units whose
-- subtrees the audience leaves out (audience.except). A category may now be routed more than once in
-- a period, for grade ranges that do not overlap (content:check refuses overlaps).
-- DropIndex
DROP INDEX "obligation_route_obligation_id_staff_category_period_key";

-- AlterTable
ALTER TABLE "obligation" ADD COLUMN     "audience_except_codes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- AlterTable
ALTER TABLE "obligation_route" ADD COLUMN     "grade_from" INTEGER,
ADD COLUMN     "grade_to" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "obligation_route_obligation_id_staff_category_period_grade__key" ON "obligation_route"("obligation_id", "staff_category", "period", "grade_from");


-- A route's grades: both or neither, from the higher grade (smaller number) to the lower, 1 to 9.
ALTER TABLE "obligation_route" ADD CONSTRAINT "obligation_route_grades"
  CHECK ((grade_from IS NULL AND grade_to IS NULL) OR (grade_from BETWEEN 1 AND 9 AND grade_to BETWEEN grade_from AND 9));
