/**
 * Method dispatch shared by WebSocket and HTTP RPC, as dwp.Handler.Handle:
 * every method's request decoding, engine call and Go error text.
 */
import type { Identity } from "./auth.js";
import { type Broker, validateTopic } from "./broker.js";
import type { Frame } from "./codecs/codec.js";
import {
  type DecodedRequest,
  decodeRequest,
  RequestDecodeError,
  type RequestMethod,
} from "./codecs/request-decoder.js";
import { typeIdError } from "./engine/type-id.js";
import type { Engine, Scope } from "./engine/types.js";
import { errorFrame, responseFrame } from "./frames.js";

/**
 * Handles one request frame. `signal` is the request's context, which runs
 * started by the frame (and the children they spawn) take as theirs: for HTTP
 * RPC it ends once the answer is written or the client goes away; for a
 * WebSocket it is the connection's, ending with its read loop.
 */
export type Handle = (frame: Frame, identity: Identity, signal?: AbortSignal) => Promise<Frame | undefined>;

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

function scopeOf(identity: Identity): Scope {
  const scope: Scope = {};
  if (identity.appId !== "") scope.appId = identity.appId;
  if (identity.orgId !== "") scope.orgId = identity.orgId;
  return scope;
}

export function createHandler(engine: Engine, broker: Broker): Handle {
  type Method = (
    frame: Frame,
    req: DecodedRequest,
    identity: Identity,
    signal: AbortSignal | undefined,
  ) => Promise<Frame> | Frame;

  const methods: Partial<Record<RequestMethod | "stats", Method>> = {
    "job.enqueue": (f, req, identity) => {
      const queue = req.str("queue");
      const priority = req.int("priority");
      try {
        const job = engine.enqueue({
          name: req.str("name"),
          payload: req.raw("payload"),
          // job.WithQueue / WithPriority are only applied for non-zero values.
          ...(queue !== "" ? { queue } : {}),
          ...(priority > 0 ? { priority } : {}),
          scope: scopeOf(identity),
        });
        return responseFrame(f.id, { job_id: job.id, queue: job.queue, state: job.state });
      } catch (err) {
        return errorFrame(f.id, 500, `enqueue failed: ${message(err)}`);
      }
    },
    "job.get": (f, req) => {
      const id = req.str("job_id");
      const bad = typeIdError(id, "job");
      if (bad !== undefined) return errorFrame(f.id, 400, `invalid job ID: ${bad}`);
      const job = engine.getJob(id);
      // The memory store's error is dispatch.ErrJobNotFound, hence the doubled text.
      if (job === undefined) return errorFrame(f.id, 404, "job not found: dispatch: job not found");
      return responseFrame(f.id, job);
    },
    "job.cancel": (f, req) => {
      const id = req.str("job_id");
      const bad = typeIdError(id, "job");
      if (bad !== undefined) return errorFrame(f.id, 400, `invalid job ID: ${bad}`);
      if (!engine.cancelJob(id)) return errorFrame(f.id, 404, "job not found");
      return responseFrame(f.id, { status: "cancelled" });
    },
    "workflow.start": async (f, req, identity, signal) => {
      try {
        const run = await engine.startWorkflow(req.str("name"), req.raw("input"), scopeOf(identity), signal);
        return responseFrame(f.id, { run_id: run.id, name: run.name, state: run.state });
      } catch (err) {
        return errorFrame(f.id, 500, `workflow start failed: ${message(err)}`);
      }
    },
    "workflow.get": (f, req) => {
      const id = req.str("run_id");
      const bad = typeIdError(id, "wfrun");
      if (bad !== undefined) return errorFrame(f.id, 400, `invalid run ID: ${bad}`);
      const run = engine.getRun(id);
      if (run === undefined) return errorFrame(f.id, 404, "run not found: dispatch: run not found");
      return responseFrame(f.id, run);
    },
    "workflow.event": (f, req, identity) => {
      try {
        const evt = engine.publishEvent(req.str("name"), req.raw("payload"), scopeOf(identity));
        // A Go map[string]string: keys sorted.
        return responseFrame(f.id, { event_id: evt.event_id, name: evt.name });
      } catch (err) {
        return errorFrame(f.id, 500, `publish event failed: ${message(err)}`);
      }
    },
    "workflow.timeline": (f, req) => {
      const id = req.str("run_id");
      const bad = typeIdError(id, "wfrun");
      if (bad !== undefined) return errorFrame(f.id, 400, `invalid run ID: ${bad}`);
      // An unknown run has no checkpoints: Go answers an empty list, not 404.
      return responseFrame(f.id, engine.timeline(id));
    },
    subscribe: (f, req) => {
      const channel = req.str("channel");
      const bad = validateTopic(channel);
      if (bad !== undefined) return errorFrame(f.id, 400, bad);
      // The subscription itself is made by the connection loop, after this succeeds.
      return responseFrame(f.id, { channel, status: "subscribed" });
    },
    // Go does not validate the channel on unsubscribe.
    unsubscribe: (f, req) => responseFrame(f.id, { channel: req.str("channel"), status: "unsubscribed" }),
    // `connections` is never filled in by the Go handler: always 0.
    stats: (f) => responseFrame(f.id, { broker: broker.stats(), connections: 0 }),
  };

  return async (frame, identity, signal) => {
    const method = Object.hasOwn(methods, frame.method) ? methods[frame.method as RequestMethod] : undefined;
    if (method === undefined) {
      if (frame.method.startsWith("federation.") && FEDERATION.has(frame.method)) {
        return errorFrame(frame.id, 405, "federation not enabled");
      }
      return errorFrame(frame.id, 405, `unknown method: ${frame.method}`);
    }
    let req: DecodedRequest;
    if (frame.method === "stats") {
      req = { str: () => "", int: () => 0, raw: () => undefined };
    } else {
      try {
        req = decodeRequest(frame.data, frame.method as RequestMethod);
      } catch (err) {
        if (err instanceof RequestDecodeError)
          return errorFrame(frame.id, 400, `invalid request: ${err.message}`);
        throw err;
      }
    }
    try {
      return await method(frame, req, identity, signal);
    } catch (err) {
      return errorFrame(frame.id, 500, message(err));
    }
  };
}

const FEDERATION = new Set(["federation.enqueue", "federation.event", "federation.heartbeat"]);
