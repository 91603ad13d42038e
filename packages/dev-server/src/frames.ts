/** Frame constructors, as dwp.NewResponseFrame / NewErrorFrame / NewEventFrame build them. */
import type { Frame } from "./codecs/codec.js";
import { goMarshalBytes } from "./codecs/go-json-encode.js";
import { frameIdAt, timeNow, ZERO_TIME } from "./codecs/go-time.js";

export function emptyFrame(): Frame {
  return {
    id: "",
    type: "",
    method: "",
    correl_id: "",
    token: "",
    app_id: "",
    org_id: "",
    data: undefined,
    error: undefined,
    channel: "",
    credits: 0,
    ts: ZERO_TIME,
  };
}

/**
 * Go's frame ids are the current time (`20060102150405.000000000`), so two
 * frames in the same nanosecond would share one; `timeNow` never repeats.
 */
export function generateFrameId(): string {
  return frameIdAt(timeNow());
}

export function responseFrame(correlId: string, data: unknown): Frame {
  const ts = timeNow();
  return {
    ...emptyFrame(),
    id: frameIdAt(ts),
    type: "response",
    correl_id: correlId,
    data: goMarshalBytes(data),
    ts,
  };
}

export function errorFrame(correlId: string, code: number, message: string): Frame {
  const ts = timeNow();
  return {
    ...emptyFrame(),
    id: frameIdAt(ts),
    type: "error",
    correl_id: correlId,
    error: { code, message },
    ts,
  };
}

export function eventFrame(channel: string, data: unknown): Frame {
  const ts = timeNow();
  return { ...emptyFrame(), id: frameIdAt(ts), type: "event", channel, data: goMarshalBytes(data), ts };
}
