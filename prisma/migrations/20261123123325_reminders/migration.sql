-- AlterEnum
ALTER TYPE "OutboxStatus" ADD VALUE 'CANCELLED';

-- AlterTable
ALTER TABLE "assignment" ADD COLUMN     "escalated_at" TIMESTAMPTZ(3),
ADD COLUMN     "last_reminder_stage" INTEGER NOT NULL DEFAULT 0;

-- CreateIndex
CREATE INDEX "assignment_status_due_at_idx" ON "assignment"("status", "due_at");

