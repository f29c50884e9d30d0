-- CreateTable
CREATE TABLE "compliance_count" (
    "cycle_id" UUID NOT NULL,
    "unit_id" UUID NOT NULL,
    "staff_category" TEXT NOT NULL,
    "grade" INTEGER NOT NULL,
    "assigned" INTEGER NOT NULL,
    "completed" INTEGER NOT NULL,
    "in_person" INTEGER NOT NULL,
    "in_progress" INTEGER NOT NULL,
    "not_started" INTEGER NOT NULL,
    "exempted" INTEGER NOT NULL,
    "overdue" INTEGER NOT NULL,

    CONSTRAINT "compliance_count_pkey" PRIMARY KEY ("cycle_id","unit_id","staff_category","grade")
);

-- CreateTable
CREATE TABLE "compliance_count_run" (
    "cycle_id" UUID NOT NULL,
    "counted_at" TIMESTAMPTZ(3) NOT NULL,
    "refreshed_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "compliance_count_run_pkey" PRIMARY KEY ("cycle_id")
);

