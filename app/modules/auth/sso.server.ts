import * as oidc from "openid-client";
import { recordAudit } from "~/modules/audit/audit.server";
import { prisma } from "~/utils/db.server";
import { getEnv, oidcSettings, type OidcSettings } from "~/utils/env.server";
import { safeRedirectPath } from "~/utils/http.server";
import { sealedCookie } from "~/utils/sealed-cookie.server";

/** The city's identity provider, as Connection.providerName. */
export const CITY_PROVIDER = "city";
const FLOW_COOKIE = "hre_sso";
const FLOW_MINUTES = 10;

export function ssoEnabled(): boolean {
  return oidcSettings() !== null;
}

let discovered: { key: string; config: Promise<oidc.Configuration> } | undefined;

function isLoopback(url: URL): boolean {
  return ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname);
}

/**
 * The provider's metadata, fetched once. Plain HTTP is accepted only for a
 * provider on this machine's loopback (tests, the demo).
 */
function configuration(settings: OidcSettings): Promise<oidc.Configuration> {
  const key = `${settings.issuer}|${settings.clientId}`;
  if (discovered?.key !== key) {
    const issuer = new URL(settings.issuer);
    const config = oidc.discovery(
      issuer,
      settings.clientId,
      undefined,
      oidc.ClientSecretBasic(settings.clientSecret),
      isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : undefined,
    );
    discovered = { key, config };
    config.catch(() => {
      if (discovered?.config === config) discovered = undefined;
    });
  }
  return discovered.config;
}

function callbackUrl(): string {
  return `${getEnv().APP_ORIGIN}/auth/sso/callback`;
}

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  redirectTo: string;
}

/**
 * The flow's secrets, kept by the browser under the server's seal. Lax: the
 * provider sends the browser back with a top-level GET, which carries it.
 */
const flowCookie = sealedCookie<Flow>({ name: FLOW_COOKIE, path: "/auth/sso", purpose: "sso-flow", minutes: FLOW_MINUTES, sameSite: "Lax" });

export const clearFlowCookie = flowCookie.clear;
export const sealFlow = flowCookie.seal;

/** Begin a sign-in: where to send the browser, and the cookie that remembers the flow. */
export async function startSignIn(redirectTo: unknown): Promise<{ url: string; cookie: string }> {
  const settings = oidcSettings();
  if (!settings) throw new Error("single sign-on is not configured");
  const config = await configuration(settings);
  const verifier = oidc.randomPKCECodeVerifier();
  const flow: Flow = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier,
    redirectTo: safeRedirectPath(redirectTo),
  };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: callbackUrl(),
    scope: "openid email profile",
    code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state: flow.state,
    nonce: flow.nonce,
  });
  return { url: url.href, cookie: flowCookie.set(flow) };
}

export type SsoRefusal = "failed" | "no-claim" | "not-on-roll" | "ambiguous" | "left" | "disabled" | "linked-elsewhere";

export type SsoResult = { ok: true; userId: string; redirectTo: string } | { ok: false; reason: SsoRefusal; detail?: string };

/**
 * The provider sent the browser back. The code is exchanged with PKCE, and
 * the ID token checked by openid-client: issuer (also the authorization
 * response's `iss`), audience, signature, expiry, nonce; the state against
 * the flow cookie. Then the identity is linked to the person on the roll.
 */
export async function finishSignIn(request: Request): Promise<SsoResult> {
  const settings = oidcSettings();
  const flow = flowCookie.read(request);
  if (!settings || !flow) return { ok: false, reason: "failed", detail: "no sign-in in progress" };
  const received = new URL(request.url);
  const current = new URL(received.pathname + received.search, getEnv().APP_ORIGIN);
  let claims: Record<string, unknown>;
  try {
    const config = await configuration(settings);
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    claims = { ...tokens.claims() };
    const wanted = [settings.employeeNoClaim, ...(settings.matchEmail ? ["email"] : [])];
    if (wanted.some((c) => claims[c] === undefined)) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, String(claims.sub));
      claims = { ...info, ...claims };
    }
  } catch (error) {
    return { ok: false, reason: "failed", detail: error instanceof Error ? error.message : String(error) };
  }
  const employeeNo = typeof claims[settings.employeeNoClaim] === "string" ? (claims[settings.employeeNoClaim] as string) : null;
  const email = settings.matchEmail && typeof claims.email === "string" && claims.email_verified !== false ? claims.email : null;
  const linked = await linkIdentity({ subject: String(claims.sub), employeeNo, email });
  return linked.ok ? { ...linked, redirectTo: flow.redirectTo } : linked;
}

export interface Identity {
  subject: string;
  employeeNo: string | null;
  email: string | null;
}

/**
 * The account of an identity at the city's provider: through its connection,
 * else the person on the roll with that employee number (or, if configured,
 * that e-mail), whose account is created or linked now. Anyone else is
 * refused with the reason, and nothing is created.
 */
export async function linkIdentity(identity: Identity): Promise<{ ok: true; userId: string } | { ok: false; reason: SsoRefusal }> {
  return prisma.$transaction(async (tx) => {
    const connection = await tx.connection.findUnique({
      where: { providerName_providerId: { providerName: CITY_PROVIDER, providerId: identity.subject } },
      include: { user: { include: { person: { select: { status: true } } } } },
    });
    if (connection) {
      if (connection.user.disabledAt) return { ok: false, reason: "disabled" } as const;
      if (connection.user.person?.status === "LEFT") return { ok: false, reason: "left" } as const;
      await tx.connection.update({ where: { id: connection.id }, data: { lastUsedAt: new Date() } });
      return { ok: true, userId: connection.userId } as const;
    }
    const where = identity.employeeNo
      ? { employeeNo: identity.employeeNo }
      : identity.email
        ? { email: { equals: identity.email, mode: "insensitive" as const } }
        : null;
    if (!where) return { ok: false, reason: "no-claim" } as const;
    const people = await tx.person.findMany({
      where,
      take: 2,
      include: { user: { include: { connections: { where: { providerName: CITY_PROVIDER } } } } },
    });
    if (people.length === 0) return { ok: false, reason: "not-on-roll" } as const;
    if (people.length > 1) return { ok: false, reason: "ambiguous" } as const;
    const person = people[0]!;
    if (person.status === "LEFT") return { ok: false, reason: "left" } as const;
    let userId: string;
    if (person.user) {
      if (person.user.disabledAt) return { ok: false, reason: "disabled" } as const;
      if (person.user.connections.length > 0) return { ok: false, reason: "linked-elsewhere" } as const;
      userId = person.user.id;
    } else {
      const email = person.email.trim().toLowerCase();
      const clash = await tx.user.findFirst({ where: { email: { equals: email, mode: "insensitive" } }, select: { id: true } });
      if (clash) return { ok: false, reason: "ambiguous" } as const;
      userId = (await tx.user.create({ data: { email, displayName: person.name, personId: person.id }, select: { id: true } })).id;
    }
    await tx.connection.create({ data: { providerName: CITY_PROVIDER, providerId: identity.subject, userId, lastUsedAt: new Date() } });
    await recordAudit(
      { actorUserId: userId, action: "account.sso-link", entityType: "user", entityId: userId, data: { personId: person.id, by: identity.employeeNo ? "employee-no" : "email" } },
      tx,
    );
    return { ok: true, userId } as const;
  });
}

/**
 * Whether a person's unit lies in a subtree configured as single-sign-on
 * only: they get no invitation, no reset link, and no password sign-in.
 */
export async function isSsoOnlyPerson(personId: string): Promise<boolean> {
  const codes = oidcSettings()?.ssoOnlyUnitCodes ?? [];
  if (codes.length === 0) return false;
  const rows = await prisma.$queryRaw<Array<{ hit: boolean }>>`
    WITH RECURSIVE up AS (
      SELECT u.id, u.parent_id, u.code FROM org_unit u JOIN person p ON p.org_unit_id = u.id WHERE p.id = ${personId}::uuid
      UNION ALL
      SELECT o.id, o.parent_id, o.code FROM org_unit o JOIN up ON o.id = up.parent_id
    )
    SELECT EXISTS (SELECT 1 FROM up WHERE code = ANY(${codes}::text[])) AS hit`;
  return rows[0]?.hit ?? false;
}
