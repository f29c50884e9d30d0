import { afterEach, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { now, setClock } from "~/utils/clock.server";
import { createPerson, createUnit, createUser, uid } from "../../../test/factories";
import { startTestClock } from "../../../test/clock";
import { checkCode, checkInByForm, checkInSignedIn, currentCode, mayShowCode, STEP_SECONDS } from "./check-in.server";
import { register } from "./registration.server";

afterEach(() => startTestClock());

/** A class starting in ten minutes, with one seat taken by `person`. */
async function classToday() {
  const admin = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
  const lecturer = await createUser({ roles: [{ role: "LECTURER" }] });
  const start = new Date(now().getTime() + 10 * 60_000);
  const o = await prisma.offering.create({
    data: {
      seriesId: admin.id,
      titleKo: `오늘 수업 ${uid()}`,
      titleEn: "Today's class",
      topic: "GENERAL",
      format: "IN_PERSON",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * 3_600_000),
      place: "시민청",
      district: "JUNG",
      capacity: 5,
      audience: "PUBLIC",
      lecturerUserIds: [lecturer.id],
      registrationClosesAt: start,
      cancellationClosesAt: start,
      createdById: admin.id,
    },
  });
  return { offering: o, lecturer, admin };
}

describe("checking in with the class's rotating code", () => {
  it("accepts this class's fresh code once, and refuses another class's, a forged or an old one", async () => {
    const { offering } = await classToday();
    const other = await classToday();
    const person = await createPerson((await createUnit("DIVISION")).id, "CIVIL_SERVANT", "체크인");
    const stranger = await createPerson((await createUnit("DIVISION")).id, "CIVIL_SERVANT", "미신청");
    expect((await register(person.id, offering.id, person.id))?.outcome).toBe("confirmed");
    const { code, url } = await currentCode(offering.id);
    expect(url).toContain(`/check-in/${offering.id}?code=${code}`);
    expect(checkCode(offering.id, code, now())).toBeNull();
    // Another class's code, a tampered one, one from the future.
    expect(checkCode(other.offering.id, code, now())).toBe("invalid");
    expect(checkCode(offering.id, `${code.slice(0, -1)}${code.endsWith("A") ? "B" : "A"}`, now())).toBe("invalid");
    const step = Number(code.split(".")[0]);
    expect(checkCode(offering.id, `${step + 5}.${code.split(".")[1]}`, now())).toBe("invalid");
    // Two steps later a scan is refused as expired.
    expect(checkCode(offering.id, code, new Date(now().getTime() + 2.5 * STEP_SECONDS * 1000))).toBe("expired");

    expect(await checkInSignedIn(offering.id, code, stranger.id)).toBe("notRegistered");
    expect(await checkInSignedIn(offering.id, code, person.id)).toBe("checkedIn");
    expect(await checkInSignedIn(offering.id, code, person.id)).toBe("already");
    const reg = await prisma.offeringRegistration.findUniqueOrThrow({ where: { offeringId_personId: { offeringId: offering.id, personId: person.id } } });
    expect(reg.checkInMethod).toBe("qr");
    // Later than the form's five minutes, the same code checks nobody in.
    setClock(new Date(now().getTime() + 6 * 60_000));
    expect(await checkInSignedIn(offering.id, code, person.id)).toBe("expired");
  });

  it("matches someone not signed in by name and address, and only to a seat in this class", async () => {
    const { offering } = await classToday();
    const citizen = await prisma.person.create({ data: { name: "김시민", email: `citizen-${uid()}@test.example`, staffCategory: "CITIZEN" } });
    await register(citizen.id, offering.id, citizen.id);
    const { code } = await currentCode(offering.id);
    expect(await checkInByForm(offering.id, code, "다른이름", citizen.email)).toBe("notRegistered");
    expect(await checkInByForm(offering.id, code, " 김시민 ", citizen.email.toUpperCase())).toBe("checkedIn");
  });

  it("opens an hour before the class and shows the code to its lecturers and the academy only", async () => {
    const { offering, lecturer, admin } = await classToday();
    const otherLecturer = await createUser({ roles: [{ role: "LECTURER" }] });
    expect(await mayShowCode(offering.id, lecturer.id, new Set(["LEARNER", "LECTURER"]))).not.toBeNull();
    expect(await mayShowCode(offering.id, admin.id, new Set(["LEARNER", "ACADEMY_ADMIN"]))).not.toBeNull();
    expect(await mayShowCode(offering.id, otherLecturer.id, new Set(["LEARNER", "LECTURER"]))).toBeNull();
    setClock(new Date(offering.startsAt.getTime() - 2 * 3_600_000));
    const { code } = await currentCode(offering.id);
    const person = await createPerson((await createUnit("DIVISION")).id);
    expect(await checkInSignedIn(offering.id, code, person.id)).toBe("notOpen");
  });
});
