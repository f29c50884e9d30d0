-- A class's arrangements are a list, empty when none: a row written without them (outside the
-- academy's form) gets the empty list, and rows that already hold NULL are given it.
-- AlterTable
ALTER TABLE "offering" ALTER COLUMN "accessibility" SET DEFAULT ARRAY[]::TEXT[];
UPDATE "offering" SET "accessibility" = ARRAY[]::TEXT[] WHERE "accessibility" IS NULL;
