import { fileURLToPath } from "node:url";
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
        // The same React tests against React 18: react and react-dom resolve to
        // the react-18 / react-dom-18 aliases, and the libraries that import
        // them are bundled by Vite so the alias reaches them too.
        resolve: {
          alias: [
            { find: /^react$/, replacement: "react-18" },
            { find: /^react\/(.*)$/, replacement: "react-18/$1" },
            { find: /^react-dom$/, replacement: "react-dom-18" },
            { find: /^react-dom\/(.*)$/, replacement: "react-dom-18/$1" },
            // Its CommonJS main would require react-dom past the alias: use its ES build.
            {
              find: /^@testing-library\/react$/,
              replacement: fileURLToPath(
                new URL(
                  "./node_modules/@testing-library/react/dist/@testing-library/react.esm.js",
                  import.meta.url,
                ),
              ),
            },
          ],
        },
        test: {
          name: "react18",
          root: "packages/react",
          globalSetup: ["test/react18.global-setup.ts"],
          include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.{ts,tsx}"],
          environment: "happy-dom",
          server: {
            deps: { inline: ["@tanstack/react-query", "@testing-library/react", "@testing-library/dom"] },
          },
        },
      },
      {
        extends: true,
        test: {
          // Restarts, half-open sockets, slow consumers, token expiry, fuzzing, and a bench smoke run.
          name: "faults",
          root: "tests/faults",
          include: ["**/*.test.{ts,tsx}"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // The bundled client run in Node (ws and native), Deno and Bun; the browser bundle check.
          name: "runtimes",
          root: "tests/runtimes",
          include: ["**/*.test.ts"],
          environment: "node",
          testTimeout: 60_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          // Build, then publint, attw and size-limit on what npm would publish.
          name: "packaging",
          root: "tests/packaging",
          include: ["**/*.test.ts"],
          environment: "node",
          testTimeout: 240_000,
          hookTimeout: 30_000,
        },
      },
      {
        extends: true,
        test: {
          name: "demo",
          root: "apps/demo",
          // Component tests (*.test.tsx) choose happy-dom in their first line.
          include: ["src/**/*.test.{ts,tsx}", "test/**/*.test.ts"],
          environment: "node",
          // Real Chromium against a real Vite and dev server: starting them takes a while.
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
