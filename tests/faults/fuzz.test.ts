/**
 * Fuzzing the client's inbound side: random frames, random bytes, truncated
 * and reordered valid conversations, in both codecs, from a scripted server.
 * Whatever arrives, there is never an uncaught exception or an unhandled
 * rejection, and the client keeps serving: a sentinel event still reaches the
 * subscription and a request is still answered correctly.
 */
import { Dispatch, type StreamEvent } from "@dispatch/client";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { processFailures, Signal, WebSocket } from "./helpers.js";
import { encodeFrame, type Format, startScriptedServer, type WireMessage } from "./scripted-server.js";

const RUNS = 200;
const SENTINEL = "job:sentinel";

/** A valid conversation after auth: what a real server might send. */
const conversation: Array<Record<string, unknown>> = [
  {
    type: "event",
    channel: "jobs",
    data: { type: "job.enqueued", ts: "2026-01-02T03:04:05Z", topic: "job:a", data: { job_id: "a" } },
  },
  {
    type: "event",
    channel: "job:a",
    data: { type: "job.completed", ts: "2026-01-02T03:04:06Z", topic: "job:a", data: { job_id: "a" } },
  },
  { type: "response", correl_id: "nobody", data: { ok: true } },
  { type: "error", correl_id: "nobody", error: { code: 404, message: "job not found" } },
  { type: "pong", correl_id: "ping-0" },
  {
    type: "event",
    data: {
      type: "workflow.started",
      ts: "2026-01-02T03:04:05Z",
      topic: "workflow:r",
      data: { run_id: "r" },
    },
  },
];

/** A client of the scripted server, reconnecting fast after whatever the script did. */
function fuzzClient(url: string, format: Format): Dispatch {
  return new Dispatch({ url, token: "dk_test_fuzz", WebSocket, format, minReconnectDelay: 10 });
}

const json = fc.jsonValue({ maxDepth: 3 });
/** Envelopes with any field of any shape. */
const randomFrame = fc.record(
  {
    id: fc.oneof(fc.string(), json),
    type: fc.oneof(fc.constantFrom("event", "response", "error", "pong", "ping", "request", "?"), json),
    correl_id: fc.oneof(fc.string(), json),
    channel: json,
    data: fc.oneof(
      json,
      fc.record({
        type: fc.oneof(fc.constantFrom("job.completed", "workflow.started"), json),
        topic: json,
        data: json,
      }),
    ),
    error: json,
    credits: json,
    ts: fc.oneof(fc.string(), json),
  },
  { requiredKeys: [] },
);

type Piece =
  | { kind: "frame"; frame: Record<string, unknown> }
  | { kind: "bytes"; bytes: Uint8Array }
  | { kind: "text"; text: string }
  | { kind: "truncated"; index: number; cut: number };

const piece: fc.Arbitrary<Piece> = fc.oneof(
  randomFrame.map((frame) => ({ kind: "frame" as const, frame })),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ kind: "bytes" as const, bytes })),
  fc.string({ unit: "binary", maxLength: 200 }).map((text) => ({ kind: "text" as const, text })),
  fc
    .record({ index: fc.nat(conversation.length - 1), cut: fc.nat(300) })
    .map((t) => ({ kind: "truncated" as const, ...t })),
);

/**
 * Stray input before the auth answer. An error frame with no correl_id is
 * left out: that is how the server refuses an auth frame it could not read
 * (dwp/server.go), so the client rightly takes it as the refusal.
 */
const strayBeforeAuth = piece.filter(
  (p) => !(p.kind === "frame" && p.frame.type === "error" && (p.frame.correl_id ?? "") === ""),
);

/** A script: some pieces, then a reordered subset of the valid conversation, interleaved. */
const script = fc
  .tuple(fc.array(piece, { maxLength: 12 }), fc.shuffledSubarray(conversation))
  .chain(([pieces, valid]) =>
    fc.shuffledSubarray([...pieces, ...valid.map((frame): Piece => ({ kind: "frame", frame }))], {
      minLength: pieces.length + valid.length,
    }),
  );

function toWire(p: Piece, format: Format): WireMessage | undefined {
  try {
    switch (p.kind) {
      case "frame":
        return encodeFrame(p.frame, format);
      case "bytes":
        return { binary: p.bytes };
      case "text":
        return { text: p.text };
      case "truncated": {
        const whole = encodeFrame(conversation[p.index] as Record<string, unknown>, format);
        return "text" in whole
          ? { text: whole.text.slice(0, p.cut % whole.text.length) }
          : { binary: whole.binary.slice(0, p.cut % whole.binary.length) };
      }
    }
  } catch {
    return undefined; // a value this codec cannot encode at all: nothing to send
  }
}

const sentinel = (format: Format) =>
  encodeFrame(
    {
      type: "event",
      channel: SENTINEL,
      data: {
        type: "job.completed",
        ts: "2026-01-02T03:04:05Z",
        topic: SENTINEL,
        data: { job_id: "sentinel" },
      },
    },
    format,
  );

describe.each(["json", "msgpack"] as const)("fuzzing inbound frames (%s)", (format) => {
  it("never throws or rejects unhandled, and keeps serving valid traffic", async () => {
    const failures = processFailures();
    const server = await startScriptedServer();
    let sent = 0;
    await fc.assert(
      fc.asyncProperty(script, async (pieces) => {
        server.afterAuth = (peer) => {
          for (const p of pieces) {
            const message = toWire(p, format);
            if (message) peer.send(message);
            if (message) sent++;
          }
          peer.send(sentinel(format));
        };
        const client = fuzzClient(server.url, format);
        try {
          const signal = new Signal();
          const seen: StreamEvent[] = [];
          client.subscribe("firehose", (event) => {
            seen.push(event);
            signal.poke();
          });
          await signal.until(() => seen.some((e) => e.topic === SENTINEL), 5000, "the sentinel event");
          await expect(client.stats()).resolves.toEqual({ ok: true });
          expect(failures.errors).toEqual([]);
        } finally {
          client.close();
        }
      }),
      // Both limits are far past a normal run (about 1 s): hitting one is a hang, not a pass.
      { numRuns: RUNS, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: true },
    );
    failures.stop();
    expect(failures.errors).toEqual([]);
    // The property really fed hostile input (a guard against a script that sends nothing).
    expect(sent).toBeGreaterThan(RUNS);
  }, 60_000);

  it("ignores stray frames that arrive before the auth answer, whatever their correl_id", async () => {
    const failures = processFailures();
    const server = await startScriptedServer();
    await fc.assert(
      fc.asyncProperty(fc.array(strayBeforeAuth, { maxLength: 6 }), async (pieces) => {
        server.beforeAuth = (peer) => {
          for (const p of pieces) {
            const message = toWire(p, format);
            if (message) peer.send(message);
          }
        };
        const client = fuzzClient(server.url, format);
        try {
          await client.connect({ timeout: 5000 });
          await expect(client.stats()).resolves.toEqual({ ok: true });
        } finally {
          client.close();
        }
      }),
      {
        numRuns: RUNS / 2,
        interruptAfterTimeLimit: 20_000,
        markInterruptAsFailure: true,
        // An uncorrelated error frame during the handshake: the client must not take it as the auth refusal.
        examples: [
          [
            [
              {
                kind: "frame",
                frame: { type: "error", correl_id: "other", error: { code: 401, message: "x" } },
              },
            ],
          ],
        ],
      },
    );
    failures.stop();
    expect(failures.errors).toEqual([]);
  }, 60_000);
});
