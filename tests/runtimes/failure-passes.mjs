// How the bundled client fails, checked the same way in every runtime:
// Node, Deno and Bun import this from run-client.mjs, Chromium from a page.
// Each runtime reports these failures its own way (close codes, error events,
// reasons), and the client must give its users one answer.
//
// `options` are the client's own: the url, the token where the runtime has
// no DISPATCH_TOKEN, and `WebSocket` to inject one.

/**
 * msgpack against a server that writes it as text: this runtime's WebSocket
 * fails the connection on the non-UTF-8 text, and the client must fall back.
 */
export async function textMsgpackPass(Dispatch, options) {
  const warnings = [];
  const client = new Dispatch({
    ...options,
    format: "msgpack",
    timeout: 10_000,
    logger: { warn: (message) => warnings.push(message) },
  });
  try {
    await client.stats();
    return { format: client.status.format, warned: warnings.some((w) => w.includes("Falling back to JSON")) };
  } finally {
    client.close();
  }
}

/** A refused connect: how many sockets maxRetries 2 costs, and the error it ends with. */
export async function refusedPass(Dispatch, options) {
  const Base = options.WebSocket ?? globalThis.WebSocket;
  let created = 0;
  const Counted = class extends Base {
    constructor(...args) {
      super(...args);
      created++;
    }
  };
  const client = new Dispatch({
    ...options,
    WebSocket: Counted,
    maxRetries: 2,
    minReconnectDelay: 10,
    maxReconnectDelay: 20,
    timeout: 10_000,
  });
  try {
    await client.connect();
    return { created, error: null };
  } catch (error) {
    return { created, error: { name: error.name, code: error.code, message: error.message } };
  } finally {
    client.close();
  }
}
