/**
 * `npm start`: the Dispatch dev server with the demo jobs and workflows, and
 * the live dashboard (apps/demo) in Vite, proxied same-origin. Prints the URL
 * to open; Ctrl-C stops both.
 *
 * PORT and DISPATCH_DEV_PORT override the ports (5173 and 8787).
 */
import { PORT_VARIABLES, portFrom, startFailure } from "../apps/demo/scripts/ports.js";
import { startDemo } from "../apps/demo/scripts/serve.js";

async function main(): Promise<void> {
  const demo = await startDemo({
    port: portFrom(process.env, PORT_VARIABLES.dashboard, 5173),
    devServerPort: portFrom(process.env, PORT_VARIABLES["dev server"], 8787),
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
  console.error(startFailure(err));
  process.exit(1);
});
