import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import { TokenValidationService, ValidateTokenRequestSchema, ValidateTokenResponseSchema } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import type { ActiveToken } from "../../core/tokens/access-token.js";
import { InternalScopes } from "../../core/policy/scopes.js";
import { authenticateCaller, type CallerAuthOptions } from "./interceptors/caller-auth.interceptor.js";
import { verifiedThumbprintOf } from "./peer-certificate.js";
import type { RpcMetrics } from "../metrics/rpc-metrics.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { validateTokenAnswer } from "./token-validation.rpc.js";

const METHOD = `${TokenValidationService.typeName}/${TokenValidationService.method.validateToken.name}`;
const PATH = `/${METHOD}`;
const GRPC_TYPES = new Set(["application/grpc", "application/grpc+proto"]);
const RESPONSE_HEADERS = Object.freeze({ "content-type": "application/grpc+proto" });
const OK_TRAILERS = Object.freeze({ "grpc-status": "0" });
/** Framed active answers per validated token; the validator caches ActiveToken objects until expiry or revocation. */
const framedAnswers = new WeakMap<ActiveToken, Buffer>();

/**
 * The hot path of DESIGN "Hot paths": unary gRPC `ValidateToken` (uncompressed, identity encoding) served on bare
 * node:http2, with the same caller authentication and the same answer as the Connect handler, which still serves
 * every other protocol and variant. Connect's per-call machinery cost ~7× the CPU of the check itself.
 */
export function isValidateTokenFastPath(req: Http2ServerRequest): boolean {
  const encoding = req.headers["grpc-encoding"];
  return req.url === PATH && req.method === "POST" && GRPC_TYPES.has(req.headers["content-type"] ?? "") && (encoding === undefined || encoding === "identity");
}

/** Serves one fast-path call; `maxBytes` bounds the request message (DESIGN "Listeners": body limits). */
export function serveValidateToken(
  deps: Pick<InternalRpcDeps, "validator" | "dpop" | "logger"> & { metrics?: RpcMetrics },
  auth: Omit<CallerAuthOptions, "scopes">,
  maxBytes: number,
  req: Http2ServerRequest,
  res: Http2ServerResponse,
): void {
  const started = performance.now();
  const done = (status: number, message?: string, frame?: Buffer) => {
    finish(res, status, message, frame);
    deps.metrics?.observe(METHOD, status, (performance.now() - started) / 1000);
  };
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size <= maxBytes + 5) chunks.push(chunk);
  });
  req.on("end", () => {
    answer(deps, auth, req, size > maxBytes + 5 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).then(
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
async function answer(deps: Pick<InternalRpcDeps, "validator" | "dpop">, auth: Omit<CallerAuthOptions, "scopes">, req: Http2ServerRequest, frame: Buffer | undefined): Promise<Buffer> {
  if (!frame) throw new ConnectError("message larger than the limit", Code.ResourceExhausted);
  if (frame.length < 5 || frame[0] !== 0 || frame.readUInt32BE(1) !== frame.length - 5) throw new ConnectError("malformed gRPC message frame", Code.InvalidArgument);
  const authorization = req.headers.authorization;
  await authenticateCaller(typeof authorization === "string" ? authorization : null, verifiedThumbprintOf(req.socket as never), InternalScopes.validate, auth);
  let request;
  try {
    request = fromBinary(ValidateTokenRequestSchema, frame.subarray(5));
  } catch {
    throw new ConnectError("request is not a ValidateTokenRequest", Code.InvalidArgument);
  }
  const { init, token } = await validateTokenAnswer(deps, request);
  if (!token) return framed(toBinary(ValidateTokenResponseSchema, create(ValidateTokenResponseSchema, init)));
  let answer = framedAnswers.get(token);
  if (!answer) framedAnswers.set(token, (answer = framed(toBinary(ValidateTokenResponseSchema, create(ValidateTokenResponseSchema, init)))));
  return answer;
}

/** A gRPC length-prefixed message: compressed flag 0, 4-byte big-endian length, the message (gRPC over HTTP/2 spec). */
function framed(message: Uint8Array): Buffer {
  const frame = Buffer.allocUnsafe(5 + message.length);
  frame[0] = 0;
  frame.writeUInt32BE(message.length, 1);
  frame.set(message, 5);
  return frame;
}

/** Writes a gRPC response: the framed message (when any) in one write and the status in trailers (gRPC over HTTP/2 spec). */
function finish(res: Http2ServerResponse, status: number, message?: string, frame?: Buffer): void {
  if (res.stream.destroyed) return;
  res.writeHead(200, RESPONSE_HEADERS);
  res.addTrailers(status === 0 && message === undefined ? OK_TRAILERS : message === undefined ? { "grpc-status": String(status) } : { "grpc-status": String(status), "grpc-message": encodeURIComponent(message) });
  if (frame) res.end(frame);
  else res.end();
}
