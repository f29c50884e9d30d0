import { defineConfig } from "vitest/config";
import tsconfigPaths from "vite-tsconfig-paths";

// Test-only settings; the service URLs come from scripts/test.sh.
const testEnv = {
  NODE_ENV: "test" as const,
  SMTP_URL: "smtp://127.0.0.1:2525",
  MAIL_FROM: "Seoul Human Rights Academy <no-reply@hr-edu.test>",
  APP_ORIGIN: "http://127.0.0.1:3999",
  LINK_SECRET: "test-link-secret-not-for-production-use-0123456789",
  // Every read of /hr counts afresh, so a test sees what it just did (ADR 036).
  COMPLIANCE_COUNTS_MAX_AGE_SECONDS: "0",
};
for (const [k, v] of Object.entries(testEnv)) (process.env as Record<string, string>)[k] ??= v;

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    include: ["app/**/*.test.ts", "jobs/**/*.test.ts", "content/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    setupFiles: ["test/setup.ts"],
    env: testEnv,
    pool: "forks",
    testTimeout: 30_000,
    // A browser test's polls wait for what a page does after a submit. With the whole suite sharing two cores an
    // apply can take seconds, not the one second vitest allows by default; a poll that succeeds returns at once.
    expect: { poll: { timeout: 15_000 } },
    hookTimeout: 120_000,
    reporters: ["default", "./test/summary-reporter.ts"],
  },
});
