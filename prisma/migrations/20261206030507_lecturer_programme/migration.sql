-- CreateEnum
CREATE TYPE "LecturerApplicationStatus" AS ENUM ('SUBMITTED', 'ACCEPTED', 'REJECTED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "LecturerTraineeStatus" AS ENUM ('TRAINING', 'PRACTICUM', 'APPOINTED', 'FAILED', 'WITHDRAWN');

-- CreateEnum
CREATE TYPE "PracticumStatus" AS ENUM ('BOOKED', 'MODERATION', 'PASSED', 'FAILED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "LectureRequestStatus" AS ENUM ('RECEIVED', 'OFFERED', 'SCHEDULED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "LectureOfferStatus" AS ENUM ('OFFERED', 'ACCEPTED', 'DECLINED', 'WITHDRAWN');

-- AlterTable
ALTER TABLE "course_version" ADD COLUMN     "track_stage" INTEGER;

-- CreateTable
CREATE TABLE "lecturer_round" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "title_ko" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "description_ko" TEXT NOT NULL DEFAULT '',
    "description_en" TEXT NOT NULL DEFAULT '',
    "opens_at" TIMESTAMPTZ(3) NOT NULL,
    "closes_at" TIMESTAMPTZ(3) NOT NULL,
    "places" INTEGER NOT NULL,
    "fields" TEXT[],
    "retention_months" INTEGER NOT NULL DEFAULT 36,
    "created_by_id" UUID NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lecturer_round_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lecturer_application" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "round_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "background" TEXT NOT NULL,
    "motivation" TEXT NOT NULL,
    "fields" TEXT[],
    "consent_at" TIMESTAMPTZ(3) NOT NULL,
    "consent_version" TEXT NOT NULL,
    "status" "LecturerApplicationStatus" NOT NULL DEFAULT 'SUBMITTED',
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,
    "decided_at" TIMESTAMPTZ(3),
    "decided_by_id" UUID,
    "decision_reason" TEXT,
    "erased_at" TIMESTAMPTZ(3),

    CONSTRAINT "lecturer_application_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lecturer_application_review" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "application_id" UUID NOT NULL,
    "reviewer_user_id" UUID NOT NULL,
    "scores" JSONB NOT NULL,
    "total" INTEGER NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "lecturer_application_review_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lecturer_trainee" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "person_id" UUID NOT NULL,
    "application_id" UUID NOT NULL,
    "status" "LecturerTraineeStatus" NOT NULL DEFAULT 'TRAINING',
    "accepted_at" TIMESTAMPTZ(3) NOT NULL,
    "ended_at" TIMESTAMPTZ(3),

    CONSTRAINT "lecturer_trainee_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "practicum_attempt" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "trainee_id" UUID NOT NULL,
    "offering_id" UUID NOT NULL,
    "attempt" INTEGER NOT NULL,
    "status" "PracticumStatus" NOT NULL DEFAULT 'BOOKED',
    "combined_score" INTEGER,
    "decided_at" TIMESTAMPTZ(3),
    "moderated_by_id" UUID,
    "moderation_note" TEXT,
    "booked_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "practicum_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "practicum_score" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "attempt_id" UUID NOT NULL,
    "assessor_user_id" UUID NOT NULL,
    "levels" JSONB NOT NULL,
    "feedback" JSONB NOT NULL,
    "total" INTEGER NOT NULL,
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "practicum_score_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lecturer_appointment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "person_id" UUID NOT NULL,
    "trainee_id" UUID,
    "renews_id" UUID,
    "number" TEXT NOT NULL,
    "verification_code" TEXT NOT NULL,
    "starts_on" DATE NOT NULL,
    "ends_on" DATE NOT NULL,
    "appointed_by_id" UUID NOT NULL,
    "appointed_at" TIMESTAMPTZ(3) NOT NULL,
    "ending_notice_at" TIMESTAMPTZ(3),
    "ended_at" TIMESTAMPTZ(3),
    "end_reason" TEXT,

    CONSTRAINT "lecturer_appointment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lecturer_profile" (
    "person_id" UUID NOT NULL,
    "published" BOOLEAN NOT NULL DEFAULT false,
    "public_name" TEXT NOT NULL,
    "fields" TEXT[],
    "districts" TEXT[],
    "languages" TEXT[],
    "accessibility" TEXT[],
    "bio_ko" TEXT NOT NULL DEFAULT '',
    "bio_en" TEXT NOT NULL DEFAULT '',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lecturer_profile_pkey" PRIMARY KEY ("person_id")
);

-- CreateTable
CREATE TABLE "lecture_request" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "organization_name" TEXT NOT NULL,
    "organization_kind" TEXT NOT NULL,
    "org_unit_id" UUID,
    "contact_name" TEXT NOT NULL,
    "contact_email" TEXT NOT NULL,
    "contact_phone" TEXT NOT NULL DEFAULT '',
    "topic" TEXT NOT NULL,
    "field" TEXT NOT NULL DEFAULT '',
    "audience_description" TEXT NOT NULL,
    "audience_size" INTEGER NOT NULL,
    "preferred_from" TIMESTAMPTZ(3) NOT NULL,
    "preferred_to" TIMESTAMPTZ(3) NOT NULL,
    "duration_minutes" INTEGER NOT NULL,
    "place" TEXT NOT NULL,
    "district" TEXT NOT NULL DEFAULT '',
    "accessibility_needs" TEXT[],
    "note" TEXT NOT NULL DEFAULT '',
    "status" "LectureRequestStatus" NOT NULL DEFAULT 'RECEIVED',
    "requested_by_user_id" UUID,
    "offering_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lecture_request_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lecture_offer" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "request_id" UUID NOT NULL,
    "lecturer_person_id" UUID NOT NULL,
    "starts_at" TIMESTAMPTZ(3) NOT NULL,
    "ends_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "LectureOfferStatus" NOT NULL DEFAULT 'OFFERED',
    "offered_by_id" UUID NOT NULL,
    "offered_at" TIMESTAMPTZ(3) NOT NULL,
    "answered_at" TIMESTAMPTZ(3),
    "decline_reason" TEXT,

    CONSTRAINT "lecture_offer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "lecturer_round_opens_at_idx" ON "lecturer_round"("opens_at");

-- CreateIndex
CREATE INDEX "lecturer_application_round_id_status_idx" ON "lecturer_application"("round_id", "status");

-- CreateIndex
CREATE INDEX "lecturer_application_person_id_idx" ON "lecturer_application"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "lecturer_application_round_id_person_id_key" ON "lecturer_application"("round_id", "person_id");

-- CreateIndex
CREATE UNIQUE INDEX "lecturer_application_review_application_id_reviewer_user_id_key" ON "lecturer_application_review"("application_id", "reviewer_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "lecturer_trainee_application_id_key" ON "lecturer_trainee"("application_id");

-- CreateIndex
CREATE INDEX "lecturer_trainee_person_id_idx" ON "lecturer_trainee"("person_id");

-- CreateIndex
CREATE INDEX "practicum_attempt_offering_id_idx" ON "practicum_attempt"("offering_id");

-- CreateIndex
CREATE UNIQUE INDEX "practicum_attempt_trainee_id_attempt_key" ON "practicum_attempt"("trainee_id", "attempt");

-- CreateIndex
CREATE UNIQUE INDEX "practicum_score_attempt_id_assessor_user_id_key" ON "practicum_score"("attempt_id", "assessor_user_id");

-- CreateIndex
CREATE UNIQUE INDEX "lecturer_appointment_renews_id_key" ON "lecturer_appointment"("renews_id");

-- CreateIndex
CREATE UNIQUE INDEX "lecturer_appointment_number_key" ON "lecturer_appointment"("number");

-- CreateIndex
CREATE UNIQUE INDEX "lecturer_appointment_verification_code_key" ON "lecturer_appointment"("verification_code");

-- CreateIndex
CREATE INDEX "lecturer_appointment_person_id_idx" ON "lecturer_appointment"("person_id");

-- CreateIndex
CREATE INDEX "lecturer_appointment_ends_on_idx" ON "lecturer_appointment"("ends_on");

-- CreateIndex
CREATE UNIQUE INDEX "lecture_request_offering_id_key" ON "lecture_request"("offering_id");

-- CreateIndex
CREATE INDEX "lecture_request_status_created_at_idx" ON "lecture_request"("status", "created_at");

-- CreateIndex
CREATE INDEX "lecture_offer_lecturer_person_id_status_idx" ON "lecture_offer"("lecturer_person_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "lecture_offer_request_id_lecturer_person_id_key" ON "lecture_offer"("request_id", "lecturer_person_id");

-- AddForeignKey
ALTER TABLE "lecturer_application" ADD CONSTRAINT "lecturer_application_round_id_fkey" FOREIGN KEY ("round_id") REFERENCES "lecturer_round"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lecturer_application" ADD CONSTRAINT "lecturer_application_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lecturer_application_review" ADD CONSTRAINT "lecturer_application_review_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "lecturer_application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lecturer_trainee" ADD CONSTRAINT "lecturer_trainee_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lecturer_trainee" ADD CONSTRAINT "lecturer_trainee_application_id_fkey" FOREIGN KEY ("application_id") REFERENCES "lecturer_application"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "practicum_attempt" ADD CONSTRAINT "practicum_attempt_trainee_id_fkey" FOREIGN KEY ("trainee_id") REFERENCES "lecturer_trainee"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "practicum_attempt" ADD CONSTRAINT "practicum_attempt_offering_id_fkey" FOREIGN KEY ("offering_id") REFERENCES "offering"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "practicum_score" ADD CONSTRAINT "practicum_score_attempt_id_fkey" FOREIGN KEY ("attempt_id") REFERENCES "practicum_attempt"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lecturer_appointment" ADD CONSTRAINT "lecturer_appointment_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lecturer_appointment" ADD CONSTRAINT "lecturer_appointment_trainee_id_fkey" FOREIGN KEY ("trainee_id") REFERENCES "lecturer_trainee"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lecturer_profile" ADD CONSTRAINT "lecturer_profile_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lecture_request" ADD CONSTRAINT "lecture_request_offering_id_fkey" FOREIGN KEY ("offering_id") REFERENCES "offering"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lecture_offer" ADD CONSTRAINT "lecture_offer_request_id_fkey" FOREIGN KEY ("request_id") REFERENCES "lecture_request"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

