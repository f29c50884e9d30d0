import { vitePlugin as remix } from "@remix-run/dev";
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: { port: 3000, host: "127.0.0.1" },
  plugins: [
    !process.env.VITEST &&
      remix({
        future: {
          v3_fetcherPersist: true,
          v3_relativeSplatPath: true,
          v3_throwAbortReason: true,
          v3_singleFetch: true,
          // Off: the browser loads the whole route manifest once, as a cached asset, instead of the
          // server matching and writing a partial manifest into every page (about a fifth of a
          // page's CPU at 55 routes) and answering a manifest request on navigations (ADR 029).
          v3_lazyRouteDiscovery: false,
        },
      }),
    tsconfigPaths(),
  ],
  build: { target: "es2022" },
  ssr: { noExternal: [] },
});
