// Compile-time checks, run by the type checker in `npm run typecheck`: the
// `WebSocket` option takes the constructors users have, with no cast. Every
// `@ts-expect-error` fails the type check once the mistake below it compiles.
// The test body only keeps the checks from being unused.
import { describe, expect, it } from "vitest";
import WS from "ws";
import { Dispatch } from "../src/index.js";
import { createMockDispatch } from "../src/testing/index.js";

/**
 * The DOM's WebSocket as TypeScript 6.0 declares it: `send` takes a
 * `BufferSource`, which holds views of an `ArrayBuffer` only (not of a
 * `SharedArrayBuffer`). Our own compiler's DOM still takes any view, so the
 * shape is spelt out here; tests/packaging checks the real 6.0 lib too.
 */
declare class Dom6WebSocket extends EventTarget {
  constructor(url: string | URL, protocols?: string | string[]);
  readonly readyState: number;
  binaryType: "arraybuffer" | "blob";
  send(data: string | ArrayBuffer | ArrayBufferView<ArrayBuffer> | Blob): void;
  close(code?: number, reason?: string): void;
}

/** A socket that takes bytes only: the client sends text frames too. */
declare class BytesOnlySocket {
  constructor(url: string);
  readonly readyState: number;
  binaryType: string;
  send(data: Uint8Array): void;
  close(): void;
}

/** Never called. */
function typeChecks() {
  const options = { url: "ws://127.0.0.1:7777/dwp", token: "t" };
  new Dispatch({ ...options, WebSocket: Dom6WebSocket });
  new Dispatch({ ...options, WebSocket: globalThis.WebSocket });
  new Dispatch({ ...options, WebSocket: WS });
  new Dispatch({ ...options, WebSocket: createMockDispatch({ url: options.url }).WebSocket });
  // @ts-expect-error a socket that cannot send text is not one the client can use
  new Dispatch({ ...options, WebSocket: BytesOnlySocket });
}

describe("WebSocket option types", () => {
  it("takes the DOM's (TypeScript 5.x and 6.0), ws and the testing kit's constructors", () => {
    expect(typeChecks).toBeTypeOf("function");
  });
});
