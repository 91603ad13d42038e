import { ConnectionError } from "./errors.js";
import type { RequestOptions } from "./requests.js";
import type { SlowLane, SlowLaneOptions } from "./slow-lane.js";

/**
 * Stands in for `SlowLane`, loading it on the first slow request: many apps
 * never start workflows from the browser. A chunk that fails to load fails
 * that request with a `ConnectionError` and is tried again on the next.
 */
export class LazySlowLane {
  #lane: Promise<SlowLane> | undefined;
  readonly #options: SlowLaneOptions;

  constructor(options: SlowLaneOptions) {
    this.#options = options;
  }

  request(method: string, dataJson: string | undefined, options: RequestOptions): Promise<unknown> {
    return this.#load().then((lane) => lane.request(method, dataJson, options));
  }

  close(): void {
    this.#lane?.then(
      (lane) => lane.close(),
      () => {},
    );
  }

  #load(): Promise<SlowLane> {
    this.#lane ??= import("./slow-lane.js").then(
      (m) => new m.SlowLane(this.#options),
      (err: unknown) => {
        this.#lane = undefined;
        throw new ConnectionError(`the slow lane failed to load: ${(err as Error).message}`, { cause: err });
      },
    );
    return this.#lane;
  }
}
