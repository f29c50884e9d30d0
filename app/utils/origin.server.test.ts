import { describe, expect, it } from "vitest";
import { isSameOriginRequest } from "./origin.server";

const APP = "http://127.0.0.1:3000";

describe("Origin check on mutations", () => {
  it("lets safe methods through", () => {
    expect(isSameOriginRequest("GET", {}, APP)).toBe(true);
  });
  it("accepts our own origin and refuses others", () => {
    expect(isSameOriginRequest("POST", { origin: APP }, APP)).toBe(true);
    expect(isSameOriginRequest("POST", { origin: "http://evil.example" }, APP)).toBe(false);
    expect(isSameOriginRequest("POST", { origin: "null" }, APP)).toBe(false);
  });
  it("falls back to Referer and refuses a request with neither", () => {
    expect(isSameOriginRequest("POST", { referer: `${APP}/login` }, APP)).toBe(true);
    expect(isSameOriginRequest("POST", { referer: "http://evil.example/x" }, APP)).toBe(false);
    expect(isSameOriginRequest("DELETE", {}, APP)).toBe(false);
  });
});
