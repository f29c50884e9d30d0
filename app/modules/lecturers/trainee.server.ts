import { listOpenRounds, myApplications, type MyApplication } from "./recruitment.server";
import { screeningCriteria } from "./screening.server";
import { stageLocksOf, stageProgress, type StageLock, type StageProgress } from "./stages.server";

/**
 * What the public programme page shows: the open rounds (with the reader's own application), the
 * track's stages and the screening criteria.
 */
export async function programmePage(personId: string | null) {
  const [rounds, progress] = await Promise.all([listOpenRounds(personId), stageProgress(null)]);
  return { rounds, stages: progress.stages.map(({ stage, courseId, titleKo, titleEn }) => ({ stage, courseId, titleKo, titleEn })), criteria: screeningCriteria().criteria };
}

export interface TraineeSectionData extends StageProgress {
  applications: MyApplication[];
  /** Each locked stage with why. */
  locks: StageLock[];
}

/**
 * The recruitment and stages section of a trainee's or lecturer's own page (/lecturer): their
 * applications and their progress through the stages. Other sections (the practicum, the
 * appointment, lecture requests) sit beside it with loaders of their own.
 */
export async function loadTraineeSection(personId: string): Promise<TraineeSectionData> {
  const [applications, progress] = await Promise.all([myApplications(personId), stageProgress(personId)]);
  return { applications, ...progress, locks: stageLocksOf(progress) };
}
