-- CreateEnum
CREATE TYPE "VerificationType" AS ENUM ('INVITATION', 'RESET_PASSWORD', 'REGISTRATION');

-- AlterTable
ALTER TABLE "app_user" ADD COLUMN     "password_changed_at" TIMESTAMPTZ(3),
ADD COLUMN     "privacy_consent_at" TIMESTAMPTZ(3),
ADD COLUMN     "privacy_notice_version" TEXT,
ALTER COLUMN "password_hash" DROP NOT NULL;

-- CreateTable
CREATE TABLE "verification" (
    "id" UUID NOT NULL,
    "type" "VerificationType" NOT NULL,
    "target" TEXT NOT NULL,
    "code_hash" TEXT NOT NULL,
    "person_id" UUID,
    "user_id" UUID,
    "data" JSONB,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "throttle_event" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "throttle_event_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "verification_code_hash_key" ON "verification"("code_hash");

-- CreateIndex
CREATE INDEX "verification_expires_at_idx" ON "verification"("expires_at");

-- CreateIndex
CREATE UNIQUE INDEX "verification_type_target_key" ON "verification"("type", "target");

-- CreateIndex
CREATE INDEX "throttle_event_key_created_at_idx" ON "throttle_event"("key", "created_at");

-- AddForeignKey
ALTER TABLE "verification" ADD CONSTRAINT "verification_person_id_fkey" FOREIGN KEY ("person_id") REFERENCES "person"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "verification" ADD CONSTRAINT "verification_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Hand-written (also in prisma/constraints.sql): what the schema cannot say.
-- An HR officer grant without a unit is refused.
ALTER TABLE "role_grant" ADD CONSTRAINT "role_grant_hr_officer_has_unit"
  CHECK ("role" <> 'HR_OFFICER' OR "org_unit_id" IS NOT NULL);

-- One account per address, whatever its case.
CREATE UNIQUE INDEX "app_user_email_lower_key" ON "app_user" (lower("email"));
