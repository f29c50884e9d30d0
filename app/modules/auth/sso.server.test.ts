import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prisma } from "~/utils/db.server";
import { resetEnvCache } from "~/utils/env.server";
import { action as ssoAction } from "~/routes/auth.sso";
import { loader as callbackLoader } from "~/routes/auth.sso_.callback";
import { action as loginAction } from "~/routes/login";
import { createPerson, createUnit, createUser, TEST_PASSWORD, uid } from "../../../test/factories";
import { getRequest, postForm, respond } from "../../../test/http";
import { startIdentityProvider, type StaffAccount } from "../../../scripts/identity-provider";
import { sendInvitation } from "./accounts.server";
import { getCurrentSession } from "./session.server";
import { sealFlow } from "./sso.server";

const APP = "http://127.0.0.1:3999";
const CLAIM = "employee_no";
const ctx = { context: { ip: "192.0.2.20" }, params: {} };

let idp: Awaited<ReturnType<typeof startIdentityProvider>>;
const accounts: StaffAccount[] = [];
let ssoUnitCode: string;
let onRoll: { sub: string; personId: string };
let twin: { sub: string };

beforeAll(async () => {
  const city = await createUnit("CITY");
  const division = await createUnit("DIVISION", city.id);
  ssoUnitCode = city.code;
  const person = await createPerson(division.id, "CIVIL_SERVANT", "이공무");
  onRoll = { sub: `staff-${uid()}`, personId: person.id };
  twin = { sub: `staff-${uid()}` };
  accounts.push(
    { sub: onRoll.sub, name: "이공무", email: person.email, employeeNo: person.employeeNo },
    { sub: `stranger-${uid()}`, name: "모르는사람", email: `x-${uid()}@city.example`, employeeNo: `X${uid()}` },
    { sub: twin.sub, name: "동명이인", email: person.email.toUpperCase(), employeeNo: person.employeeNo },
  );
  idp = await startIdentityProvider({
    clients: [
      { clientId: "hr-edu", clientSecret: "test-client-secret", redirectUris: [`${APP}/auth/sso/callback`] },
      { clientId: "other-app", clientSecret: "other-secret", redirectUris: [`${APP}/auth/sso/callback`] },
    ],
    accounts,
    employeeNoClaim: CLAIM,
  });
  Object.assign(process.env, {
    OIDC_ISSUER: idp.issuer,
    OIDC_CLIENT_ID: "hr-edu",
    OIDC_CLIENT_SECRET: "test-client-secret",
    OIDC_EMPLOYEE_NO_CLAIM: CLAIM,
    OIDC_SSO_ONLY_UNITS: ssoUnitCode,
  });
  resetEnvCache();
});

afterAll(async () => {
  for (const k of ["OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_EMPLOYEE_NO_CLAIM", "OIDC_SSO_ONLY_UNITS"]) delete process.env[k];
  resetEnvCache();
  await idp.stop();
});

/** Follow the provider's pages as a browser would, signing in as `sub`; returns the callback URL it sends back to. */
async function throughProvider(authorizationUrl: string, sub: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = new URL(authorizationUrl);
  let init: RequestInit = {};
  for (let hop = 0; hop < 12; hop++) {
    const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const res = await fetch(url, { ...init, redirect: "manual", headers: { ...(init.headers ?? {}), Cookie: cookie } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(";");
      const [k, ...v] = pair!.split("=");
      jar.set(k!, v.join("="));
    }
    const location = res.headers.get("Location");
    if (location) {
      const next = new URL(location, url);
      if (next.origin === APP) return next;
      url = next;
      init = {};
      continue;
    }
    expect(res.status, await res.clone().text()).toBe(200);
    expect(url.pathname).toMatch(/^\/interaction\//);
    await res.text();
    init = { method: "POST", body: new URLSearchParams({ login: sub }), headers: { "Content-Type": "application/x-www-form-urlencoded" } };
  }
  throw new Error("too many redirects at the identity provider");
}

async function start(): Promise<{ location: string; flowCookie: string }> {
  const res = await respond(() => ssoAction({ request: postForm("/auth/sso", { redirectTo: "/" }), ...ctx }));
  expect(res.status).toBe(302);
  return { location: res.headers.get("Location")!, flowCookie: res.headers.get("Set-Cookie")!.split(";")[0]! };
}

async function callback(url: URL, flowCookie: string) {
  return respond(() => callbackLoader({ request: getRequest(url.pathname + url.search, flowCookie), ...ctx }));
}

function sessionCookie(res: Response): string | null {
  const set = res.headers.getSetCookie().find((c) => c.startsWith("hre_session="));
  return set ? set.split(";")[0]! : null;
}

describe("single sign-on", () => {
  it("links the first sign-in to the person on the roll by employee number, then reuses the link", async () => {
    const { location, flowCookie } = await start();
    const authUrl = new URL(location);
    expect(authUrl.origin).toBe(idp.issuer);
    expect(authUrl.searchParams.get("code_challenge_method")).toBe("S256");
    expect(authUrl.searchParams.get("nonce")).toBeTruthy();

    const back = await throughProvider(location, onRoll.sub);
    const res = await callback(back, flowCookie);
    expect(res.status).toBe(302);
    expect(res.headers.get("Location")).toBe("/");
    const cookie = sessionCookie(res)!;
    const session = await getCurrentSession(getRequest("/", cookie));
    expect(session?.user.personId).toBe(onRoll.personId);
    const user = await prisma.user.findUniqueOrThrow({ where: { personId: onRoll.personId }, include: { connections: true } });
    expect(user.passwordHash).toBeNull();
    expect(user.connections.map((c) => c.providerId)).toEqual([onRoll.sub]);

    // Second time: the same account through its connection.
    const again = await start();
    const res2 = await callback(await throughProvider(again.location, onRoll.sub), again.flowCookie);
    expect(res2.status).toBe(302);
    expect(await prisma.user.count({ where: { personId: onRoll.personId } })).toBe(1);
  });

  it("refuses someone who is not on the roll, and creates nothing", async () => {
    const stranger = accounts[1]!;
    const { location, flowCookie } = await start();
    const res = await callback(await throughProvider(location, stranger.sub), flowCookie);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ reason: "not-on-roll" });
    expect(sessionCookie(res)).toBeNull();
    expect(await prisma.connection.count({ where: { providerId: stranger.sub } })).toBe(0);
  });

  it("refuses a second provider identity for an account already linked", async () => {
    const { location, flowCookie } = await start();
    const res = await callback(await throughProvider(location, twin.sub), flowCookie);
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ reason: "linked-elsewhere" });
  });

  it("refuses a wrong state, a wrong issuer, a wrong nonce and a code issued to another client", async () => {
    const refusedWith = async (mutate: (url: URL, flowCookie: string) => Promise<{ url: URL; cookie: string }>) => {
      const { location, flowCookie } = await start();
      const back = await throughProvider(location, onRoll.sub);
      const { url, cookie } = await mutate(back, flowCookie);
      const res = await callback(url, cookie);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ reason: "failed" });
      expect(sessionCookie(res)).toBeNull();
    };
    // state
    await refusedWith(async (url, cookie) => {
      url.searchParams.set("state", "forged-state");
      return { url, cookie };
    });
    // issuer (RFC 9207 iss in the authorization response)
    await refusedWith(async (url, cookie) => {
      url.searchParams.set("iss", "http://127.0.0.1:1/");
      return { url, cookie };
    });
    // nonce: the browser's flow carries another nonce than the ID token
    await refusedWith(async (url, cookie) => {
      const payload = cookie.slice("hre_sso=".length).split(".")[0]!;
      const flow = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
      return { url, cookie: `hre_sso=${sealFlow({ ...flow, nonce: "another-nonce" })}` };
    });
    // a flow cookie changed in the browser (its seal no longer matches)
    await refusedWith(async (url, cookie) => {
      const [payload, tag] = cookie.slice("hre_sso=".length).split(".");
      const flow = JSON.parse(Buffer.from(payload!, "base64url").toString("utf8"));
      const forged = Buffer.from(JSON.stringify({ ...flow, redirectTo: "//evil.example" })).toString("base64url");
      return { url, cookie: `hre_sso=${forged}.${tag}` };
    });
    // no flow cookie at all
    await refusedWith(async (url) => ({ url, cookie: "" }));
    // a code the provider issued to another client (its audience)
    const other = new URL(`${idp.issuer}/auth`);
    const flow = { state: "s-other", nonce: "n-other", verifier: "v".repeat(43), redirectTo: "/" };
    const { calculatePKCECodeChallenge } = await import("openid-client");
    other.search = new URLSearchParams({
      client_id: "other-app",
      response_type: "code",
      scope: "openid email profile",
      redirect_uri: `${APP}/auth/sso/callback`,
      state: flow.state,
      nonce: flow.nonce,
      code_challenge: await calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: "S256",
    }).toString();
    const back = await throughProvider(other.href, onRoll.sub);
    const res = await callback(back, `hre_sso=${sealFlow(flow)}`);
    expect(res.status).toBe(400);
    expect(sessionCookie(res)).toBeNull();
  });

  it("keeps people of single-sign-on-only units off passwords", async () => {
    const person = await prisma.person.findUniqueOrThrow({ where: { id: onRoll.personId } });
    const unit = await createUnit("DIVISION", (await prisma.orgUnit.findUniqueOrThrow({ where: { code: ssoUnitCode } })).id);
    const colleague = await createPerson(unit.id);
    expect(await sendInvitation(colleague.id, null)).toEqual({ ok: false, reason: "sso" });
    // A password set before the unit moved to single sign-on does not open the account.
    const withPassword = await createUser({ personId: colleague.id, email: `pw-${uid()}@test.example` });
    const res = await respond(() => loginAction({ request: postForm("/login", { email: withPassword.email, password: TEST_PASSWORD }), ...ctx }));
    expect(res.status).toBe(400);
    expect((await res.json()).formError).toContain("직원 포털");
    expect(person.id).toBe(onRoll.personId);
  });
});
