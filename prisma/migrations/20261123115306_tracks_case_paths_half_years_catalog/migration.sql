-- CreateEnum
CREATE TYPE "CourseTrack" AS ENUM ('ANNUAL_SENIOR', 'ANNUAL_GENERAL', 'DISABILITY', 'LECTURER', 'ELECTIVE');

-- CreateEnum
CREATE TYPE "JobFamily" AS ENUM ('FRONT_DESK', 'WELFARE', 'HOUSING', 'TRANSPORT', 'PROCUREMENT', 'CALL_CENTRE', 'WORKPLACE', 'FACILITIES_EVENTS', 'ENFORCEMENT', 'EDUCATION', 'CARE_FACILITY', 'POLICY');

-- CreateEnum
CREATE TYPE "QuestionSet" AS ENUM ('QUIZ', 'PRETEST');

-- DropIndex
DROP INDEX "quiz_question_course_version_id_key_key";

-- DropIndex
DROP INDEX "quiz_question_course_version_id_position_key";

-- DropIndex
DROP INDEX "obligation_route_obligation_id_staff_category_key";

-- DropIndex
DROP INDEX "assignment_person_id_idx";

-- AlterTable
ALTER TABLE "person" ADD COLUMN     "job_family" "JobFamily";

-- AlterTable
ALTER TABLE "course_version" ADD COLUMN     "case_path_required" INTEGER,
ADD COLUMN     "edition" TEXT,
ADD COLUMN     "glossary" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN     "practicum" JSONB,
ADD COLUMN     "track" "CourseTrack" NOT NULL DEFAULT 'ELECTIVE';

-- AlterTable
ALTER TABLE "lesson" ADD COLUMN     "core" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "job_family" "JobFamily";

-- AlterTable
ALTER TABLE "quiz_question" ADD COLUMN     "set" "QuestionSet" NOT NULL DEFAULT 'QUIZ';

-- AlterTable
ALTER TABLE "obligation" ADD COLUMN     "deadlines" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "obligation_route" ADD COLUMN     "period" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "cycle" ADD COLUMN     "period" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "assignment" ALTER COLUMN "cycle_id" DROP NOT NULL,
ALTER COLUMN "due_at" DROP NOT NULL;

-- AlterTable
ALTER TABLE "quiz_attempt" ADD COLUMN     "set" "QuestionSet" NOT NULL DEFAULT 'QUIZ';

-- CreateIndex
CREATE UNIQUE INDEX "quiz_question_course_version_id_set_key_key" ON "quiz_question"("course_version_id", "set", "key");

-- CreateIndex
CREATE UNIQUE INDEX "quiz_question_course_version_id_set_position_key" ON "quiz_question"("course_version_id", "set", "position");

-- CreateIndex
CREATE UNIQUE INDEX "obligation_route_obligation_id_staff_category_period_key" ON "obligation_route"("obligation_id", "staff_category", "period");

-- CreateIndex
CREATE INDEX "assignment_person_id_course_id_idx" ON "assignment"("person_id", "course_id");

