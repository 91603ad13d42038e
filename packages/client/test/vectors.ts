import { readFileSync } from "node:fs";

/** One golden frame from the Go server's own codec code. */
export interface Vector {
  name: string;
  codec: "json" | "msgpack";
  direction: "client->server" | "server->client";
  message_kind: "text" | "binary";
  text?: string;
  hex?: string;
  decoded: Record<string, unknown> & { ts: string };
}

/** The vectors shipped beside the repository, in ../shared/protocol. */
export const vectors: Vector[] = JSON.parse(
  readFileSync(new URL("../../../../shared/protocol/vectors.json", import.meta.url), "utf8"),
);

export function bytesOf(vector: Vector): Uint8Array {
  return Uint8Array.from(Buffer.from(vector.hex ?? "", "hex"));
}
