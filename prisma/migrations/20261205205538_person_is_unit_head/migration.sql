-- AlterTable
ALTER TABLE "person" ADD COLUMN     "is_unit_head" BOOLEAN NOT NULL DEFAULT false;

