import { constants, type Http2ServerRequest, type Http2ServerResponse } from "node:http2";

/** What each header line costs in an HTTP/2 header list besides its name and value (RFC 9113 §6.5.2). */
const ENTRY_OVERHEAD = 32;

/**
 * The HTTP/1.1 listener's limits for HTTP/2 streams, which node:http2 does not enforce itself: a header list over
 * `headerLimit` gets 431 (RFC 6585 §5; RFC 9113 §10.5.1) and a request whose client is still sending after
 * `requestTimeout` ms gets 408 (RFC 9110 §15.5.9; corpus S114). Returns false when it answered the request itself.
 */
export function withinH2Limits(req: Http2ServerRequest, res: Http2ServerResponse, limits: { headerLimit: number; requestTimeout: number }): boolean {
  const raw = req.rawHeaders;
  let size = 0;
  for (let i = 0; i < raw.length; i += 2) size += raw[i]!.length + raw[i + 1]!.length + ENTRY_OVERHEAD;
  if (size > limits.headerLimit) {
    res.writeHead(431).end();
    return false;
  }
  const stream = req.stream;
  const timer = setTimeout(() => {
    if (stream.destroyed || stream.state.state !== constants.NGHTTP2_STREAM_STATE_OPEN) return;
    if (res.headersSent) stream.close(constants.NGHTTP2_CANCEL);
    else res.writeHead(408).end();
  }, limits.requestTimeout).unref();
  stream.once("close", () => clearTimeout(timer));
  return true;
}
