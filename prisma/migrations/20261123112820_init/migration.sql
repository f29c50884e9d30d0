-- CreateEnum
CREATE TYPE "OrgUnitKind" AS ENUM ('CITY', 'BUREAU', 'DIVISION', 'TEAM', 'AFFILIATED_ORG', 'WELFARE_FACILITY', 'EDUCATIONAL_INSTITUTION');

-- CreateEnum
CREATE TYPE "StaffCategory" AS ENUM ('SENIOR_OFFICIAL', 'CIVIL_SERVANT', 'AFFILIATED_STAFF', 'WELFARE_FACILITY_STAFF', 'EDUCATIONAL_STAFF', 'CITIZEN');

-- CreateEnum
CREATE TYPE "PersonStatus" AS ENUM ('ACTIVE', 'LEFT');

-- CreateEnum
CREATE TYPE "Role" AS ENUM ('LEARNER', 'HR_OFFICER', 'ACADEMY_ADMIN', 'LECTURER', 'SYSTEM_ADMIN');

-- CreateEnum
CREATE TYPE "Locale" AS ENUM ('ko', 'en');

-- CreateEnum
CREATE TYPE "LessonKind" AS ENUM ('TEXT', 'CASE_STUDY', 'VIDEO');

-- CreateEnum
CREATE TYPE "CycleKind" AS ENUM ('ANNUAL', 'HALF_YEAR');

-- CreateEnum
CREATE TYPE "CycleStatus" AS ENUM ('PLANNED', 'OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "AssignmentStatus" AS ENUM ('ASSIGNED', 'IN_PROGRESS', 'COMPLETED', 'EXEMPTED');

-- CreateEnum
CREATE TYPE "CertificateStatus" AS ENUM ('VALID', 'SUPERSEDED', 'REVOKED');

-- CreateEnum
CREATE TYPE "OutboxStatus" AS ENUM ('PENDING', 'SENDING', 'SENT', 'FAILED');

-- CreateTable
CREATE TABLE "org_unit" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" TEXT NOT NULL,
    "kind" "OrgUnitKind" NOT NULL,
    "name_ko" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "parent_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "org_unit_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "person" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "employee_no" TEXT,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "org_unit_id" UUID,
    "staff_category" "StaffCategory" NOT NULL,
    "grade" INTEGER,
    "status" "PersonStatus" NOT NULL DEFAULT 'ACTIVE',
    "hired_on" DATE,
    "left_on" DATE,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "person_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "app_user" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "password_hash" TEXT NOT NULL,
    "display_name" TEXT NOT NULL,
    "locale" "Locale" NOT NULL DEFAULT 'ko',
    "person_id" UUID,
    "disabled_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "app_user_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "role_grant" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "org_unit_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "role_grant_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "session" (
    "id" TEXT NOT NULL,
    "user_id" UUID NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "absolute_expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "ip_address" TEXT,
    "user_agent" TEXT,

    CONSTRAINT "session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "login_attempt" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "ip_address" TEXT,
    "success" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "login_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "course_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "course_version" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "course_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "content_hash" TEXT NOT NULL,
    "title_ko" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "summary_ko" TEXT NOT NULL,
    "summary_en" TEXT NOT NULL,
    "objectives_ko" TEXT[],
    "objectives_en" TEXT[],
    "estimated_minutes" INTEGER NOT NULL,
    "pass_mark" INTEGER NOT NULL,
    "published_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "course_version_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lesson" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "course_version_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "slug" TEXT NOT NULL,
    "kind" "LessonKind" NOT NULL,
    "title_ko" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "body_html_ko" TEXT NOT NULL,
    "body_html_en" TEXT NOT NULL,
    "sources_ko" TEXT[],
    "sources_en" TEXT[],
    "estimated_minutes" INTEGER NOT NULL,

    CONSTRAINT "lesson_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quiz_question" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "course_version_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "key" TEXT NOT NULL,
    "prompt_ko" TEXT NOT NULL,
    "prompt_en" TEXT NOT NULL,
    "options" JSONB NOT NULL,
    "correct_key" TEXT NOT NULL,
    "explanation_ko" TEXT NOT NULL,
    "explanation_en" TEXT NOT NULL,

    CONSTRAINT "quiz_question_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "obligation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "code" TEXT NOT NULL,
    "title_ko" TEXT NOT NULL,
    "title_en" TEXT NOT NULL,
    "legal_basis_ko" TEXT NOT NULL,
    "legal_basis_en" TEXT NOT NULL,
    "cycle_kind" "CycleKind" NOT NULL,
    "unit_kinds" "OrgUnitKind"[],
    "audience_root_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "obligation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "obligation_route" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "obligation_id" UUID NOT NULL,
    "staff_category" "StaffCategory" NOT NULL,
    "course_id" UUID NOT NULL,

    CONSTRAINT "obligation_route_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cycle" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "obligation_id" UUID NOT NULL,
    "label" TEXT NOT NULL,
    "starts_on" DATE NOT NULL,
    "ends_on" DATE NOT NULL,
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "status" "CycleStatus" NOT NULL DEFAULT 'PLANNED',
    "opened_at" TIMESTAMPTZ(3),
    "closed_at" TIMESTAMPTZ(3),

    CONSTRAINT "cycle_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "assignment" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "cycle_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "course_id" UUID NOT NULL,
    "course_version_id" UUID,
    "status" "AssignmentStatus" NOT NULL DEFAULT 'ASSIGNED',
    "due_at" TIMESTAMPTZ(3) NOT NULL,
    "assigned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "completed_at" TIMESTAMPTZ(3),
    "last_lesson_id" UUID,
    "exempt_reason" TEXT,
    "exempted_by_id" UUID,

    CONSTRAINT "assignment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "lesson_progress" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "assignment_id" UUID NOT NULL,
    "lesson_id" UUID NOT NULL,
    "completed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "lesson_progress_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "quiz_attempt" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "assignment_id" UUID NOT NULL,
    "course_version_id" UUID NOT NULL,
    "answers" JSONB NOT NULL,
    "correct_count" INTEGER NOT NULL,
    "question_count" INTEGER NOT NULL,
    "score_percent" INTEGER NOT NULL,
    "passed" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "quiz_attempt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "certificate" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "serial" SERIAL NOT NULL,
    "number" TEXT NOT NULL,
    "verification_code" TEXT NOT NULL,
    "assignment_id" UUID NOT NULL,
    "person_id" UUID NOT NULL,
    "course_version_id" UUID NOT NULL,
    "holder_name" TEXT NOT NULL,
    "course_title_ko" TEXT NOT NULL,
    "course_title_en" TEXT NOT NULL,
    "obligation_title_ko" TEXT NOT NULL,
    "obligation_title_en" TEXT NOT NULL,
    "cycle_label" TEXT NOT NULL,
    "completed_at" TIMESTAMPTZ(3) NOT NULL,
    "issued_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "status" "CertificateStatus" NOT NULL DEFAULT 'VALID',
    "status_reason" TEXT,
    "status_changed_at" TIMESTAMPTZ(3),

    CONSTRAINT "certificate_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "outbox_email" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "dedupe_key" TEXT NOT NULL,
    "to_address" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "locale" "Locale" NOT NULL,
    "payload" JSONB NOT NULL,
    "status" "OutboxStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "message_id" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sent_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_email_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "audit_event" (
    "id" BIGSERIAL NOT NULL,
    "actor_user_id" UUID,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT,
    "reason" TEXT,
    "data" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "audit_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "org_unit_code_key" ON "org_unit"("code");

-- CreateIndex
CREATE INDEX "org_unit_parent_id_idx" ON "org_unit"("parent_id");

-- CreateIndex
CREATE UNIQUE INDEX "person_employee_no_key" ON "person"("employee_no");

-- CreateIndex
CREATE UNIQUE INDEX "person_email_key" ON "person"("email");

-- CreateIndex
CREATE INDEX "person_org_unit_id_status_idx" ON "person"("org_unit_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_email_key" ON "app_user"("email");

-- CreateIndex
CREATE UNIQUE INDEX "app_user_person_id_key" ON "app_user"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "role_grant_user_id_role_org_unit_id_key" ON "role_grant"("user_id", "role", "org_unit_id");

-- CreateIndex
CREATE INDEX "session_user_id_idx" ON "session"("user_id");

-- CreateIndex
CREATE INDEX "login_attempt_email_created_at_idx" ON "login_attempt"("email", "created_at");

-- CreateIndex
CREATE INDEX "login_attempt_ip_address_created_at_idx" ON "login_attempt"("ip_address", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "course_slug_key" ON "course"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "course_version_course_id_version_key" ON "course_version"("course_id", "version");

-- CreateIndex
CREATE UNIQUE INDEX "lesson_course_version_id_position_key" ON "lesson"("course_version_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "lesson_course_version_id_slug_key" ON "lesson"("course_version_id", "slug");

-- CreateIndex
CREATE UNIQUE INDEX "quiz_question_course_version_id_key_key" ON "quiz_question"("course_version_id", "key");

-- CreateIndex
CREATE UNIQUE INDEX "quiz_question_course_version_id_position_key" ON "quiz_question"("course_version_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "obligation_code_key" ON "obligation"("code");

-- CreateIndex
CREATE UNIQUE INDEX "obligation_route_obligation_id_staff_category_key" ON "obligation_route"("obligation_id", "staff_category");

-- CreateIndex
CREATE UNIQUE INDEX "cycle_obligation_id_label_key" ON "cycle"("obligation_id", "label");

-- CreateIndex
CREATE INDEX "assignment_person_id_idx" ON "assignment"("person_id");

-- CreateIndex
CREATE INDEX "assignment_cycle_id_status_idx" ON "assignment"("cycle_id", "status");

-- CreateIndex
CREATE UNIQUE INDEX "assignment_cycle_id_person_id_key" ON "assignment"("cycle_id", "person_id");

-- CreateIndex
CREATE UNIQUE INDEX "lesson_progress_assignment_id_lesson_id_key" ON "lesson_progress"("assignment_id", "lesson_id");

-- CreateIndex
CREATE INDEX "quiz_attempt_assignment_id_created_at_idx" ON "quiz_attempt"("assignment_id", "created_at");

-- CreateIndex
CREATE UNIQUE INDEX "certificate_serial_key" ON "certificate"("serial");

-- CreateIndex
CREATE UNIQUE INDEX "certificate_number_key" ON "certificate"("number");

-- CreateIndex
CREATE UNIQUE INDEX "certificate_verification_code_key" ON "certificate"("verification_code");

-- CreateIndex
CREATE UNIQUE INDEX "certificate_assignment_id_key" ON "certificate"("assignment_id");

-- CreateIndex
CREATE INDEX "certificate_person_id_idx" ON "certificate"("person_id");

-- CreateIndex
CREATE UNIQUE INDEX "outbox_email_dedupe_key_key" ON "outbox_email"("dedupe_key");

-- CreateIndex
CREATE INDEX "outbox_email_status_created_at_idx" ON "outbox_email"("status", "created_at");

-- CreateIndex
CREATE INDEX "audit_event_entity_type_entity_id_idx" ON "audit_event"("entity_type", "entity_id");

-- CreateIndex
CREATE INDEX "audit_event_actor_user_id_created_at_idx" ON "audit_event"("actor_user_id", "created_at");

-- AddForeignKey
ALTER TABLE "org_unit" ADD CONSTRAINT "org_unit_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "org_unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "person" ADD CONSTRAINT "person_org_unit_id_fkey" FOREIGN KEY ("org_unit_id") REFERENCES "org_unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "app_user" ADD CONSTRAINT "app_user_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_grant" ADD CONSTRAINT "role_grant_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "role_grant" ADD CONSTRAINT "role_grant_org_unit_id_fkey" FOREIGN KEY ("org_unit_id") REFERENCES "org_unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "session" ADD CONSTRAINT "session_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "course_version" ADD CONSTRAINT "course_version_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson" ADD CONSTRAINT "lesson_course_version_id_fkey" FOREIGN KEY ("course_version_id") REFERENCES "course_version"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_question" ADD CONSTRAINT "quiz_question_course_version_id_fkey" FOREIGN KEY ("course_version_id") REFERENCES "course_version"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "obligation" ADD CONSTRAINT "obligation_audience_root_id_fkey" FOREIGN KEY ("audience_root_id") REFERENCES "org_unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "obligation_route" ADD CONSTRAINT "obligation_route_obligation_id_fkey" FOREIGN KEY ("obligation_id") REFERENCES "obligation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "obligation_route" ADD CONSTRAINT "obligation_route_course_id_fkey" FOREIGN KEY ("course_id") REFERENCES "course"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "cycle" ADD CONSTRAINT "cycle_obligation_id_fkey" FOREIGN KEY ("obligation_id") REFERENCES "obligation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_cycle_id_fkey" FOREIGN KEY ("cycle_id") REFERENCES "cycle"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "assignment" ADD CONSTRAINT "assignment_course_version_id_fkey" FOREIGN KEY ("course_version_id") REFERENCES "course_version"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson_progress" ADD CONSTRAINT "lesson_progress_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "lesson_progress" ADD CONSTRAINT "lesson_progress_lesson_id_fkey" FOREIGN KEY ("lesson_id") REFERENCES "lesson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_attempt" ADD CONSTRAINT "quiz_attempt_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "quiz_attempt" ADD CONSTRAINT "quiz_attempt_course_version_id_fkey" FOREIGN KEY ("course_version_id") REFERENCES "course_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificate" ADD CONSTRAINT "certificate_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignment"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificate" ADD CONSTRAINT "certificate_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "certificate" ADD CONSTRAINT "certificate_course_version_id_fkey" FOREIGN KEY ("course_version_id") REFERENCES "course_version"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

