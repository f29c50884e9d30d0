-- DropIndex
DROP INDEX "outbox_email_status_created_at_idx";

-- CreateIndex
CREATE INDEX "outbox_email_status_created_at_id_idx" ON "outbox_email"("status", "created_at", "id");

