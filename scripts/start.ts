/**
 * `npm start`: the Dispatch dev server with the demo jobs and workflows, and
 * the live dashboard (apps/demo) in Vite, proxied same-origin. Prints the URL
 * to open; Ctrl-C stops both.
 *
 * PORT and DISPATCH_DEV_PORT override the ports (5173 and 8787).
 */
import { startDemo } from "../apps/demo/scripts/serve.js";

function portFrom(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new Error(`invalid ${name}: ${raw}`);
  return port;
}

async function main(): Promise<void> {
  const demo = await startDemo({
    port: portFrom("PORT", 5173),
    devServerPort: portFrom("DISPATCH_DEV_PORT", 8787),
  });
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    demo.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  // Before the URL is printed: whoever reads it may stop us at once.
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
  console.log(`Dispatch demo: open ${demo.url}  (dev server ${demo.devServer.url}, token ${demo.token})`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
