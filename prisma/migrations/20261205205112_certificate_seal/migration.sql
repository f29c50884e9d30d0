-- CreateTable
CREATE TABLE "certificate_seal" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "file_name" TEXT NOT NULL,
    "media_type" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "size" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "content" BYTEA NOT NULL,
    "uploaded_by_user_id" UUID,
    "uploaded_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "certificate_seal_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "certificate_seal_uploaded_at_idx" ON "certificate_seal"("uploaded_at");

-- AddForeignKey
ALTER TABLE "certificate_seal" ADD CONSTRAINT "certificate_seal_uploaded_by_user_id_fkey" FOREIGN KEY ("uploaded_by_user_id") REFERENCES "app_user"("id") ON DELETE SET NULL ON UPDATE CASCADE;

