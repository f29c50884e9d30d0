/**
 * A real OpenID Connect provider (oidc-provider, certified) on loopback,
 * standing in for the city's staff portal in tests and in `npm run demo`.
 * Its sign-in page lists the staff it knows: choosing one signs in as them
 * (no passwords; consent is implied, as for a first-party portal).
 *
 *   tsx scripts/identity-provider.ts --port 4010 --accounts FILE.json --client-id ID --client-secret S --redirect-uri URL
 */
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import Provider, { type Context } from "oidc-provider";

export interface StaffAccount {
  /** The provider's subject id. */
  sub: string;
  name: string;
  email: string;
  employeeNo: string | null;
}

export interface IdentityProviderOptions {
  port?: number;
  clients: Array<{ clientId: string; clientSecret: string; redirectUris: string[] }>;
  accounts: StaffAccount[];
  /** The claim that carries the employee number. */
  employeeNoClaim: string;
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  let body = "";
  for await (const chunk of req) {
    body += chunk;
    if (body.length > 10_000) break;
  }
  return new URLSearchParams(body);
}

export async function startIdentityProvider(options: IdentityProviderOptions): Promise<{ issuer: string; stop: () => Promise<void> }> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const byId = new Map(options.accounts.map((a) => [a.sub, a]));
  const key = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({ format: "jwk" });

  const provider = new Provider(issuer, {
    clients: options.clients.map((c) => ({
      client_id: c.clientId,
      client_secret: c.clientSecret,
      redirect_uris: c.redirectUris,
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    })),
    jwks: { keys: [{ ...key, use: "sig", alg: "RS256", kid: "staff-portal" }] },
    cookies: { keys: [randomBytes(32).toString("hex")] },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", options.employeeNoClaim] },
    // The claims of the granted scopes go in the ID token too, as many portals do.
    conformIdTokenClaims: false,
    ttl: { Session: 8 * 3600, Grant: 8 * 3600, Interaction: 600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: false } },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    findAccount: async (_ctx: unknown, id: string) => {
      const account = byId.get(id);
      if (!account) return undefined;
      return {
        accountId: id,
        claims: async () => ({
          sub: id,
          name: account.name,
          email: account.email,
          email_verified: true,
          ...(account.employeeNo ? { [options.employeeNoClaim]: account.employeeNo } : {}),
        }),
      };
    },
    // A first-party portal: the scopes asked for are granted without a consent screen.
    loadExistingGrant: async (ctx: Context) => {
      const { client, session, result, provider: p } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = result?.consent?.grantId ?? session.grantIdFor(client.clientId);
      if (existing) return p.Grant.find(existing);
      const grant = new p.Grant({ accountId: session.accountId, clientId: client.clientId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });

  const callback = provider.callback();
  server.on("request", async (req, res) => {
    const path = new URL(req.url ?? "/", issuer).pathname;
    const interaction = /^\/interaction\/([\w-]+)$/.exec(path);
    if (!interaction) return callback(req, res);
    try {
      if (req.method === "POST") {
        const login = (await readForm(req)).get("login") ?? "";
        if (!byId.has(login)) {
          res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8" }).end("unknown account");
          return;
        }
        await provider.interactionFinished(req, res, { login: { accountId: login } }, { mergeWithLastSubmission: false });
        return;
      }
      await provider.interactionDetails(req, res);
      const options_ = options.accounts
        .map((a) => `<option value="${escape(a.sub)}">${escape(a.name)} (${escape(a.employeeNo ?? a.email)})</option>`)
        .join("");
      res.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store" }).end(`<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>직원 포털 로그인 (Staff portal sign-in)</title></head>
<body><main><h1>직원 포털 로그인 <span lang="en">(Staff portal sign-in)</span></h1>
<p>연습용 통합 인증입니다. 로그인할 직원을 고르세요. <span lang="en">A stand-in identity provider: choose whom to sign in as.</span></p>
<form method="post" action="${escape(path)}">
<label for="login">직원 <span lang="en">(Staff member)</span></label>
<select id="login" name="login">${options_}</select>
<button type="submit">로그인 <span lang="en">(Sign in)</span></button>
</form></main></body></html>`);
    } catch (error) {
      res.writeHead(400, { "Content-Type": "text/plain; charset=utf-8" }).end(String(error));
    }
  });

  return {
    issuer,
    stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const accountsFile = argument("accounts");
  if (!accountsFile) throw new Error("--accounts FILE.json is required");
  const idp = await startIdentityProvider({
    port: Number(argument("port") ?? 4010),
    clients: [{ clientId: argument("client-id") ?? "hr-edu", clientSecret: argument("client-secret") ?? "", redirectUris: [argument("redirect-uri") ?? ""] }],
    accounts: JSON.parse(readFileSync(accountsFile, "utf8")) as StaffAccount[],
    employeeNoClaim: argument("employee-no-claim") ?? "employee_no",
  });
  console.log(`Stand-in staff portal (OpenID provider) at ${idp.issuer}`);
  for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void idp.stop().then(() => process.exit(0)));
}
