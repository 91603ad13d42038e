import type { OutboundFrame } from "./codecs/codec.js";
import type { Logger } from "./logger.js";
import { redact } from "./logger.js";
import type { Frame } from "./protocol/frame.js";

/** Logs one frame for `DISPATCH_DEBUG=1`, with any token redacted. */
export function traceFrame(
  logger: Logger | undefined,
  direction: "→" | "←",
  frame: Frame | OutboundFrame,
): void {
  if (!logger?.debug) return;
  const { dataJson, ...rest } = frame as OutboundFrame;
  const text = JSON.stringify(dataJson === undefined ? rest : { ...rest, data: JSON.parse(dataJson) });
  logger.debug(`${direction} ${redact(text)}`);
}
