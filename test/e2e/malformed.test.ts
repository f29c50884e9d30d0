import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUnit, createUser } from "../factories";
import { sessionCookieFor } from "../http";
import { startApp } from "./app-server";

/**
 * Requests no browser of ours sends: each is refused with a 4xx in the
 * reader's language, never a 500, and changes nothing.
 */
describe("malformed requests to the running app", { timeout: 120_000 }, () => {
  let app: Awaited<ReturnType<typeof startApp>>;
  let hrCookie: string;

  beforeAll(async () => {
    const unit = await createUnit("BUREAU");
    hrCookie = await sessionCookieFor((await createUser({ roles: [{ role: "HR_OFFICER", orgUnitId: unit.id }] })).id);
    app = await startApp();
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
  });

  const post = (path: string, body: BodyInit, headers: Record<string, string>, cookie?: string) =>
    fetch(`${app.origin}${path}`, {
      method: "POST",
      body,
      headers: { Origin: app.origin, ...(cookie ? { cookie } : {}), "Accept-Language": "ko", ...headers },
      redirect: "manual",
    });

  it("refuses a body that is not what it says it is", async () => {
    const cases: Array<[string, Response]> = [
      ["bad JSON", await post("/login", "{bad", { "Content-Type": "application/json" })],
      ["multipart without a boundary", await post("/hr/import", "--x\r\n", { "Content-Type": "multipart/form-data" }, hrCookie)],
      ["truncated multipart", await post("/hr/import", "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\nemp", { "Content-Type": "multipart/form-data; boundary=b" }, hrCookie)],
      ["multipart on a form route", await post("/login", "--b--\r\n", { "Content-Type": "multipart/form-data" })],
    ];
    for (const [name, res] of cases) {
      expect(res.status, name).toBeGreaterThanOrEqual(400);
      expect(res.status, name).toBeLessThan(500);
    }
  });

  it("refuses a body larger than its kind of form allows, before reading it", async () => {
    const big = "email=a%40b.c&password=" + "x".repeat(5 * 1024 * 1024);
    const res = await post("/login", big, { "Content-Type": "application/x-www-form-urlencoded" });
    expect(res.status).toBe(413);
    expect(await res.text()).toContain("너무 큽니다");
  });

  it("answers a redirect target with a line break without failing", async () => {
    const res = await fetch(`${app.origin}/login?redirectTo=%0a%0d/evil.example`, { redirect: "manual" });
    expect(res.status).toBeLessThan(500);
  });
});
