import { existsSync, mkdirSync, symlinkSync } from "node:fs";
import { fileURLToPath } from "node:url";

/**
 * The react18 project runs the React tests against React 18, installed as the
 * aliases react-18 and react-dom-18 beside React 19. react-dom-18 requires
 * "react" from CommonJS, past Vite's aliases, and npm cannot install its
 * react@18 peer next to the root's react@19; so it gets a link to react-18.
 */
export default function linkReact18(): void {
  const nested = fileURLToPath(new URL("../../../node_modules/react-dom-18/node_modules/", import.meta.url));
  const link = `${nested}react`;
  if (existsSync(link)) return;
  mkdirSync(nested, { recursive: true });
  symlinkSync("../../react-18", link, "dir");
}
