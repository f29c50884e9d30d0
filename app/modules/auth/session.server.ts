import { sha256 } from "@oslojs/crypto/sha2";
import { encodeBase32LowerCaseNoPadding, encodeHexLowerCase } from "@oslojs/encoding";
import { Lucia, TimeSpan } from "lucia";
import { redirect } from "@remix-run/node";
import { getEnv } from "~/utils/env.server";
import type { Locale, Role } from "~/generated/prisma/enums";
import { prismaSessionAdapter } from "./lucia-adapter.server";

export const SESSION_COOKIE = "hre_session";

let instance: Lucia<{ absoluteExpiresAt: Date }, SessionUserAttributes & { grants: Grant[] }> | undefined;

export interface SessionUserAttributes {
  email: string;
  displayName: string;
  locale: Locale;
  personId: string | null;
}

/** A role the account holds, over an org unit's subtree for the roles that have one. */
export interface Grant {
  role: Role;
  orgUnitId: string | null;
}

function lucia() {
  if (instance) return instance;
  const env = getEnv();
  instance = new Lucia(prismaSessionAdapter, {
    sessionExpiresIn: new TimeSpan(env.SESSION_IDLE_MINUTES, "m"),
    getSessionAttributes: (a) => ({ absoluteExpiresAt: a.absoluteExpiresAt }),
    getUserAttributes: (a) => ({ email: a.email, displayName: a.displayName, locale: a.locale, personId: a.personId, grants: a.grants }),
  });
  return instance;
}

declare module "lucia" {
  interface Register {
    Lucia: Lucia<{ absoluteExpiresAt: Date }, SessionUserAttributes & { grants: Grant[] }>;
    UserId: string;
    DatabaseSessionAttributes: { absoluteExpiresAt: Date; ipAddress?: string | null; userAgent?: string | null };
    DatabaseUserAttributes: SessionUserAttributes & { grants: Grant[] };
  }
}

/** The cookie carries a random token; the database keeps only its SHA-256. */
function sessionIdFromToken(token: string): string {
  return encodeHexLowerCase(sha256(new TextEncoder().encode(token)));
}

function newToken(): string {
  const bytes = new Uint8Array(20);
  crypto.getRandomValues(bytes);
  return encodeBase32LowerCaseNoPadding(bytes);
}

function cookieHeader(token: string, maxAgeSeconds: number): string {
  const secure = getEnv().APP_ORIGIN.startsWith("https:") ? "; Secure" : "";
  return `${SESSION_COOKIE}=${token}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

export function blankSessionCookie(): string {
  return cookieHeader("", 0);
}

function readToken(request: Request): string | null {
  const header = request.headers.get("Cookie");
  if (!header) return null;
  for (const part of header.split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) {
      const value = rest.join("=");
      return /^[a-z2-7]{32}$/.test(value) ? value : null;
    }
  }
  return null;
}

export async function createUserSession(
  userId: string,
  meta: { ipAddress?: string | null; userAgent?: string | null },
): Promise<string> {
  const env = getEnv();
  const token = newToken();
  const absoluteExpiresAt = new Date(Date.now() + env.SESSION_ABSOLUTE_HOURS * 3600_000);
  await lucia().createSession(
    userId,
    { absoluteExpiresAt, ipAddress: meta.ipAddress ?? null, userAgent: meta.userAgent?.slice(0, 300) ?? null },
    { sessionId: sessionIdFromToken(token) },
  );
  return cookieHeader(token, env.SESSION_IDLE_MINUTES * 60);
}

export interface CurrentSession {
  userId: string;
  user: SessionUserAttributes & { id: string };
  /** A Set-Cookie header to send when the sliding window moved. */
  refreshCookie: string | null;
  sessionId: string;
  /** The account's role grants, read with the session (absent when the session was built by hand). */
  grants?: Grant[];
}

/**
 * What one request has looked up, shared by the loaders of that request (the root's and the
 * page's): the load context server.ts builds for each request carries it. Only a GET is
 * shared; an action may end or change sessions, and the loaders that follow it look again.
 */
export type RequestMemo = Map<string, Promise<unknown>>;

function memoOf(request: Request, context: unknown): RequestMemo | null {
  if (request.method !== "GET" && request.method !== "HEAD") return null;
  const memo = (context as { requestMemo?: unknown } | null | undefined)?.requestMemo;
  return memo instanceof Map ? (memo as RequestMemo) : null;
}

/**
 * The request's session, checked against the database: one statement (session, account and role
 * grants), and a second only when the sliding window moves. Loaders of the same GET that pass
 * their `context` share that one lookup; nothing outlives the request, so a revoked session fails
 * on the very next one.
 */
export function getCurrentSession(request: Request, context?: unknown): Promise<CurrentSession | null> {
  const token = readToken(request);
  if (!token) return Promise.resolve(null);
  const memo = memoOf(request, context);
  const key = `session:${token}`;
  const known = memo?.get(key) as Promise<CurrentSession | null> | undefined;
  if (known) return known;
  const found = lookUpSession(token);
  memo?.set(key, found);
  return found;
}

async function lookUpSession(token: string): Promise<CurrentSession | null> {
  const { session, user } = await lucia().validateSession(sessionIdFromToken(token));
  if (!session) return null;
  const refreshCookie = session.fresh
    ? cookieHeader(token, Math.max(0, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)))
    : null;
  const { grants, ...attributes } = user;
  return { userId: user.id, user: attributes, refreshCookie, sessionId: session.id, grants };
}

export async function signOut(request: Request): Promise<string> {
  const token = readToken(request);
  if (token) await lucia().invalidateSession(sessionIdFromToken(token));
  return blankSessionCookie();
}

/** Revoke every session of a user (password change, compromise, leaving). */
export function revokeAllSessions(userId: string): Promise<void> {
  return lucia().invalidateUserSessions(userId);
}

export function purgeExpiredSessions(): Promise<void> {
  return lucia().deleteExpiredSessions();
}

export async function requireSession(request: Request, context?: unknown): Promise<CurrentSession> {
  const current = await getCurrentSession(request, context);
  if (!current) {
    const url = new URL(request.url);
    const params = new URLSearchParams({ redirectTo: url.pathname + url.search });
    // A cookie that no longer matches a live session means it expired or was revoked.
    if (readToken(request)) params.set("expired", "1");
    throw redirect(`/login?${params}`, {
      headers: { "Set-Cookie": blankSessionCookie() },
    });
  }
  return current;
}
