import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { ServerRequest } from "./server-request.js";

const tooLarge = () => OAuthErrors.requestTooLarge("request body too large", { headers: { connection: "close" } });

/**
 * Reads a request body up to `limit` bytes; larger bodies get 413 without being buffered (corpus R97).
 * Plain 'data'/'end' events: async iteration of the stream cost 3× more CPU on the token hot path.
 */
export function readBody(request: ServerRequest, limit: number): Promise<Buffer> {
  if (Number(request.headers["content-length"] ?? "0") > limit) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error?: Error) => {
      request.off("data", onData).off("end", onEnd).off("error", settle).off("close", onClose);
      if (error) reject(error);
      else resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks));
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size <= limit) chunks.push(chunk);
      else {
        request.pause();
        settle(tooLarge());
      }
    };
    const onEnd = () => settle();
    const onClose = () => settle(new Error("request closed before its body was read"));
    request.on("data", onData).on("end", onEnd).on("error", settle).on("close", onClose);
  });
}
