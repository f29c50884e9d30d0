-- AlterTable
ALTER TABLE "course_version" ADD COLUMN     "attempt_wait_hours" INTEGER NOT NULL DEFAULT 24,
ADD COLUMN     "attempts_per_window" INTEGER NOT NULL DEFAULT 3,
ADD COLUMN     "min_lesson_minutes" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "questions_per_attempt" INTEGER;

-- AlterTable
ALTER TABLE "lesson_progress" ADD COLUMN     "seconds_spent" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "quiz_attempt" ADD COLUMN     "items" JSONB NOT NULL DEFAULT '[]';

-- CreateTable
CREATE TABLE "lesson_visit" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "assignment_id" UUID NOT NULL,
    "lesson_id" UUID NOT NULL,
    "first_opened_at" TIMESTAMPTZ(3) NOT NULL,
    "counted_until" TIMESTAMPTZ(3),

    CONSTRAINT "lesson_visit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quiz_paper" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "assignment_id" UUID NOT NULL,
    "course_version_id" UUID NOT NULL,
    "set" "QuestionSet" NOT NULL DEFAULT 'QUIZ',
    "items" JSONB NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "quiz_paper_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "lesson_visit_assignment_id_lesson_id_key" ON "lesson_visit"("assignment_id", "lesson_id");

-- CreateIndex
CREATE INDEX "quiz_paper_assignment_id_set_issued_at_idx" ON "quiz_paper"("assignment_id", "set", "issued_at");

-- AddForeignKey
ALTER TABLE "lesson_visit" ADD CONSTRAINT "lesson_visit_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson_visit" ADD CONSTRAINT "lesson_visit_lesson_id_fkey" FOREIGN KEY ("lesson_id") REFERENCES "lesson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_paper" ADD CONSTRAINT "quiz_paper_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_paper" ADD CONSTRAINT "quiz_paper_course_version_id_fkey" FOREIGN KEY ("course_version_id") REFERENCES "course_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

