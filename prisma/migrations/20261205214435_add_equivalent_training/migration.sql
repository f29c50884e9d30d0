-- AlterEnum
ALTER TYPE "CompletionMode" ADD VALUE 'EQUIVALENT';

-- CreateTable
CREATE TABLE "equivalent_training" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "assignment_id" UUID NOT NULL,
    "course_name" TEXT NOT NULL,
    "provider" TEXT NOT NULL,
    "completed_on" DATE NOT NULL,
    "minutes" INTEGER NOT NULL,
    "evidence_id" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "recorded_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "withdrawn_at" TIMESTAMPTZ(3),
    "withdrawn_by_id" UUID,
    "withdraw_reason" TEXT,

    CONSTRAINT "equivalent_training_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "equivalent_training_assignment_id_idx" ON "equivalent_training"("assignment_id");

-- AddForeignKey
ALTER TABLE "equivalent_training" ADD CONSTRAINT "equivalent_training_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "equivalent_training" ADD CONSTRAINT "equivalent_training_evidence_id_fkey" FOREIGN KEY ("evidence_id") REFERENCES "evidence_file"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

