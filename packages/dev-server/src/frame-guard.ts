/**
 * The Go server drops the TCP connection, with no close frame, where `ws`
 * would answer with one, so this guard watches frame headers on the raw
 * socket ahead of `ws` and destroys the socket first:
 * - a message over 1 MiB: Go reads each message through a limited reader
 *   that counts header bytes too (`ws` would answer 1009);
 * - a header gobwas/ws's `CheckHeader` refuses: RSV bits with no extension,
 *   a reserved opcode, an unmasked client frame, a fragmented or oversize
 *   control frame (`ws` would answer 1002). Go's read loop returns on the
 *   error and forge closes the connection.
 */
import type { Socket } from "node:net";

/** forge's DefaultMaxWebSocketMessageSize. */
export const MAX_MESSAGE_BYTES = 1 << 20;

/** Why gobwas/ws would refuse a client frame header, if it would. */
function badHeader(b0: number, b1: number, payload: number): boolean {
  const opcode = b0 & 0x0f;
  const control = opcode >= 0x8;
  const reserved = (opcode > 0x2 && opcode < 0x8) || opcode > 0xa;
  return (
    (b0 & 0x70) !== 0 || reserved || (b1 & 0x80) === 0 || (control && ((b0 & 0x80) === 0 || payload > 125))
  );
}

export function guardFrames(socket: Socket, limit = MAX_MESSAGE_BYTES): void {
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
      const refused = badHeader(header[0]!, b1, payload);
      header = [];
      if (refused || messageBytes > limit) {
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
