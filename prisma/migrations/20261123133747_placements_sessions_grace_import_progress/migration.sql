-- CreateEnum
CREATE TYPE "CompletionMode" AS ENUM ('ONLINE', 'IN_PERSON');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "ImportStatus" ADD VALUE 'CHECKING';
ALTER TYPE "ImportStatus" ADD VALUE 'APPLYING';

-- AlterTable
ALTER TABLE "obligation" ADD COLUMN     "audience_unit_codes" TEXT[],
ADD COLUMN     "grace_days" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "shared_sessions" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "obligation_route" ADD COLUMN     "min_minutes" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "modes" "CompletionMode"[] DEFAULT ARRAY['ONLINE', 'IN_PERSON']::"CompletionMode"[];

-- AlterTable
ALTER TABLE "cycle" ADD COLUMN     "grace_days" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "assignment" ADD COLUMN     "attendance_id" UUID,
ADD COLUMN     "completion_mode" "CompletionMode";

-- AlterTable
ALTER TABLE "personnel_import" ADD COLUMN     "error" TEXT,
ADD COLUMN     "row_count" INTEGER NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "person_placement" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "person_id" UUID NOT NULL,
    "org_unit_id" UUID NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_to" TIMESTAMPTZ(3),

    CONSTRAINT "person_placement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_session" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "title" TEXT NOT NULL,
    "held_on" DATE NOT NULL,
    "minutes" INTEGER NOT NULL,
    "place" TEXT NOT NULL,
    "org_unit_id" UUID NOT NULL,
    "evidence_id" UUID NOT NULL,
    "recorded_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "training_session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "training_session_cycle" (
    "session_id" UUID NOT NULL,
    "cycle_id" UUID NOT NULL,

    CONSTRAINT "training_session_cycle_pkey" PRIMARY KEY ("session_id","cycle_id")
);

-- CreateTable
CREATE TABLE "session_attendance" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "session_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "session_attendance_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "evidence_file" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "file_name" TEXT NOT NULL,
    "media_type" TEXT NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "uploaded_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "evidence_file_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "person_placement_person_id_valid_from_idx" ON "person_placement"("person_id", "valid_from");

-- CreateIndex
CREATE INDEX "person_placement_org_unit_id_idx" ON "person_placement"("org_unit_id");

-- CreateIndex
CREATE INDEX "training_session_org_unit_id_held_on_idx" ON "training_session"("org_unit_id", "held_on");

-- CreateIndex
CREATE INDEX "session_attendance_person_id_idx" ON "session_attendance"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "session_attendance_session_id_person_id_key" ON "session_attendance"("session_id", "person_id");

-- AddForeignKey
ALTER TABLE "person_placement" ADD CONSTRAINT "person_placement_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "person_placement" ADD CONSTRAINT "person_placement_org_unit_id_fkey" FOREIGN KEY ("org_unit_id") REFERENCES "org_unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_attendance_id_fkey" FOREIGN KEY ("attendance_id") REFERENCES "session_attendance"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_session" ADD CONSTRAINT "training_session_org_unit_id_fkey" FOREIGN KEY ("org_unit_id") REFERENCES "org_unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_session" ADD CONSTRAINT "training_session_evidence_id_fkey" FOREIGN KEY ("evidence_id") REFERENCES "evidence_file"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_session_cycle" ADD CONSTRAINT "training_session_cycle_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "training_session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "training_session_cycle" ADD CONSTRAINT "training_session_cycle_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session_attendance" ADD CONSTRAINT "session_attendance_session_id_fkey" FOREIGN KEY ("session_id") REFERENCES "training_session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session_attendance" ADD CONSTRAINT "session_attendance_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- Backfill: everyone's current unit is their first known placement, from when they were added.
INSERT INTO "person_placement" ("person_id", "org_unit_id", "valid_from")
SELECT "id", "org_unit_id", "created_at" FROM "person" WHERE "org_unit_id" IS NOT NULL;

-- Backfill: every completion so far was the online course.
UPDATE "assignment" SET "completion_mode" = 'ONLINE' WHERE "status" = 'COMPLETED';
