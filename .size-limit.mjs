// Size budgets, min+gzip (level 9), checked by `npx size-limit` and by the
// `packaging` Vitest project. Measured from the TypeScript sources with
// esbuild (the shipped dist is tsc's 1:1 output of the same files, so the
// minified size is the same), which lets it run in a fresh clone with no build.
//
// A JavaScript config rather than .size-limit.json because the budgets need an
// esbuild plugin: a user's bundler splits `import()` into chunks loaded on
// demand, while size-limit's esbuild run would inline them. "Initial" budgets
// therefore keep dynamic imports (msgpack codec, slow lane, fan-out helpers)
// out of the count, and the "every chunk" row measures them all with splitting.

/** Leaves every `import()` unresolved: its chunk is not downloaded up front. */
const lazyChunksExcluded = {
  name: "lazy-chunks-excluded",
  setup(build) {
    build.onResolve({ filter: /.*/ }, (args) =>
      args.kind === "dynamic-import" ? { path: args.path, external: true } : undefined,
    );
  },
};

/** What a browser app's bundler does: ESM output, minified. */
function esm(config) {
  return { ...config, format: "esm", platform: "browser" };
}

function initialOnly(config) {
  return { ...esm(config), plugins: [...(config.plugins ?? []), lazyChunksExcluded] };
}

function everyChunk(config) {
  return { ...esm(config), splitting: true };
}

// Budgets are the measured size rounded up to the next 0.5 kB. Three are over
// the targets set for them, and say so here until the team decides:
//   JSON-only core   asked 6 kB, measured 10.39 kB (SSE, the slow lane, fan-out
//                    and msgpack load on demand and are not counted)
//   with partysocket asked 9 kB, measured 12.83 kB
//   @dispatch/react  asked 3 kB, measured 6.24 kB
// docs/bundle-size.md explains where the bytes go and what meeting the
// targets would cost. Lower them as the code shrinks; never raise one
// without saying why.
// Raised: "every chunk" 25 → 25.5 kB for the request table's shared deadline
// timer (+0.1 kB), which took concurrent requests from 0.83 to 0.93 of bare ws;
// "without partysocket" 8.5 → 9 kB for validating per-call timeouts (+0.08 kB:
// NaN would never fire on the shared timer, 0 would fail before sending);
// "with partysocket" 11 → 11.5 kB for closing cleanly when the SSE chunk
// fails to load (+0.05 kB; it left calls pending and rejections unhandled);
// "every chunk" 25.5 → 26 kB for the same care with the msgpack and slow-lane
// chunks, and for close() aborting a running workflow.start (+0.3 kB);
// "without partysocket" 9 → 9.5 kB and "every chunk" 26 → 26.5 kB for fixes
// found by review, each with its test (+0.25 kB initial, +0.35 kB in all):
// the heartbeat no longer lets a steady poller keep a half-open socket, the
// reconnect backoff runs on a timer close() clears (partysocket's kept Node
// processes alive) and applies to failed handshakes, a throwing token
// provider is retried, subscriptions report their end (onEnd), and
// waitForJob/gather survive outages and stop on close(); "with partysocket"
// 11.5 → 12 kB because those fixes left it at exactly 11.50 kB.
// Raised: "every chunk" 26.5 → 27 kB and @dispatch/react 5.5 → 6 kB for
// review fixes, each with its test (+0.13 kB initial, +0.18 kB React): a
// WebSocket constructor that throws closes the client instead of a silent
// endless connect, a token HTTP cannot carry is refused, the token stays out
// of a logged client, a throwing listener reaches the console, the SSE
// rollover survives a stalled stream; in React, DispatchProvider waits for a
// token instead of crashing, a refused re-subscribe is retried on the next
// session, and the registry stops listening to a client it no longer uses.
// Raised: "without partysocket" 9.5 → 10 kB for review fixes, each with its
// test (+0.31 kB): payloads JSON would silently change (Map, Set, NaN, bytes,
// nested functions) are refused, a second reader of one subscription is
// refused instead of getting every other event, a request made as the state
// turns open waits for the re-subscribes, close() clears the token
// provider's timer and the heartbeat started by an 'open' listener, a late
// 401 re-check cannot close a newer session, and a stalled event loop no
// longer reads as a dead socket.
// Raised: "every chunk" 27 → 27.5 kB for the SSE and RPC review fixes, each
// with its test (+0.44 kB, all in lazy chunks): a held SSE request times
// out instead of leaving a channel deaf, close() cancels the body and
// reports one 'closed', a 404 stops the token probe, token and call share
// one timeout, a non-DWP 200 is a protocol error, and signals are linked
// without AbortSignal.any (which leaks per request on Node 20).
// Raised: "every chunk" 27.5 → 28 kB for review fixes, each with its test
// (+0.19 kB, mostly lazy): SSE keeps publication order across a rollover,
// waitForJob waits out a cancel the executor overwrites, and a negative
// priority is refused instead of silently dropped.
// Raised: "with partysocket" 12 → 12.5 kB: those fixes left it at 12.00 kB,
// on the budget itself, so the next byte of any fix would fail CI.
// Raised: "every chunk" 28 → 28.5 kB for following the page (reconnect on
// 'online' and on a back/forward-cache restore, pause while offline, let go
// while cached) on both transports, and its review fixes, each with its
// tests: 27.62 → 28.05 kB in all. The initial bundle went from 9.64 to
// 9.94 kB, within its 10 kB.
// Raised: "without partysocket" 10 → 10.5 kB for per-session confirmation
// (+0.1 kB): after a reconnect a subscription read as live, and one made
// while reconnecting as ready, before the server had confirmed the
// re-subscribe (`Subscription.live`/`onLive`, React's `isLive`); and for a
// credit head start on each session, without which a burst of more than
// 1,000 events within a round trip was silently dropped by the server.
// Raised: "with partysocket" 12.5 → 13 kB and "every chunk" 28.5 → 29 kB
// for the same fixes and their follow-ups from review, each with its test
// (initial 9.95 → 10.11 kB, all 28.06 → 28.41 kB): a server that takes the
// token and never answers uses up maxRetries, HTTP RPC ends on its timeout
// and on close() with a fetch that ignores its signal, an SSE stream silent
// for 2 minutes (possibly half-open) is replaced, and an SSE subscription
// made while its stream re-opens is confirmed only once it is back.
// Raised: @dispatch/react 6 → 6.5 kB for review fixes, each with its test
// (+0.12 kB): signing out ends the session (reads went on over the last
// user's socket) and clears the Dispatch queries, a token function is asked
// once at sign-in however many connects timed out before, one component's
// throwing onEvent no longer keeps an event from the others, and a read cut
// off by a drop is retried at once, held by the client until it is back.
// Raised: "every chunk" 29 → 29.5 kB for transport "sse" following the page
// as the socket does (its streams let go in the back/forward cache, which an
// open fetch kept the page out of, and wait for the network while known
// offline instead of failing attempt after attempt), for DISPATCH_DEBUG
// tracing RPC and SSE traffic, and for msgpack keeping the server's
// nanosecond ts (+0.39 kB, all in lazy chunks, each with its tests; the
// initial bundle is unchanged at 10.19 kB). Then a logger that throws no
// longer breaks a call (+0.08 kB initial: 10.27 kB), an unanswered upgrade
// gives up after timeout, and close() over SSE ends every subscription
// before it returns (10.32 kB), all within the budgets.
// Then refactors that change no behaviour (dead logger and wire-table code,
// #private helpers, one clientClosedError and one boundedWait, the
// subscription's waiters and the heartbeat's ping in one value each) took
// the initial bundle to 10.24 kB, with partysocket 12.67 kB, and every
// chunk 29.35 → 29.23 kB: none far enough for a lower 0.5 kB step.
// Then a request that times out before any session says why none opened,
// with the failure `ws` and Node's WebSocket report ("connect ECONNREFUSED
// …"): +0.06 kB, 10.30 kB initial, 12.72 kB with partysocket, every chunk
// 29.29 kB, all within the budgets. Then a connect that Node 20's WebSocket
// fails with an error event and no close counts as a failed attempt (it
// never did: maxRetries never applied): +0.04 kB, 10.34 kB initial, 12.77 kB
// with partysocket, every chunk 29.34 kB. Then "gave up after N failed
// attempts" counted the same on SSE as on the socket, and Deno's close code
// 0 reads as the 1006 it is (its msgpack never fell back to JSON): 10.39 kB
// initial, 12.83 kB with partysocket, every chunk 29.38 kB.
export default [
  {
    name: "@dispatch/client: Dispatch, JSON only, initial load, without partysocket",
    path: "packages/client/src/index.ts",
    import: "{ Dispatch }",
    ignore: ["partysocket"],
    modifyEsbuildConfig: initialOnly,
    gzip: true,
    limit: "10.5 kB",
  },
  {
    name: "@dispatch/client: Dispatch, JSON only, initial load, with partysocket",
    path: "packages/client/src/index.ts",
    import: "{ Dispatch }",
    modifyEsbuildConfig: initialOnly,
    gzip: true,
    limit: "13 kB",
  },
  {
    name: "@dispatch/client: everything, every lazy chunk included (msgpack, slow lane, fan-out)",
    path: "packages/client/src/index.ts",
    import: "*",
    modifyEsbuildConfig: everyChunk,
    gzip: true,
    limit: "29.5 kB",
  },
  {
    name: "@dispatch/client/msgpack: the codec with @msgpack/msgpack (loaded on demand)",
    path: "packages/client/src/codecs/msgpack.ts",
    import: "{ msgpackCodec }",
    modifyEsbuildConfig: esm,
    gzip: true,
    limit: "6.5 kB",
  },
  {
    name: "@dispatch/react: everything, without react, @tanstack/react-query, @dispatch/client",
    path: "packages/react/src/index.ts",
    import: "*",
    ignore: ["react", "react-dom", "@tanstack/react-query", "@dispatch/client"],
    modifyEsbuildConfig: esm,
    gzip: true,
    limit: "6.5 kB",
  },
];
