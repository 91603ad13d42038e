/** What the SSE model's runs exercised, summed: guards against a property that checks nothing. */
export const sseStats = {
  drops: 0,
  bursts: 0,
  published: 0,
  /** Matching events published while a subscription was live: each must arrive once, or be excused by a gap. */
  expected: 0,
  /** Of those, excused by a later reconnect gap. */
  excused: 0,
  gapsNamed: 0,
  /** Streams opened to roll over before the server's 1,000 credits run out. */
  rollovers: 0,
  pageHides: 0,
  endedChecked: 0,
  pacingTimeouts: 0,
  /** Restarts that waited for failed requests in vain. */
  downWaits: 0,
  /** How requests ended: "ok" or the error code. */
  outcomes: {} as Record<string, number>,
};
