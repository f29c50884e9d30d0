-- AlterEnum
ALTER TYPE "ImportKind" ADD VALUE 'ORG_CHART';

-- AlterTable
ALTER TABLE "org_unit" ADD COLUMN     "ended_at" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "org_unit_version" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "unit_id" UUID NOT NULL,
    "parent_id" UUID,
    "name_ko" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "kind" "OrgUnitKind" NOT NULL,
    "valid_from" TIMESTAMPTZ(3) NOT NULL,
    "valid_to" TIMESTAMPTZ(3),
    "import_id" UUID,

    CONSTRAINT "org_unit_version_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "org_unit_version_unit_id_valid_from_idx" ON "org_unit_version"("unit_id", "valid_from");

-- CreateIndex
CREATE INDEX "org_unit_version_parent_id_valid_from_idx" ON "org_unit_version"("parent_id", "valid_from");

-- AddForeignKey
ALTER TABLE "org_unit_version" ADD CONSTRAINT "org_unit_version_unit_id_fkey" FOREIGN KEY ("unit_id") REFERENCES "org_unit"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "org_unit_version" ADD CONSTRAINT "org_unit_version_parent_id_fkey" FOREIGN KEY ("parent_id") REFERENCES "org_unit"("id") ON DELETE SET NULL ON UPDATE CASCADE;


-- A version never ends before it starts.
ALTER TABLE "org_unit_version" ADD CONSTRAINT "org_unit_version_span"
  CHECK ("valid_to" IS NULL OR "valid_to" >= "valid_from");

-- One open version per unit: the one org_unit mirrors.
CREATE UNIQUE INDEX "org_unit_version_open_key" ON "org_unit_version" ("unit_id") WHERE "valid_to" IS NULL;

-- Units changed outside a unit file (the seed, a fix in SQL) keep their open version in step with
-- org_unit: a unit added that way has always been there, a change to it corrects the open version
-- in place. A unit file writes its own versions and says so for its transaction
-- (SET LOCAL hredu.unit_file = 'on'). Statement triggers: one set-based statement however many rows.
CREATE FUNCTION "org_unit_versions_follow"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('hredu.unit_file', true) = 'on' THEN
    RETURN NULL;
  END IF;
  IF TG_OP = 'INSERT' THEN
    INSERT INTO "org_unit_version" ("unit_id", "parent_id", "name_ko", "name_en", "kind", "valid_from")
    SELECT n."id", n."parent_id", n."name_ko", n."name_en", n."kind", TIMESTAMPTZ '1900-01-01 00:00:00+09' FROM "new_units" n;
  ELSE
    UPDATE "org_unit_version" v SET "parent_id" = n."parent_id", "name_ko" = n."name_ko", "name_en" = n."name_en", "kind" = n."kind"
    FROM "new_units" n
    WHERE v."unit_id" = n."id" AND v."valid_to" IS NULL
      AND (v."parent_id", v."name_ko", v."name_en", v."kind") IS DISTINCT FROM (n."parent_id", n."name_ko", n."name_en", n."kind");
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER "org_unit_versions_insert" AFTER INSERT ON "org_unit"
  REFERENCING NEW TABLE AS "new_units" FOR EACH STATEMENT EXECUTE FUNCTION "org_unit_versions_follow"();
CREATE TRIGGER "org_unit_versions_update" AFTER UPDATE ON "org_unit"
  REFERENCING NEW TABLE AS "new_units" FOR EACH STATEMENT EXECUTE FUNCTION "org_unit_versions_follow"();

-- Every unit there is has been as it is since before any history the system keeps (placements,
-- cycles): its first version starts at a fixed early date, not at the row's created_at, which for
-- a chart loaded by hand is later than the placements that point at it.
INSERT INTO "org_unit_version" ("unit_id", "parent_id", "name_ko", "name_en", "kind", "valid_from")
SELECT "id", "parent_id", "name_ko", "name_en", "kind", TIMESTAMPTZ '1900-01-01 00:00:00+09' FROM "org_unit";
