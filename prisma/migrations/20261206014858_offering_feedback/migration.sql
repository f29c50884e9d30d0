-- CreateTable
CREATE TABLE "offering_feedback" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "offering_id" UUID NOT NULL,
    "registration_id" UUID NOT NULL,
    "satisfaction" SMALLINT NOT NULL,
    "usefulness" SMALLINT NOT NULL,
    "accessibility" SMALLINT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "submitted_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "offering_feedback_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "offering_feedback_registration_id_key" ON "offering_feedback"("registration_id");

-- CreateIndex
CREATE INDEX "offering_feedback_offering_id_idx" ON "offering_feedback"("offering_id");

-- AddForeignKey
ALTER TABLE "offering_feedback" ADD CONSTRAINT "offering_feedback_registration_id_fkey" FOREIGN KEY ("registration_id") REFERENCES "offering_registration"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

