-- What prisma/schema.prisma cannot express. Each statement here is also in the migration that
-- introduced it; scripts/check-migrations.sh applies this file after the SQL generated from the
-- schema and compares the result with what the migrations produce.

-- An HR officer sees the subtree of their grant's unit: a grant without a unit has no scope, and
-- must not exist at all (a scope read as "everything" would be city-wide).
ALTER TABLE "role_grant" ADD CONSTRAINT "role_grant_hr_officer_has_unit"
  CHECK ("role" <> 'HR_OFFICER' OR "org_unit_id" IS NOT NULL);

-- One account per address, whatever its case.
CREATE UNIQUE INDEX "app_user_email_lower_key" ON "app_user" (lower("email"));
