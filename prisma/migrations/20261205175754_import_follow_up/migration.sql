-- CreateTable
CREATE TABLE "pending_work" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" TEXT NOT NULL,
    "subject_id" UUID NOT NULL,
    "outbox_ids" UUID[] DEFAULT ARRAY[]::UUID[],
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "done_at" TIMESTAMPTZ(3),

    CONSTRAINT "pending_work_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "pending_work_done_at_created_at_idx" ON "pending_work"("done_at", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "pending_work_kind_subject_id_key" ON "pending_work"("kind", "subject_id");

