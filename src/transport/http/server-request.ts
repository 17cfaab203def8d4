import type { IncomingMessage, ServerResponse } from "node:http";
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";

/** A request of the public listener: HTTP/1.1 (`node:http`) or HTTP/2 (`node:http2` compatibility API). */
export type ServerRequest = IncomingMessage | Http2ServerRequest;

/** A response of the public listener, HTTP/1.1 or HTTP/2. */
export type ServerResponseLike = ServerResponse | Http2ServerResponse;

/** A request listener for HTTP/1.1 and HTTP/2 alike, such as connectNodeAdapter's handler. */
export type PublicHandler = (req: ServerRequest, res: ServerResponseLike) => void;

/** True for an HTTP/2 response, which must not carry connection-specific headers (RFC 9113 §8.2.2). */
export function isHttp2(res: ServerResponseLike): res is Http2ServerResponse {
  return "stream" in res;
}

/** A request target's path, without its query (RFC 9112 §3.2.1). */
export function pathOf(target: string): string {
  const query = target.indexOf("?");
  return query === -1 ? target : target.slice(0, query);
}
