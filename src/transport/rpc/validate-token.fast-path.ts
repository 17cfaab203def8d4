import type { IncomingHttpHeaders, ServerHttp2Stream } from "node:http2";
import { create, fromBinary, toBinary, type MessageInitShape } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { TokenValidationService, ValidateTokenRequestSchema, ValidateTokenResponseSchema } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import type { ActiveToken } from "../../core/tokens/access-token.js";
import { InternalScopes } from "../../core/policy/scopes.js";
import { authenticateCaller, type CallerAuthOptions } from "./interceptors/caller-auth.interceptor.js";
import { verifiedThumbprintOf } from "./peer-certificate.js";
import type { RpcMetrics } from "../metrics/rpc-metrics.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { toActiveResponse } from "./mappers/validation.mapper.js";
import { validateTokenAnswer } from "./token-validation.rpc.js";

const METHOD = `${TokenValidationService.typeName}/${TokenValidationService.method.validateToken.name}`;
const PATH = `/${METHOD}`;
const GRPC_TYPES = new Set(["application/grpc", "application/grpc+proto"]);
const CONTENT_TYPE = "application/grpc+proto";
const OK_TRAILERS = Object.freeze({ "grpc-status": "0" });
/** Framed active answers per validated token; the validator caches ActiveToken objects until expiry or revocation. */
const framedAnswers = new WeakMap<ActiveToken, Buffer>();

export type FastPathDeps = Pick<InternalRpcDeps, "validator" | "dpop" | "logger"> & { metrics?: RpcMetrics };

/**
 * The hot path of DESIGN "Hot paths": unary gRPC `ValidateToken` (uncompressed, identity encoding) served on the bare
 * node:http2 stream API — no compatibility request/response objects — with the same caller authentication and the same
 * answer as the Connect handler, which still serves every other protocol and variant.
 */
export function isValidateTokenFastPath(headers: IncomingHttpHeaders): boolean {
  const encoding = headers["grpc-encoding"];
  return headers[":path"] === PATH && headers[":method"] === "POST" && GRPC_TYPES.has(headers["content-type"] ?? "") && (encoding === undefined || encoding === "identity");
}

/** Serves one fast-path call on its stream; `maxBytes` bounds the request message (DESIGN "Listeners": body limits). */
export function serveValidateToken(deps: FastPathDeps, auth: Omit<CallerAuthOptions, "scopes">, maxBytes: number, stream: ServerHttp2Stream, headers: IncomingHttpHeaders, requestId: string): void {
  const started = performance.now();
  const done = (status: number, message?: string, frame?: Buffer) => {
    finish(stream, requestId, status, message, frame);
    deps.metrics?.observe(METHOD, status, (performance.now() - started) / 1000);
  };
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on("error", () => undefined); // a caller's reset ends the call; there is nothing left to answer
  stream.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= maxBytes + 5) chunks.push(chunk);
  });
  stream.on("end", () => {
    const message = size > maxBytes + 5 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
    answer(deps, auth, stream, headers, message).then(
      (frame) => done(0, undefined, frame),
      (error: unknown) => {
        if (error instanceof ConnectError) return done(error.code, error.rawMessage);
        deps.logger.error({ err: error }, "ValidateToken failed");
        done(Code.Internal, "unexpected error");
      },
    );
  });
}

/** The answer as a length-prefixed gRPC message; an active token's is framed once and reused while the validator caches the token. */
async function answer(deps: FastPathDeps, auth: Omit<CallerAuthOptions, "scopes">, stream: ServerHttp2Stream, headers: IncomingHttpHeaders, frame: Buffer | undefined): Promise<Buffer> {
  if (!frame) throw new ConnectError("message larger than the limit", Code.ResourceExhausted);
  if (frame.length < 5 || frame[0] !== 0 || frame.readUInt32BE(1) !== frame.length - 5) throw new ConnectError("malformed gRPC message frame", Code.InvalidArgument);
  const authorization = headers.authorization;
  await authenticateCaller(typeof authorization === "string" ? authorization : null, verifiedThumbprintOf(stream.session?.socket as never), InternalScopes.validate, auth);
  let request;
  try {
    request = fromBinary(ValidateTokenRequestSchema, frame.subarray(5));
  } catch {
    throw new ConnectError("request is not a ValidateTokenRequest", Code.InvalidArgument);
  }
  const result = await validateTokenAnswer(deps, request);
  if (!("token" in result)) return encoded(result.inactive);
  let framedAnswer = framedAnswers.get(result.token);
  if (!framedAnswer) framedAnswers.set(result.token, (framedAnswer = encoded(toActiveResponse(result.token))));
  return framedAnswer;
}

/** A ValidateTokenResponse as a gRPC length-prefixed message: compressed flag 0, 4-byte big-endian length (gRPC over HTTP/2 spec). */
function encoded(init: MessageInitShape<typeof ValidateTokenResponseSchema>): Buffer {
  const message = toBinary(ValidateTokenResponseSchema, create(ValidateTokenResponseSchema, init));
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/**
 * Writes the gRPC response (gRPC over HTTP/2 spec): headers with the echoed `x-request-id`, the framed message when
 * any, and the status in trailers — errors too, so a caller always sees the response headers (not trailers-only).
 */
function finish(stream: ServerHttp2Stream, requestId: string, status: number, message?: string, frame?: Buffer): void {
  if (stream.destroyed || stream.closed || stream.headersSent) return;
  stream.respond({ ":status": 200, "content-type": CONTENT_TYPE, "x-request-id": requestId }, { waitForTrailers: true });
  stream.once("wantTrailers", () => stream.sendTrailers(status === 0 ? OK_TRAILERS : message === undefined ? { "grpc-status": String(status) } : { "grpc-status": String(status), "grpc-message": encodeURIComponent(message) }));
  if (frame) stream.end(frame);
  else stream.end();
}
