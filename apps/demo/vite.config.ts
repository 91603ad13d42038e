import react from "@vitejs/plugin-react";
import { defaultClientConditions, defineConfig } from "vite";

/**
 * Standalone `npm run dev` proxies `/dwp` to a dev server started separately
 * (from the repository root: `node --conditions=@dispatch/source --import tsx
 * packages/dev-server/src/cli.ts --port 8787`), or to `DISPATCH_DEV_SERVER`.
 * `npm start` (scripts/serve.ts) overrides the target with its own dev server.
 */
const devServer = process.env.DISPATCH_DEV_SERVER ?? "http://127.0.0.1:8787";

export default defineConfig({
  plugins: [react()],
  // Workspace packages resolve to their TypeScript sources: no build needed.
  resolve: { conditions: ["@dispatch/source", ...defaultClientConditions] },
  server: {
    host: "127.0.0.1",
    // Same origin for the page: WebSocket and HTTP RPC (no CORS).
    proxy: { "/dwp": { target: devServer, ws: true, changeOrigin: true } },
  },
  // Pre-bundle up front, so the first page load never triggers a re-optimise reload.
  optimizeDeps: {
    include: [
      "react",
      "react/jsx-runtime",
      "react/jsx-dev-runtime",
      "react-dom/client",
      "@tanstack/react-query",
      "partysocket",
      "@msgpack/msgpack",
    ],
  },
});
