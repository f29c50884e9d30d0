import { prisma } from "~/utils/db.server";
import { now } from "~/utils/clock.server";
import { seoulDateKey } from "~/utils/i18n";
import type { RequestInput } from "~/modules/lecturers/requests.server";
import { createPerson, createUnit, createUser, uid } from "./factories";

/**
 * An appointed citizen human rights lecturer: a person whose account holds LECTURER, with an
 * appointment running today (or as told) and, when fields or districts are given, a directory profile.
 */
export async function createAppointedLecturer(opts: { name?: string; fields?: string[]; districts?: string[]; appointment?: "active" | "ended" | "expired" | "none"; role?: boolean } = {}) {
  const unit = await createUnit("DIVISION", null, "강사");
  const person = await createPerson(unit.id, "CIVIL_SERVANT", opts.name ?? `강사 ${uid()}`);
  const user = await createUser({ personId: person.id, roles: opts.role === false ? [] : [{ role: "LECTURER" }] });
  const today = seoulDateKey(now());
  const year = Number(today.slice(0, 4));
  const kind = opts.appointment ?? "active";
  if (kind !== "none") {
    await prisma.lecturerAppointment.create({
      data: {
        personId: person.id,
        number: `L-${uid()}`,
        verificationCode: uid() + uid(),
        startsOn: new Date(`${kind === "expired" ? year - 3 : year - 1}-01-01T00:00:00Z`),
        endsOn: new Date(`${kind === "expired" ? year - 1 : year + 1}-12-31T00:00:00Z`),
        appointedById: user.id,
        appointedAt: now(),
        endedAt: kind === "ended" ? now() : null,
        endReason: kind === "ended" ? "revoked" : null,
      },
    });
  }
  if (opts.fields || opts.districts) {
    await prisma.lecturerProfile.create({ data: { personId: person.id, publicName: person.name, fields: opts.fields ?? [], districts: opts.districts ?? [], languages: ["KO"] } });
  }
  return { person, user };
}

/** A facility's request for a two-hour disability rights lecture in the week of 14 December 2026. */
export function facilityRequest(overrides: Partial<RequestInput> = {}): RequestInput {
  return {
    organizationName: `행복복지관 ${uid()}`,
    organizationKind: "FACILITY",
    contactName: "김담당",
    contactEmail: `contact-${uid()}@facility.example`,
    contactPhone: "02-123-4567",
    topic: "DISABILITY",
    field: "DISABILITY",
    audienceDescription: "시설 이용자와 종사자",
    audienceSize: "40",
    from: "2026-12-14T09:00",
    to: "2026-12-18T18:00",
    durationMinutes: "120",
    place: "서울 마포구 월드컵로 1",
    district: "MAPO",
    accessibilityNeeds: ["SIGN_LANGUAGE"],
    note: "",
    ...overrides,
  };
}

