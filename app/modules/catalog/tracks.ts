/** Tracks anyone may enrol in from the catalog; mandatory ones come through obligations. */
export const SELF_ENROL_TRACKS = ["ELECTIVE", "LECTURER"] as const;

export function isSelfEnrolTrack(track: string): boolean {
  return (SELF_ENROL_TRACKS as readonly string[]).includes(track);
}
