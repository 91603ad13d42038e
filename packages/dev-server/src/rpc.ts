/**
 * POST /dwp/rpc: one request frame per HTTP request, as handleHTTPRPC. Each
 * request is handled on its own (no per-connection ordering), and credits are
 * not special-cased.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { type Authenticator, hasScope, requiredScope } from "./auth.js";
import type { Frame } from "./codecs/codec.js";
import { decodeFrameJson, encodeFrameJson } from "./codecs/json-codec.js";
import { errorFrame } from "./frames.js";
import type { Handle } from "./handlers.js";

/**
 * Bodies past this are refused like an unreadable body. The Go server has no
 * cap (forge v1.8.0, which dispatch pins); this one guards a developer's
 * machine, far above the 1 MiB a socket frame may carry.
 */
const MAX_BODY = 4 << 20;

function reply(res: ServerResponse, status: number, frame: Frame | undefined): void {
  if (frame === undefined) {
    res.writeHead(status).end();
    return;
  }
  // Go's json.Encoder ends the value with a newline, and writes nothing when
  // marshalling fails (a time outside years 0–9999).
  const json = encodeFrameJson(frame);
  const body = json === undefined ? "" : `${json}\n`;
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body) });
  res.end(body);
}

function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    req.on("end", () => resolve(size > MAX_BODY ? undefined : Buffer.concat(chunks)));
    req.on("error", () => resolve(undefined));
  });
}

/** Whether Go's url.ParseQuery accepts a form: no `;` separators, and only whole `%XX` escapes. */
function isGoForm(text: string): boolean {
  return !text.includes(";") && !/%(?![0-9a-fA-F]{2})/.test(text);
}

export async function handleRpc(
  req: IncomingMessage,
  res: ServerResponse,
  authenticate: Authenticator,
  handle: Handle,
): Promise<void> {
  const body = await readBody(req);
  let frame: Frame;
  try {
    // forge's Ctx.Bind (go-utils) decodes JSON only for exactly this content
    // type or none at all: a charset suffix fails. It decodes with a
    // json.Decoder, which stops after the first value. A form (what `curl -d`
    // sends) is parsed and binds nothing: an empty frame goes on.
    const type = req.headers["content-type"] ?? "";
    if (body === undefined) throw new Error("bind");
    if (type.startsWith("application/x-www-form-urlencoded")) {
      if (!isGoForm(body.toString("latin1"))) throw new Error("bind");
      frame = decodeFrameJson(Buffer.from("{}"), true);
    } else if (type === "" || type === "application/json") {
      frame = decodeFrameJson(body, true);
    } else {
      throw new Error("bind");
    }
  } catch {
    return reply(res, 400, errorFrame("", 400, "invalid request body"));
  }
  // The raw header is the token: "Bearer <t>" is looked up as is, and fails.
  const token = frame.token !== "" ? frame.token : (req.headers.authorization ?? "");
  const identity = authenticate(token);
  if (identity === undefined) return reply(res, 401, errorFrame(frame.id, 401, "unauthorized"));
  const scope = requiredScope(frame.method);
  if (scope !== "" && !hasScope(identity, scope))
    return reply(res, 403, errorFrame(frame.id, 403, "forbidden"));
  // The request's context is the workflow run's, and its spawned children's.
  // net/http cancels it when the client goes away, and in any case once
  // ServeHTTP returns, i.e. right after the answer is written: a child still
  // sleeping or waiting then fails with "context canceled".
  const context = new AbortController();
  res.on("close", () => {
    if (!res.writableFinished) context.abort();
  });
  try {
    const resp = await handle(frame, identity, context.signal);
    if (resp === undefined) return reply(res, 204, undefined);
    let status = 200;
    if (resp.type === "error" && resp.error !== undefined) {
      status = resp.error.code;
      if (status < 100 || status > 599) status = 500;
    }
    reply(res, status, resp);
  } finally {
    context.abort();
  }
}
