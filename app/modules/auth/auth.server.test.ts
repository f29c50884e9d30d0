import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { action as loginAction } from "~/routes/login";
import { loader as homeLoader } from "~/routes/_index";
import { createPerson, createUnit, createUser, TEST_PASSWORD, uid } from "../../../test/factories";
import { getRequest, postForm, respond, sessionCookieFor } from "../../../test/http";
import { hashPassword, verifyPassword } from "./password.server";
import { getCurrentSession, requireSession, revokeAllSessions } from "./session.server";
import { THROTTLE } from "./login.server";

describe("passwords", () => {
  it("are hashed with argon2id and verified", async () => {
    const hash = await hashPassword("s3cret-Pass");
    expect(hash.startsWith("$argon2id$")).toBe(true);
    expect(await verifyPassword(hash, "s3cret-Pass")).toBe(true);
    expect(await verifyPassword(hash, "wrong")).toBe(false);
    expect(await verifyPassword("not-a-hash", "x")).toBe(false);
  });
});

describe("sign-in", () => {
  let email: string;
  beforeAll(async () => {
    const unit = await createUnit("DIVISION");
    const person = await createPerson(unit.id);
    const user = await createUser({ personId: person.id });
    email = user.email;
  });

  it("signs in with the right password and sets an opaque session cookie", async () => {
    const res = await respond(() =>
      loginAction({ request: postForm("/login", { email: email.toUpperCase(), password: TEST_PASSWORD, redirectTo: "/" }), params: {}, context: {} }),
    );
    expect(res.status).toBe(302);
    const cookie = res.headers.get("Set-Cookie")!;
    expect(cookie).toMatch(/^hre_session=[a-z2-7]{32};.*HttpOnly.*SameSite=Lax/);
    const token = cookie.split(";")[0]!.split("=")[1]!;
    // The database keeps only a hash of the token.
    expect(await prisma.session.count({ where: { id: token } })).toBe(0);
  });

  it("refuses a wrong password with a translated message and keeps the e-mail", async () => {
    const res = await respond(() =>
      loginAction({ request: postForm("/login", { email, password: "nope" }), params: {}, context: {} }),
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.formError).toBe("이메일 또는 비밀번호가 올바르지 않습니다.");
    expect(body.email).toBe(email);
  });

  it("answers in English when the reader chose English", async () => {
    const req = postForm("/login", { email, password: "nope" });
    const withLang = new Request(req, { headers: { ...Object.fromEntries(req.headers), Cookie: "hre_lang=en" } });
    const res = await respond(() => loginAction({ request: withLang, params: {}, context: {} }));
    expect((await res.json()).formError).toBe("The e-mail or password is not correct.");
  });

  it("reports missing fields per field", async () => {
    const res = await respond(() => loginAction({ request: postForm("/login", { email: "not-an-email", password: "" }), params: {}, context: {} }));
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.fieldErrors.email).toBeTruthy();
    expect(body.fieldErrors.password).toBeTruthy();
  });

  it("tells the holder of a disabled account's password that it is disabled, and a wrong password nothing more", async () => {
    const unit = await createUnit("WELFARE_FACILITY");
    const user = await createUser({ personId: (await createPerson(unit.id, "WELFARE_FACILITY_STAFF")).id });
    await prisma.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    const attempt = (password: string) =>
      respond(() => loginAction({ request: postForm("/login", { email: user.email, password }), params: {}, context: {} }));
    const right = await attempt(TEST_PASSWORD);
    expect(right.status).toBe(400);
    expect(right.headers.get("Set-Cookie")).toBeNull();
    expect((await right.json()).formError).toBe("이 계정은 사용이 중지되었습니다. 소속 인사 담당자에게 문의하세요.");
    expect((await (await attempt("nope")).json()).formError).toBe("이메일 또는 비밀번호가 올바르지 않습니다.");
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("slows one address down after repeated failures for an account, without locking the owner out elsewhere", async () => {
    const unit = await createUnit("DIVISION");
    const user = await createUser({ personId: (await createPerson(unit.id)).id });
    const attempt = (password: string, ip: string) =>
      respond(() => loginAction({ request: postForm("/login", { email: user.email, password }), params: {}, context: { ip } }));
    for (let i = 0; i < THROTTLE.perPair; i++) expect((await attempt("bad", "198.51.100.7")).status).toBe(400);
    // From that address, even the right password waits, and is told for how long.
    const slowed = await attempt(TEST_PASSWORD, "198.51.100.7");
    expect(slowed.status).toBe(429);
    expect((await slowed.json()).formError).toContain("1분");
    // The owner, from their own address, is not locked out.
    expect((await attempt(TEST_PASSWORD, "203.0.113.5")).status).toBe(302);
    // And is told by e-mail, once.
    expect(await prisma.outboxEmail.count({ where: { toAddress: user.email, template: "account-signin-failures" } })).toBe(1);
    // The wait grows with further failures once it has passed.
    await prisma.loginAttempt.updateMany({ where: { email: user.email }, data: { createdAt: new Date(Date.now() - 70_000) } });
    expect((await attempt("bad", "198.51.100.7")).status).toBe(400);
    expect((await (await attempt(TEST_PASSWORD, "198.51.100.7")).json()).formError).toContain("2분");
  });
});

describe("sessions", () => {
  it("are revocable: revoking signs every browser out", async () => {
    const user = await createUser();
    const cookie = await sessionCookieFor(user.id);
    expect(await getCurrentSession(getRequest("/", cookie))).not.toBeNull();
    await revokeAllSessions(user.id);
    expect(await getCurrentSession(getRequest("/", cookie))).toBeNull();
  });

  it("end at the absolute lifetime even while in use", async () => {
    const user = await createUser();
    const cookie = await sessionCookieFor(user.id);
    await prisma.session.updateMany({ where: { userId: user.id }, data: { absoluteExpiresAt: new Date(Date.now() - 1000) } });
    expect(await getCurrentSession(getRequest("/", cookie))).toBeNull();
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(0);
  });

  it("slide forward when half the idle window has passed, never past the cap", async () => {
    const user = await createUser();
    const cookie = await sessionCookieFor(user.id);
    const cap = new Date(Date.now() + 60_000);
    await prisma.session.updateMany({
      where: { userId: user.id },
      data: { expiresAt: new Date(Date.now() + 30_000), absoluteExpiresAt: cap },
    });
    const current = await getCurrentSession(getRequest("/", cookie));
    expect(current?.refreshCookie).toContain("hre_session=");
    const row = await prisma.session.findFirstOrThrow({ where: { userId: user.id } });
    expect(row.expiresAt.getTime()).toBeLessThanOrEqual(cap.getTime());
  });

  it("send an expired session back to sign-in with a reason", async () => {
    const res = await respond(() => requireSession(getRequest("/learn/x", `hre_session=${"a".repeat(32)}`)));
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/login?redirectTo=%2Flearn%2Fx&expired=1");
  });

  it("a disabled account loses its sessions", async () => {
    const user = await createUser({ email: `d-${uid()}@test.example` });
    const cookie = await sessionCookieFor(user.id);
    await prisma.user.update({ where: { id: user.id }, data: { disabledAt: new Date() } });
    const res = await respond(() => homeLoader({ request: getRequest("/", cookie), params: {}, context: {} }));
    expect((await res.json()).signedIn).toBe(false);
  });
});
