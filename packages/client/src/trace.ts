import type { OutboundFrame } from "./codecs/codec.js";
import type { Logger } from "./logger.js";
import { redact } from "./logger.js";
import type { Frame } from "./protocol/frame.js";

/** Logs one frame for `DISPATCH_DEBUG=1`, with any token redacted. */
export function traceFrame(
  logger: Pick<Logger, "debug"> | undefined,
  direction: "→" | "←",
  frame: Frame | OutboundFrame,
): void {
  if (!logger?.debug) return;
  const { dataJson, ...rest } = frame as OutboundFrame;
  trace(logger, direction, dataJson === undefined ? rest : { ...rest, data: JSON.parse(dataJson) });
}

/** Logs `value` as JSON after `prefix`, with any token redacted. */
export function trace(logger: Pick<Logger, "debug"> | undefined, prefix: string, value: unknown): void {
  logger?.debug?.(`${prefix} ${redact(JSON.stringify(value))}`);
}
