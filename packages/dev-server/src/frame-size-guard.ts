/**
 * The Go server reads each WebSocket message through a 1 MiB limited reader
 * and, past it, drops the TCP connection without a close frame. `ws` would
 * answer an oversize message with a 1009 close frame instead, so this guard
 * watches frame headers on the raw socket ahead of `ws` and destroys the
 * socket first. Like Go's limited reader it counts header bytes too.
 */
import type { Socket } from "node:net";

/** forge's DefaultMaxWebSocketMessageSize. */
export const MAX_MESSAGE_BYTES = 1 << 20;

export function guardFrameSize(socket: Socket, limit = MAX_MESSAGE_BYTES): void {
  let header: number[] = [];
  let payloadLeft = 0;
  let messageBytes = 0;
  let finalFrame = false;

  const onData = (chunk: Buffer): void => {
    let i = 0;
    while (i < chunk.length) {
      if (payloadLeft > 0) {
        const take = Math.min(payloadLeft, chunk.length - i);
        payloadLeft -= take;
        i += take;
        if (payloadLeft === 0 && finalFrame) messageBytes = 0;
        continue;
      }
      header.push(chunk[i]!);
      i++;
      if (header.length < 2) continue;
      const b1 = header[1]!;
      const len7 = b1 & 0x7f;
      const extLen = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
      const headerLen = 2 + extLen + (b1 & 0x80 ? 4 : 0);
      if (header.length < headerLen) continue;
      let payload = len7;
      if (extLen > 0) {
        payload = 0;
        for (let k = 2; k < 2 + extLen; k++) payload = payload * 256 + header[k]!;
      }
      const opcode = header[0]! & 0x0f;
      const isData = opcode < 0x8;
      if (isData) finalFrame = (header[0]! & 0x80) !== 0;
      messageBytes += headerLen + payload;
      header = [];
      if (messageBytes > limit) {
        socket.removeListener("data", onData);
        socket.destroy();
        return;
      }
      payloadLeft = payload;
      if (payloadLeft === 0 && isData && finalFrame) messageBytes = 0;
    }
  };
  socket.prependListener("data", onData);
}
