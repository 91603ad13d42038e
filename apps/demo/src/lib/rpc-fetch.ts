/**
 * `fetch` for a client whose HTTP RPC endpoint is known to exist (the page's
 * own origin, proxied to the server by Vite).
 *
 * The client probes `POST /dwp/rpc` once with an unauthenticated ping before
 * its first slow request; the server answers it 401 or 405, which is what the
 * probe expects, but the browser logs every such answer as a console error.
 * Since the endpoint is known to be there, the probe is answered here and
 * never reaches the network. Every other request goes out unchanged.
 */
export const knownRpcFetch: typeof fetch = (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  const body = init?.body;
  if (url.endsWith("/dwp/rpc") && typeof body === "string" && body.includes('"type":"ping"')) {
    return Promise.resolve(new Response(null, { status: 204 }));
  }
  return fetch(input, init);
};
