import { describe, expect, it } from "vitest";
import { en } from "~/locales/en";
import { ko } from "~/locales/ko";
import { LecturerApplicationStatus, LecturerTraineeStatus } from "~/generated/prisma/enums";
import { LECTURER_FIELDS } from "./codes";
import { APPLY_PROBLEMS } from "./recruitment.server";

describe("lecturer programme codes", () => {
  it("each have a label in both languages", () => {
    for (const locale of [ko, en]) {
      for (const f of LECTURER_FIELDS) expect(locale.lecturers.field[f], f).toBeTruthy();
      for (const s of Object.values(LecturerApplicationStatus)) expect(locale.lecturers.status[s], s).toBeTruthy();
      for (const s of Object.values(LecturerTraineeStatus)) expect(locale.lecturers.traineeStatus[s], s).toBeTruthy();
      for (const p of APPLY_PROBLEMS) expect(locale.lecturers.apply.problem[p], p).toBeTruthy();
    }
  });
});
