-- CreateEnum
CREATE TYPE "OfferingFormat" AS ENUM ('IN_PERSON', 'LIVE_ONLINE');

-- CreateEnum
CREATE TYPE "OfferingAudience" AS ENUM ('UNITS', 'ALL_STAFF', 'PUBLIC');

-- CreateEnum
CREATE TYPE "OfferingStatus" AS ENUM ('SCHEDULED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "RegistrationStatus" AS ENUM ('CONFIRMED', 'WAITLISTED', 'CANCELLED');

-- CreateTable
CREATE TABLE "offering" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "series_id" UUID NOT NULL,
    "course_id" UUID,
    "obligation_id" UUID,
    "title_ko" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "description_ko" TEXT NOT NULL DEFAULT '',
    "description_en" TEXT NOT NULL DEFAULT '',
    "topic" TEXT NOT NULL,
    "format" "OfferingFormat" NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "place" TEXT NOT NULL DEFAULT '',
    "district" TEXT NOT NULL DEFAULT '',
    "directions_ko" TEXT NOT NULL DEFAULT '',
    "directions_en" TEXT NOT NULL DEFAULT '',
    "online_url" TEXT,
    "lecturer_user_ids" UUID[],
    "lecturer_names" TEXT NOT NULL DEFAULT '',
    "capacity" INTEGER NOT NULL,
    "audience" "OfferingAudience" NOT NULL,
    "audience_unit_ids" UUID[],
    "registration_closes_at" TIMESTAMPTZ(3) NOT NULL,
    "cancellation_closes_at" TIMESTAMPTZ(3) NOT NULL,
    "accessibility" TEXT[],
    "org_unit_id" UUID,
    "status" "OfferingStatus" NOT NULL DEFAULT 'SCHEDULED',
    "cancelled_at" TIMESTAMPTZ(3),
    "cancel_reason" TEXT,
    "training_session_id" UUID,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "offering_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "offering_registration" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "offering_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "status" "RegistrationStatus" NOT NULL,
    "queued_at" TIMESTAMPTZ(3) NOT NULL,
    "confirmed_at" TIMESTAMPTZ(3),
    "cancelled_at" TIMESTAMPTZ(3),
    "registered_by_id" UUID NOT NULL,
    "reminded_at" TIMESTAMPTZ(3),

    CONSTRAINT "offering_registration_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "offering_training_session_id_key" ON "offering"("training_session_id");

-- CreateIndex
CREATE INDEX "offering_status_starts_at_idx" ON "offering"("status", "starts_at");

-- CreateIndex
CREATE INDEX "offering_series_id_idx" ON "offering"("series_id");

-- CreateIndex
CREATE INDEX "offering_registration_offering_id_status_queued_at_idx" ON "offering_registration"("offering_id", "status", "queued_at");

-- CreateIndex
CREATE INDEX "offering_registration_person_id_idx" ON "offering_registration"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "offering_registration_offering_id_person_id_key" ON "offering_registration"("offering_id", "person_id");

-- AddForeignKey
ALTER TABLE "offering" ADD CONSTRAINT "offering_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "course"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offering" ADD CONSTRAINT "offering_obligation_id_fkey" FOREIGN KEY ("obligation_id") REFERENCES "obligation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offering" ADD CONSTRAINT "offering_org_unit_id_fkey" FOREIGN KEY ("org_unit_id") REFERENCES "org_unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offering" ADD CONSTRAINT "offering_training_session_id_fkey" FOREIGN KEY ("training_session_id") REFERENCES "training_session"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offering_registration" ADD CONSTRAINT "offering_registration_offering_id_fkey" FOREIGN KEY ("offering_id") REFERENCES "offering"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "offering_registration" ADD CONSTRAINT "offering_registration_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

