-- CreateTable
CREATE TABLE "scheduled_cycle_action" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cycle_id" UUID NOT NULL,
    "action" TEXT NOT NULL,
    "run_on" DATE NOT NULL,
    "run_at" TIMESTAMPTZ(3) NOT NULL,
    "new_due_on" TEXT,
    "unit_id" UUID,
    "reason" TEXT,
    "close_in_flight" BOOLEAN NOT NULL DEFAULT false,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "cancelled_at" TIMESTAMPTZ(3),
    "cancelled_by_id" UUID,
    "done_at" TIMESTAMPTZ(3),
    "outcome" JSONB,
    "failed" BOOLEAN NOT NULL DEFAULT false,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,

    CONSTRAINT "scheduled_cycle_action_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "scheduled_cycle_action_done_at_cancelled_at_run_at_idx" ON "scheduled_cycle_action"("done_at", "cancelled_at", "run_at");

-- CreateIndex
CREATE INDEX "scheduled_cycle_action_cycle_id_idx" ON "scheduled_cycle_action"("cycle_id");

-- AddForeignKey
ALTER TABLE "scheduled_cycle_action" ADD CONSTRAINT "scheduled_cycle_action_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "scheduled_cycle_action" ADD CONSTRAINT "scheduled_cycle_action_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "org_unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

