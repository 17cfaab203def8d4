import { Code, ConnectError, type ConnectRouter } from "@connectrpc/connect";
import { encodeEnvelope, uResponseOk, type UniversalServerRequest, type UniversalServerResponse } from "@connectrpc/connect/protocol";
import * as grpc from "@connectrpc/connect/protocol-grpc";
import * as grpcWeb from "@connectrpc/connect/protocol-grpc-web";

/**
 * The request-side failures connect-es reports as INTERNAL (as the gRPC library table does for "error parsing request
 * proto"): a message that does not parse, or a compressed envelope it cannot read or inflate. They are the caller's bad input, so
 * they are answered INVALID_ARGUMENT (DESIGN "Errors": bad input is never a server error).
 */
const MALFORMED = /^(parse binary: |received compressed envelope|invalid envelope|decompression failed)/;

/** True for an INTERNAL ConnectError that is really a malformed request. */
export function isMalformedRequest(error: ConnectError): boolean {
  return error.code === Code.Internal && MALFORMED.test(error.rawMessage);
}

/** The same failure as INVALID_ARGUMENT (gRPC status codes: "the client specified an invalid argument"). */
export function asInvalidArgument(error: ConnectError): ConnectError {
  return new ConnectError(error.rawMessage, Code.InvalidArgument, error.metadata, undefined, error);
}

/**
 * Wraps every handler of `router` so unary calls whose request did not parse answer INVALID_ARGUMENT: connect-es parses a
 * unary request before interceptors run, so the error-mapping interceptor never sees it. Covers the gRPC trailer, the
 * gRPC-Web trailer frame and the Connect protocol's JSON error. Server streams parse inside the interceptor chain and are
 * mapped there. A parse error connect-es cannot encode is answered here (see answerUnencodableParseError).
 */
export function answerMalformedRequestsAsInvalidArgument(router: ConnectRouter): void {
  router.handlers.forEach((handler, index) => {
    router.handlers[index] = Object.assign(
      (request: UniversalServerRequest) => handler(request).then(rewrite, (thrown: unknown) => answerUnencodableParseError(request, thrown)),
      handler,
    );
  });
}

/**
 * connect-es percent-encodes `grpc-message` with encodeURIComponent, which throws URIError on a lone UTF-16 surrogate; the
 * gRPC and gRPC-Web handlers then reject and the call stays open with no status. Only a JSON request message quotes such
 * text in its error (a duplicate key escaped as "\ud800", or V8's excerpt of bad JSON cutting a surrogate pair; OAuth
 * error descriptions are ASCII), so the call is answered INVALID_ARGUMENT in the trailers (gRPC over HTTP/2 "Responses")
 * or the trailer frame (gRPC-Web protocol "Message framing"). Anything else is rethrown.
 */
function answerUnencodableParseError(request: UniversalServerRequest, thrown: unknown): UniversalServerResponse {
  const web = grpcWeb.parseContentType(request.header.get("content-type"));
  const type = web ?? grpc.parseContentType(request.header.get("content-type"));
  if (!(thrown instanceof URIError) || !type) throw thrown;
  const trailer = grpc.setTrailerStatus(new Headers(), new ConnectError("request message did not parse", Code.InvalidArgument));
  if (!web) return { ...uResponseOk, header: new Headers({ "content-type": type.binary ? grpc.contentTypeProto : grpc.contentTypeJson }), trailer };
  const frame = encodeEnvelope(grpcWeb.trailerFlag, grpcWeb.trailerSerialize(trailer));
  return { ...uResponseOk, header: new Headers({ "content-type": type.binary ? grpcWeb.contentTypeProto : grpcWeb.contentTypeJson }), body: single(frame) };
}

async function rewrite(response: UniversalServerResponse): Promise<UniversalServerResponse> {
  if (/^application\/grpc-web/.test(response.header?.get("content-type") ?? "") && response.body) return { ...response, body: withGrpcWebTrailerFixed(response.body) };
  const grpcStatus = response.trailer?.get("grpc-status");
  if (grpcStatus === String(Code.Internal) && MALFORMED.test(decodeURIComponent(response.trailer!.get("grpc-message") ?? ""))) {
    response.trailer!.set("grpc-status", String(Code.InvalidArgument));
    return response;
  }
  if (response.status !== 500 || !response.body || !/^application\/json/.test(response.header?.get("content-type") ?? "")) return response;
  const chunks: Uint8Array[] = [];
  for await (const chunk of response.body) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString();
  const error = JSON.parse(text) as { code?: string; message?: string };
  if (error.code !== "internal" || !MALFORMED.test(error.message ?? "")) return { ...response, body: single(Buffer.from(text)) };
  // Connect protocol: invalid_argument is HTTP 400 (connectrpc.com/docs/protocol "Error Codes").
  const body = Buffer.from(JSON.stringify({ ...error, code: "invalid_argument" }));
  response.header!.set("content-length", String(body.length));
  return { ...response, status: 400, body: single(body) };
}

/** gRPC-Web: the trailer is a body frame with flag 0x80 (gRPC-Web protocol "Message framing"); an error answer starts with it. */
async function* withGrpcWebTrailerFixed(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  let first = true;
  for await (const chunk of body) {
    yield first ? fixedTrailerFrame(Buffer.from(chunk)) : chunk;
    first = false;
  }
}

/** A trailer frame saying INTERNAL for a malformed request, re-encoded with INVALID_ARGUMENT; any other chunk as is. */
function fixedTrailerFrame(chunk: Buffer): Buffer {
  if (chunk.length < 5 || chunk[0] !== 0x80 || chunk.readUInt32BE(1) !== chunk.length - 5) return chunk;
  const trailer = chunk.subarray(5).toString("latin1");
  const message = /^grpc-message: (.*)$/im.exec(trailer)?.[1] ?? "";
  if (!/^grpc-status: 13\r?$/im.test(trailer) || !MALFORMED.test(decodeURIComponent(message.trim()))) return chunk;
  const fixed = Buffer.from(trailer.replace(/^grpc-status: 13(\r?)$/im, `grpc-status: ${Code.InvalidArgument}$1`), "latin1");
  const prefix = Buffer.alloc(5);
  prefix.writeUInt8(0x80, 0);
  prefix.writeUInt32BE(fixed.length, 1);
  return Buffer.concat([prefix, fixed]);
}

async function* single(bytes: Uint8Array): AsyncIterable<Uint8Array> {
  yield bytes;
}
