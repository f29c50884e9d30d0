import { generateHOTP } from "@oslojs/otp";
import { describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action as verifyAction } from "~/routes/account.verify";
import { action as forgotAction } from "~/routes/forgot-password";
import { action as loginAction } from "~/routes/login";
import { action as twoFactorAction, loader as twoFactorLoader } from "~/routes/login_.two-factor";
import { createPerson, createUnit, createUser, TEST_PASSWORD } from "../../../test/factories";
import { getRequest, postForm, respond } from "../../../test/http";
import { currentTotpCode, totpCodeForKeyText } from "../../../test/totp";
import { resetSecondFactor, secondFactorState } from "./second-factor.server";
import { linkCode } from "./verification.server";

const ctx = { params: {}, context: {} };
const NEW_PASSWORD = "a long new passphrase 2026";
const cookieOf = (res: Response, name: string) =>
  res.headers.getSetCookie().find((c) => c.startsWith(`${name}=`))?.split(";")[0] ?? null;

async function passwordStep(email: string, redirectTo = "/", password = TEST_PASSWORD) {
  const res = await respond(() => loginAction({ request: postForm("/login", { email, password, redirectTo }), ...ctx }));
  return { res, pending: cookieOf(res, "hre_2fa") };
}

const codeStep = (cookie: string, intent: "verify" | "enrol", code: string) =>
  respond(() => twoFactorAction({ request: postForm("/login/two-factor", { intent, code }, cookie), ...ctx }));

describe("second factor for staff who sign in with a password", () => {
  it("asks an HR officer to set it up at the next sign-in, and opens no session before it is done", async () => {
    const unit = await createUnit("DIVISION");
    const hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: unit.id }] });
    const { res, pending } = await passwordStep(hr.email);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login/two-factor");
    expect(cookieOf(res, "hre_session")).toBeNull();
    expect(pending).toMatch(/^hre_2fa=/);
    expect(res.headers.get("Set-Cookie")).toContain("Path=/login");

    const page = await respond(() => twoFactorLoader({ request: getRequest("/login/two-factor", pending!), ...ctx }));
    const body = await page.json();
    expect(body.mode).toBe("enrol");
    expect(body.enrolment.uri).toMatch(/^otpauth:\/\/totp\/.+\?.*secret=[A-Z2-7]+/);
    expect(body.enrolment.qrSvg).toContain("<svg");
    // The page only shows the key: opening it again shows the same one.
    const again = await (await respond(() => twoFactorLoader({ request: getRequest("/login/two-factor", pending!), ...ctx }))).json();
    expect(again.enrolment.keyText).toBe(body.enrolment.keyText);

    const wrong = await codeStep(pending!, "enrol", "000000" === totpCodeForKeyText(body.enrolment.keyText) ? "111111" : "000000");
    expect(wrong.status).toBe(400);
    expect((await wrong.json()).codeError).toContain("맞지 않습니다");
    expect(await prisma.session.count({ where: { userId: hr.id } })).toBe(0);

    const done = await codeStep(pending!, "enrol", totpCodeForKeyText(body.enrolment.keyText));
    expect(done.status).toBe(200);
    const result = await done.json();
    expect(result.next).toBe("/hr");
    expect(result.recoveryCodes).toHaveLength(10);
    expect(new Set(result.recoveryCodes).size).toBe(10);
    expect(cookieOf(done, "hre_session")).toMatch(/^hre_session=[a-z2-7]{32}$/);
    expect(await prisma.session.count({ where: { userId: hr.id } })).toBe(1);
    // Only hashes are kept.
    const stored = await prisma.recoveryCode.findMany({ where: { userId: hr.id } });
    expect(stored.map((r) => r.codeHash)).not.toContain(result.recoveryCodes[0]);
    expect(await prisma.auditEvent.count({ where: { action: "second-factor.enrolled", entityId: hr.id } })).toBe(1);
  });

  it("asks for a code at every later sign-in; a code opens the account once; a recovery code once", async () => {
    const admin = await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] });
    const first = await passwordStep(admin.email);
    const enrolled = await (await codeStep(first.pending!, "enrol", await currentTotpCode(admin.email))).json();

    const second = await passwordStep(admin.email, "/admin/roles?q=x");
    expect(second.res.headers.get("Location")).toBe("/login/two-factor");
    const page = await (await respond(() => twoFactorLoader({ request: getRequest("/login/two-factor", second.pending!), ...ctx }))).json();
    expect(page).toEqual({ mode: "verify" });

    // The code that finished the set-up was used: it does not open the account again.
    const row = await prisma.totpCredential.findUniqueOrThrow({ where: { userId: admin.id } });
    const replay = await codeStep(second.pending!, "verify", generateHOTP(new Uint8Array(row.key), row.lastStep!, 6));
    expect(replay.status).toBe(400);
    const ok = await codeStep(second.pending!, "verify", await currentTotpCode(admin.email));
    expect(ok.status).toBe(302);
    expect(ok.headers.get("Location")).toBe("/admin/roles?q=x");
    expect(cookieOf(ok, "hre_session")).toBeTruthy();
    // The pending cookie is cleared once used.
    expect(ok.headers.getSetCookie().some((c) => c.startsWith("hre_2fa=;"))).toBe(true);

    const third = await passwordStep(admin.email);
    const recovery = enrolled.recoveryCodes[3].toUpperCase().replace("-", " ");
    const byRecovery = await codeStep(third.pending!, "verify", recovery);
    expect(byRecovery.status).toBe(302);
    const fourth = await passwordStep(admin.email);
    expect((await codeStep(fourth.pending!, "verify", enrolled.recoveryCodes[3])).status).toBe(400);
    expect(await prisma.recoveryCode.count({ where: { userId: admin.id, usedAt: null } })).toBe(9);
    expect(await prisma.auditEvent.count({ where: { action: "second-factor.recovery-code-used", entityId: admin.id } })).toBe(1);
  });

  it("is not asked of learners nor lecturers, nor of someone signing in through the identity provider; it is of assessors", async () => {
    const unit = await createUnit("DIVISION");
    const learner = await createUser({ personId: (await createPerson(unit.id)).id });
    const { res } = await passwordStep(learner.email);
    expect(res.headers.get("Location")).toBe("/");
    expect(cookieOf(res, "hre_session")).toBeTruthy();
    expect(await secondFactorState((await createUser({ roles: [{ role: "LECTURER" }] })).id)).toBe("not-required");
    // An assessor's scores decide who is appointed.
    const assessor = await createUser({ roles: [{ role: "ASSESSOR" }] });
    expect((await passwordStep(assessor.email)).res.headers.get("Location")).toBe("/login/two-factor");
    const ssoOfficer = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: unit.id }] });
    await prisma.user.update({ where: { id: ssoOfficer.id }, data: { passwordHash: null } });
    expect(await secondFactorState(ssoOfficer.id)).toBe("not-required");
  });

  it("refuses without the password step, with an altered pending cookie, and after ten tries", async () => {
    const admin = await createUser({ roles: [{ role: "ACADEMY_ADMIN" }] });
    const none = await respond(() => twoFactorLoader({ request: getRequest("/login/two-factor"), ...ctx }));
    expect(none.status).toBe(302);
    expect(none.headers.get("Location")).toBe("/login");
    const { pending } = await passwordStep(admin.email);
    const [payload, tag] = pending!.slice("hre_2fa=".length).split(".");
    const value = JSON.parse(Buffer.from(payload!, "base64url").toString());
    const other = await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] });
    const forged = `hre_2fa=${Buffer.from(JSON.stringify({ ...value, userId: other.id })).toString("base64url")}.${tag}`;
    expect((await respond(() => twoFactorLoader({ request: getRequest("/login/two-factor", forged), ...ctx }))).status).toBe(302);
    const forgedPost = await codeStep(forged, "enrol", "123456");
    expect(forgedPost.status).toBe(401);

    for (let i = 0; i < 10; i++) expect((await codeStep(pending!, "enrol", "12345")).status).toBe(400);
    const throttled = await codeStep(pending!, "enrol", await currentTotpCode(admin.email));
    expect(throttled.status).toBe(429);
    expect(await prisma.totpCredential.count({ where: { userId: admin.id, confirmedAt: { not: null } } })).toBe(0);
  });

  it("is asked after an e-mailed reset link too, and a system administrator can clear it, ending sessions", async () => {
    const unit = await createUnit("DIVISION");
    const hr = await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: unit.id }] });
    const admin = await createUser({ roles: [{ role: "SYSTEM_ADMIN" }] });
    const first = await passwordStep(hr.email);
    expect((await codeStep(first.pending!, "enrol", await currentTotpCode(hr.email))).status).toBe(200);

    // A reset link proves the mailbox, not the phone: the new password still leads to the code.
    await respond(() => forgotAction({ request: postForm("/forgot-password", { email: hr.email }), ...ctx }));
    const link = await prisma.verification.findFirstOrThrow({ where: { type: "RESET_PASSWORD", target: hr.email } });
    const reset = await respond(() =>
      verifyAction({ request: postForm("/account/verify", { code: linkCode(link.id), password: NEW_PASSWORD, confirm: NEW_PASSWORD }), ...ctx }),
    );
    expect(reset.status).toBe(302);
    expect(reset.headers.get("Location")).toBe("/login/two-factor");
    expect(cookieOf(reset, "hre_session")).toBeNull();

    expect(await resetSecondFactor(admin.id, hr.id, "휴대전화 분실 (본인 확인: 전화)")).toBe(true);
    expect(await prisma.session.count({ where: { userId: hr.id } })).toBe(0);
    expect(await prisma.totpCredential.count({ where: { userId: hr.id } })).toBe(0);
    expect(await prisma.recoveryCode.count({ where: { userId: hr.id } })).toBe(0);
    expect(await prisma.auditEvent.count({ where: { action: "second-factor.reset", entityId: hr.id, actorUserId: admin.id } })).toBe(1);
    // The next sign-in sets up a new key.
    const next = await passwordStep(hr.email, "/", NEW_PASSWORD);
    expect((await (await respond(() => twoFactorLoader({ request: getRequest("/login/two-factor", next.pending!), ...ctx }))).json()).mode).toBe("enrol");
  });
});
