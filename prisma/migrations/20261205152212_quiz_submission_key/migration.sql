-- AlterTable
ALTER TABLE "quiz_attempt" ADD COLUMN     "submission_key" UUID;

-- CreateIndex
CREATE UNIQUE INDEX "quiz_attempt_assignment_id_submission_key_key" ON "quiz_attempt"("assignment_id", "submission_key");

