-- AlterTable
ALTER TABLE "course_version" ADD COLUMN     "recognised_hours" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "certificate" ADD COLUMN     "recognised_hours" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "unit_code" TEXT,
ADD COLUMN     "unit_name_en" TEXT,
ADD COLUMN     "unit_name_ko" TEXT;


-- Versions published before courses stated their hours: one hour per 50 minutes of estimated
-- learning time, a remainder of 25 minutes or more counting as another, at least one
-- (content/README.md, recognisedHours).
UPDATE "course_version" SET "recognised_hours" = GREATEST(1, round("estimated_minutes" / 50.0)::int);

-- Certificates already issued: the hours of the version they certified, and the unit the holder
-- sat in when they completed (their placement then; their unit now if no placement covers it).
UPDATE "certificate" c SET "recognised_hours" = v."recognised_hours"
FROM "course_version" v WHERE v."id" = c."course_version_id";

UPDATE "certificate" c SET "unit_code" = u."code", "unit_name_ko" = u."name_ko", "unit_name_en" = u."name_en"
FROM "person" p, "org_unit" u
WHERE p."id" = c."person_id"
  AND u."id" = COALESCE(
    (SELECT pl."org_unit_id" FROM "person_placement" pl
     WHERE pl."person_id" = p."id" AND pl."valid_from" <= c."completed_at"
       AND (pl."valid_to" IS NULL OR pl."valid_to" > c."completed_at")
     ORDER BY pl."valid_from" DESC LIMIT 1),
    p."org_unit_id");
