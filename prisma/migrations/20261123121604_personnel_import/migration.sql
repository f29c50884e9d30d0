-- CreateEnum
CREATE TYPE "ImportStatus" AS ENUM ('CHECKED', 'APPLIED', 'FAILED');

-- CreateTable
CREATE TABLE "personnel_import" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "actor_user_id" UUID NOT NULL,
    "file_name" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "scope_unit_ids" UUID[],
    "status" "ImportStatus" NOT NULL DEFAULT 'CHECKED',
    "summary" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "applied_at" TIMESTAMPTZ(3),

    CONSTRAINT "personnel_import_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "personnel_import_actor_user_id_created_at_idx" ON "personnel_import"("actor_user_id", "created_at");

