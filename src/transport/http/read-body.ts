import type { IncomingMessage } from "node:http";
import { OAuthErrors } from "../../plugin-sdk/errors.js";

/** Reads a request body up to `limit` bytes; larger bodies get 413 without being buffered (corpus R97). */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(request.headers["content-length"] ?? "0");
  if (declared > limit) throw OAuthErrors.requestTooLarge("request body too large", { headers: { connection: "close" } });
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw OAuthErrors.requestTooLarge("request body too large", { headers: { connection: "close" } });
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
