import { defineConfig } from "vitest/config";

// Workspace packages export their TypeScript sources under the
// "@dispatch/source" condition, so tests run against src/ with no build.
const conditions = ["@dispatch/source", "module", "node", "import", "default"];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "dev-server",
          root: "packages/dev-server",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "client",
          root: "packages/client",
          include: ["src/**/*.test.ts", "test/**/*.test.ts"],
          environment: "node",
        },
      },
      {
        extends: true,
        test: {
          name: "react",
          root: "packages/react",
          include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
          environment: "happy-dom",
        },
      },
      {
        extends: true,
        test: {
          name: "demo",
          root: "apps/demo",
          include: ["test/**/*.test.ts"],
          environment: "node",
          // Real Chromium against a real Vite and dev server: starting them takes a while.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
