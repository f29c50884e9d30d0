-- Staff categories become configuration (ADR 025): a table fed from content/staff-categories.yaml
-- by `npm run content:load`, in place of the StaffCategory enum. Every column of the enum becomes
-- text holding the same code, so existing rows keep their values exactly.
--
-- person.staff_category is converted in place by one ALTER ... TYPE text USING: PostgreSQL rewrites
-- the table once under an exclusive lock. At a million people that is a few seconds, done once, in
-- the release's migration window; no batching is needed. Adding the foreign key then reads the
-- table once more to check every row against the six codes seeded here.

-- CreateTable
CREATE TABLE "staff_category" (
    "code" TEXT NOT NULL,
    "name_ko" TEXT NOT NULL,
    "name_en" TEXT NOT NULL,
    "sort_order" INTEGER NOT NULL,
    "graded" BOOLEAN NOT NULL DEFAULT false,
    "on_roll" BOOLEAN NOT NULL DEFAULT true,
    "city_staff" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "staff_category_pkey" PRIMARY KEY ("code")
);

-- The six categories the enum had, as they were named and ordered, so the keys below hold before
-- content:load runs. content:load then writes the file's names, order and flags over them.
INSERT INTO "staff_category" ("code", "name_ko", "name_en", "sort_order", "graded", "on_roll", "city_staff") VALUES
    ('SENIOR_OFFICIAL', '4급 이상 관리자', 'Senior official (grade 4+)', 1, true, true, true),
    ('CIVIL_SERVANT', '공무원', 'Civil servant', 2, true, true, true),
    ('AFFILIATED_STAFF', '투자·출연기관 직원', 'Affiliated organization staff', 3, false, true, false),
    ('WELFARE_FACILITY_STAFF', '복지시설 종사자', 'Welfare facility staff', 4, false, true, false),
    ('EDUCATIONAL_STAFF', '교육기관 종사자', 'Educational institution staff', 5, false, true, false),
    ('CITIZEN', '시민', 'Citizen', 6, false, false, false);

-- AlterTable: the same codes, as text.
ALTER TABLE "person" ALTER COLUMN "staff_category" TYPE TEXT USING "staff_category"::text;
ALTER TABLE "obligation_route" ALTER COLUMN "staff_category" TYPE TEXT USING "staff_category"::text;
ALTER TABLE "notice" ALTER COLUMN "staff_categories" TYPE TEXT[] USING "staff_categories"::text[];

-- DropEnum
DROP TYPE "StaffCategory";

-- AddForeignKey
ALTER TABLE "person" ADD CONSTRAINT "person_staff_category_fkey" FOREIGN KEY ("staff_category") REFERENCES "staff_category"("code") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "obligation_route" ADD CONSTRAINT "obligation_route_staff_category_fkey" FOREIGN KEY ("staff_category") REFERENCES "staff_category"("code") ON DELETE RESTRICT ON UPDATE CASCADE;
