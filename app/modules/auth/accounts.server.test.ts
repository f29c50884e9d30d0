import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { safeRedirectPath } from "~/utils/http.server";
import { action as verifyAction, loader as verifyLoader } from "~/routes/account.verify";
import { action as forgotAction } from "~/routes/forgot-password";
import { action as registerAction } from "~/routes/register";
import { loader as dataLoader } from "~/routes/account.data[.json]";
import { action as accountAction, loader as accountLoader } from "~/routes/account._index";
import { action as loginAction } from "~/routes/login";
import { action as inviteAction } from "~/routes/hr.people.$personId.invitation";
import { deliverOutbox } from "~/modules/notifications/outbox.server";
import { createPerson, createUnit, createUser, createWorld, openTestCycle, TEST_PASSWORD, uid } from "../../../test/factories";
import { renderTemplate } from "~/modules/notifications/templates.server";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { startSmtp } from "../../../test/smtp";
import { accountState, LINK_THROTTLE, requestNewLink, sendInvitation } from "./accounts.server";
import { getCurrentSession } from "./session.server";
import { checkNewPassword } from "./password-policy.server";
import { hashCode, linkCode } from "./verification.server";

const NEW_PASSWORD = "sejong river walk in april";
let smtp: Awaited<ReturnType<typeof startSmtp>>;
beforeAll(async () => {
  smtp = await startSmtp();
});
afterAll(async () => {
  await smtp.stop();
});

/** Deliver the newest queued mail to this address and return the link's code from its text. */
async function mailedCode(address: string): Promise<string> {
  const row = await prisma.outboxEmail.findFirstOrThrow({ where: { toAddress: address }, orderBy: { createdAt: "desc" } });
  expect(Object.keys(row.payload as object)).toEqual(["verificationId"]);
  expect(await deliverOutbox(row.id)).toBe("sent");
  const mail = smtp.received.at(-1)!;
  const match = /\/account\/verify\?code=([a-z2-7]{32})/.exec(mail.text ?? "");
  expect(match).not.toBeNull();
  return match![1]!;
}

const ctx = { context: { ip: "192.0.2.10" }, params: {} };

describe("invitations", () => {
  it("lead a person on the roll to a password and consent, once", async () => {
    const unit = await createUnit("WELFARE_FACILITY");
    const person = await createPerson(unit.id, "WELFARE_FACILITY_STAFF", "김복지");
    expect(await sendInvitation(person.id, null)).toEqual({ ok: true });
    const code = await mailedCode(person.email);
    // The database keeps only a hash of the code.
    const row = await prisma.verification.findFirstOrThrow({ where: { personId: person.id } });
    expect(row.codeHash).toBe(hashCode(code));
    expect(JSON.stringify(row)).not.toContain(code);

    const page = await respond(() => verifyLoader({ request: getRequest(`/account/verify?code=${code}`), ...ctx }));
    expect(page.status).toBe(200);
    expect(await page.json()).toMatchObject({ state: "valid", type: "INVITATION", name: "김복지" });

    const post = (fields: Record<string, string>) =>
      respond(() => verifyAction({ request: postForm("/account/verify", { code, ...fields }), ...ctx }));
    const short = await post({ password: "short", confirm: "short", consent: "yes" });
    expect(short.status).toBe(400);
    expect((await short.json()).fieldErrors.password).toContain("15자");
    const common = await post({ password: "qwertyuiopasdfgh", confirm: "qwertyuiopasdfgh", consent: "yes" });
    expect((await common.json()).fieldErrors.password).toContain("흔하");
    const mismatch = await post({ password: NEW_PASSWORD, confirm: `${NEW_PASSWORD}x`, consent: "yes" });
    expect((await mismatch.json()).fieldErrors.confirm).toBeTruthy();
    const noConsent = await post({ password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect((await noConsent.json()).fieldErrors.consent).toBeTruthy();
    // Nothing was created by the refused attempts, and the link still works.
    expect(await prisma.user.count({ where: { personId: person.id } })).toBe(0);

    const ok = await post({ password: NEW_PASSWORD, confirm: NEW_PASSWORD, consent: "yes" });
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Set-Cookie")).toMatch(/^hre_session=/);
    const user = await prisma.user.findUniqueOrThrow({ where: { personId: person.id } });
    expect(user.email).toBe(person.email.toLowerCase());
    expect(user.privacyConsentAt).not.toBeNull();
    expect(user.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await prisma.auditEvent.count({ where: { action: "account.activate", entityId: user.id } })).toBe(1);

    // Used: the page says so and offers a new link; a second submission changes nothing.
    const again = await respond(() => verifyLoader({ request: getRequest(`/account/verify?code=${code}`), ...ctx }));
    expect(again.status).toBe(410);
    expect(await again.json()).toEqual({ state: "invalid" });
    const replay = await post({ password: `${NEW_PASSWORD} again`, confirm: `${NEW_PASSWORD} again`, consent: "yes" });
    expect(replay.status).toBe(410);
    expect(await sendInvitation(person.id, null)).toEqual({ ok: false, reason: "has-account" });
  });

  it("an altered, expired or replaced link is refused", async () => {
    const unit = await createUnit("WELFARE_FACILITY");
    const person = await createPerson(unit.id, "WELFARE_FACILITY_STAFF");
    await sendInvitation(person.id, null);
    const first = await mailedCode(person.email);
    const altered = `${first.slice(0, 31)}${first.endsWith("a") ? "b" : "a"}`;
    for (const code of [altered, "not-a-code", ""]) {
      const res = await respond(() => verifyLoader({ request: getRequest(`/account/verify?code=${code}`), ...ctx }));
      expect(res.status).toBe(410);
    }
    // A new invitation replaces the old one: the first link is dead, the queued mail of a replaced link is not sent.
    await sendInvitation(person.id, null);
    const stale = await prisma.outboxEmail.findFirstOrThrow({ where: { toAddress: person.email, status: "PENDING" } });
    await sendInvitation(person.id, null);
    expect(await deliverOutbox(stale.id)).toBe("cancelled");
    const res = await respond(() => verifyLoader({ request: getRequest(`/account/verify?code=${first}`), ...ctx }));
    expect(res.status).toBe(410);
    // Expired.
    const latest = await prisma.verification.findFirstOrThrow({ where: { personId: person.id } });
    await prisma.verification.update({ where: { id: latest.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const expired = await respond(() =>
      verifyAction({ request: postForm("/account/verify", { code: linkCode(latest.id), password: NEW_PASSWORD, confirm: NEW_PASSWORD, consent: "yes" }), ...ctx }),
    );
    expect(expired.status).toBe(410);
    expect(await prisma.user.count({ where: { personId: person.id } })).toBe(0);
  });

  it("are not sent to someone who left", async () => {
    const unit = await createUnit("WELFARE_FACILITY");
    const person = await createPerson(unit.id, "WELFARE_FACILITY_STAFF");
    await prisma.person.update({ where: { id: person.id }, data: { status: "LEFT" } });
    expect(await sendInvitation(person.id, null)).toEqual({ ok: false, reason: "left" });
  });
});

describe("citizen registration", () => {
  it("proves the address, records consent and creates a citizen who lands on the catalog", async () => {
    const email = `Citizen-${uid()}@Test.example`;
    const register = (fields: Record<string, string>) => respond(() => registerAction({ request: postForm("/register", fields), ...ctx }));
    const noConsent = await register({ name: "시민 한 명", email });
    expect(noConsent.status).toBe(400);
    expect((await noConsent.json()).fieldErrors.consent).toBeTruthy();
    const res = await register({ name: "시민 한 명", email, consent: "yes" });
    expect(res.status).toBe(200);
    expect(await prisma.user.count({ where: { email: email.toLowerCase() } })).toBe(0);
    const code = await mailedCode(email.toLowerCase());
    expect(smtp.received.at(-1)!.subject).toContain("이메일 주소를 확인");
    const page = await respond(() => verifyLoader({ request: getRequest(`/account/verify?code=${code}`), ...ctx }));
    expect(await page.json()).toMatchObject({ state: "valid", type: "REGISTRATION" });
    const done = await respond(() =>
      verifyAction({ request: postForm("/account/verify", { code, password: NEW_PASSWORD, confirm: NEW_PASSWORD }), ...ctx }),
    );
    expect(done.status).toBe(302);
    expect(done.headers.get("Location")).toBe("/catalog");
    const user = await prisma.user.findUniqueOrThrow({ where: { email: email.toLowerCase() }, include: { person: true } });
    expect(user.person?.staffCategory).toBe("CITIZEN");
    expect(user.person?.orgUnitId).toBeNull();
    expect(user.privacyConsentAt).not.toBeNull();

    // A second registration with the same address: the same answer, no account disclosed, a note to the owner.
    const again = await register({ name: "다른 사람", email: email.toUpperCase(), consent: "yes" });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual(await res.clone().json());
    const note = await prisma.outboxEmail.findFirstOrThrow({ where: { toAddress: email.toLowerCase(), template: "account-registration-exists" } });
    expect(await deliverOutbox(note.id)).toBe("sent");
    expect(smtp.received.at(-1)!.text).toContain("이미 계정이 있습니다");
    expect(await prisma.verification.count({ where: { target: email.toLowerCase(), type: "REGISTRATION" } })).toBe(0);
    expect(await prisma.user.count({ where: { email: { equals: email, mode: "insensitive" } } })).toBe(1);
  });
});

describe("one's own data", () => {
  it("downloads as a file, and a citizen can close their account while staff cannot", async () => {
    const citizen = await prisma.person.create({ data: { name: "닫을시민", email: `close-${uid()}@test.example`, staffCategory: "CITIZEN" } });
    const user = await createUser({ personId: citizen.id, email: citizen.email });
    const cookie = await sessionCookieFor(user.id);
    const file = await respond(() => dataLoader({ request: getRequest("/account/data.json", cookie), ...ctx }));
    expect(file.headers.get("Content-Disposition")).toContain("attachment");
    expect(file.headers.get("Cache-Control")).toBe("no-store");
    expect((await file.json()).account.person.name).toBe("닫을시민");

    const wrong = await respond(() => accountAction({ request: postForm("/account", { intent: "close-account", closePassword: "nope" }, cookie), ...ctx }));
    expect(wrong.status).toBe(400);
    const closed = await respond(() => accountAction({ request: postForm("/account", { intent: "close-account", closePassword: TEST_PASSWORD }, cookie), ...ctx }));
    expect(closed.status).toBe(302);
    expect(await prisma.user.count({ where: { id: user.id } })).toBe(0);
    expect(await getCurrentSession(getRequest("/", cookie))).toBeNull();
    const after = await prisma.person.findUniqueOrThrow({ where: { id: citizen.id } });
    expect(after).toMatchObject({ status: "LEFT", name: "(탈퇴)" });
    expect(after.email).not.toContain("close-");

    const unit = await createUnit("DIVISION");
    const staff = await createUser({ personId: (await createPerson(unit.id)).id });
    const staffCookie = await sessionCookieFor(staff.id);
    const refused = await respond(() => accountAction({ request: postForm("/account", { intent: "close-account", closePassword: TEST_PASSWORD }, staffCookie), ...ctx }));
    expect(refused.status).toBe(400);
    expect(await prisma.user.count({ where: { id: staff.id } })).toBe(1);
  });
});

describe("notices", () => {
  it("carry the way in that fits the person: their invitation link until they have an account", async () => {
    const world = await createWorld();
    const newcomer = await createPerson(world.division.id, "CIVIL_SERVANT", "신입");
    const member = await createPerson(world.division.id, "CIVIL_SERVANT", "기존");
    await createUser({ personId: member.id });
    const { cycle } = await openTestCycle(world.obligation.id);
    const notice = async (personId: string) => {
      const a = await prisma.assignment.findFirstOrThrow({ where: { cycleId: cycle.id, personId } });
      return (await renderTemplate("assignment-notice", "ko", { personId, assignmentIds: [a.id] }))!.text;
    };
    const first = await notice(newcomer.id);
    const code = /\/account\/verify\?code=([a-z2-7]{32})/.exec(first)?.[1];
    expect(code).toBeTruthy();
    // The same live link again (a reminder does not void the notice's link), and it opens the invitation.
    expect(await notice(newcomer.id)).toContain(code);
    const page = await respond(() => verifyLoader({ request: getRequest(`/account/verify?code=${code}`), ...ctx }));
    expect(await page.json()).toMatchObject({ state: "valid", type: "INVITATION" });
    // No separate invitation mail was queued for it.
    expect(await prisma.outboxEmail.count({ where: { toAddress: newcomer.email, template: "account-invitation" } })).toBe(0);
    const existing = await notice(member.id);
    expect(existing).not.toContain("/account/verify");
    expect(existing).toContain("나의 교육 바로가기");
  });
});

describe("an HR officer", () => {
  it("sends an invitation again to someone in their scope, and only there", async () => {
    const facility = await createUnit("WELFARE_FACILITY");
    const elsewhere = await createUnit("WELFARE_FACILITY");
    const person = await createPerson(facility.id, "WELFARE_FACILITY_STAFF");
    const stranger = await createPerson(elsewhere.id, "WELFARE_FACILITY_STAFF");
    const officer = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: facility.id }] });
    const cookie = await sessionCookieFor(officer.id);
    expect(await accountState(person.id)).toBe("none");
    const send = (personId: string) =>
      respond(() => inviteAction({ request: postForm(`/hr/people/${personId}/invitation`, { redirectTo: "/hr/assignments/x" }, cookie), context: {}, params: { personId } }));
    const res = await send(person.id);
    expect(res.headers.get("Location")).toBe("/hr/assignments/x?invitation=sent");
    expect(await accountState(person.id)).toBe("invited");
    expect(await prisma.auditEvent.count({ where: { action: "account.invite", entityId: person.id, actorUserId: officer.id } })).toBe(1);
    expect((await send(stranger.id)).status).toBe(404);
    expect(await prisma.verification.count({ where: { personId: stranger.id } })).toBe(0);
  });
});

describe("password reset", () => {
  it("answers the same whether or not the address exists, and ends every session", async () => {
    const user = await createUser({ email: `reset-${uid()}@test.example` });
    const oldCookie = await sessionCookieFor(user.id);
    const unknown = await respond(() => forgotAction({ request: postForm("/forgot-password", { email: `nobody-${uid()}@test.example` }), ...ctx }));
    const known = await respond(() => forgotAction({ request: postForm("/forgot-password", { email: user.email.toUpperCase() }), ...ctx }));
    expect(unknown.status).toBe(200);
    expect(known.status).toBe(200);
    expect(await unknown.json()).toEqual(await known.json());

    const code = await mailedCode(user.email);
    const res = await respond(() =>
      verifyAction({ request: postForm("/account/verify", { code, password: NEW_PASSWORD, confirm: NEW_PASSWORD }), ...ctx }),
    );
    expect(res.status).toBe(302);
    expect(await getCurrentSession(getRequest("/", oldCookie))).toBeNull();
    const login = (password: string) =>
      respond(() => loginAction({ request: postForm("/login", { email: user.email, password }), ...ctx }));
    expect((await login(TEST_PASSWORD)).status).toBe(400);
    expect((await login(NEW_PASSWORD)).status).toBe(302);
  });

  it("is limited per address", async () => {
    const email = `flood-${uid()}@test.example`;
    for (let i = 0; i < LINK_THROTTLE.perEmail; i++) expect(await requestNewLink(email, null, "ko")).toBe("sent");
    expect(await requestNewLink(email, null, "ko")).toBe("throttled");
    const res = await respond(() => forgotAction({ request: postForm("/forgot-password", { email }), ...ctx }));
    expect(res.status).toBe(429);
  });

  it("sends a new invitation to someone on the roll who has no account yet", async () => {
    const unit = await createUnit("AFFILIATED_ORG");
    const person = await createPerson(unit.id, "AFFILIATED_STAFF");
    expect(await requestNewLink(person.email, "192.0.2.99", "en")).toBe("sent");
    const row = await prisma.verification.findFirstOrThrow({ where: { personId: person.id } });
    expect(row.type).toBe("INVITATION");
  });
});

describe("the profile page", () => {
  it("changes the password with the current one and ends the other sessions", async () => {
    const user = await createUser();
    const other = await sessionCookieFor(user.id);
    const mine = await sessionCookieFor(user.id);
    const page = await respond(() => accountLoader({ request: getRequest("/account", mine), ...ctx }));
    expect((await page.json()).otherSessions).toBe(1);

    const wrong = await respond(() =>
      accountAction({ request: postForm("/account", { intent: "change-password", current: "nope", password: NEW_PASSWORD, confirm: NEW_PASSWORD }, mine), ...ctx }),
    );
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).fieldErrors.current).toBeTruthy();

    const ok = await respond(() =>
      accountAction({ request: postForm("/account", { intent: "change-password", current: TEST_PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD }, mine), ...ctx }),
    );
    expect(ok.status).toBe(302);
    expect(await getCurrentSession(getRequest("/", other))).toBeNull();
    const fresh = ok.headers.get("Set-Cookie")!.split(";")[0]!;
    expect(await getCurrentSession(getRequest("/", fresh))).not.toBeNull();
  });

  it("signs out every other browser on request", async () => {
    const user = await createUser();
    const other = await sessionCookieFor(user.id);
    const mine = await sessionCookieFor(user.id);
    const res = await respond(() => accountAction({ request: postForm("/account", { intent: "end-others" }, mine), ...ctx }));
    expect(res.headers.get("Location")).toBe("/account?done=ended&count=1");
    expect(await getCurrentSession(getRequest("/", other))).toBeNull();
    expect(await getCurrentSession(getRequest("/", mine))).not.toBeNull();
  });
});

describe("the database", () => {
  it("refuses an HR officer grant without a unit", async () => {
    const user = await createUser();
    await expect(prisma.roleGrant.create({ data: { userId: user.id, role: "HR_OFFICER", orgUnitId: null } })).rejects.toThrow();
  });

  it("keeps one account per address regardless of case", async () => {
    const email = `case-${uid()}@test.example`;
    await createUser({ email });
    await expect(createUser({ email: email.toUpperCase() })).rejects.toThrow();
  });
});

describe("new passwords", () => {
  it("follow NIST 800-63B: length, common values, the address, no composition rules", () => {
    expect(checkNewPassword("a".repeat(14), "a".repeat(14), null)).toBe("tooShort");
    expect(checkNewPassword("a".repeat(20), "a".repeat(20), null)).toBe("common");
    expect(checkNewPassword("Password1234567", "Password1234567", null)).toBe("common");
    expect(checkNewPassword("hong.gildong likes tea", "hong.gildong likes tea", "hong.gildong@seoul.go.kr")).toBe("personal");
    expect(checkNewPassword("인권은 모두의 것입니다 늘 함께", "인권은 모두의 것입니다 늘 함께", null)).toBeNull();
    expect(checkNewPassword("only lowercase words here", "only lowercase words here", null)).toBeNull();
  });
});

describe("redirects after sign-in", () => {
  it("stay on this site", () => {
    expect(safeRedirectPath("/hr?x=1#y")).toBe("/hr?x=1#y");
    for (const bad of ["//evil.example", "/\t/evil.example", "/\\evil.example", "https://evil.example", "/%0a", "/\n/evil.example", "evil"]) {
      const out = safeRedirectPath(bad);
      expect(new URL(out, "http://app.test").origin).toBe("http://app.test");
    }
    expect(safeRedirectPath("/\t/evil.example")).toBe("/");
  });
});
