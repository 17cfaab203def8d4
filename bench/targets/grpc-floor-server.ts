/**
 * The gRPC floor: the least a unary gRPC server can do on node:http2 — read the request's length-prefixed message,
 * answer one fixed ValidateTokenResponse frame and the `grpc-status: 0` trailers, framing and trailers written by
 * hand. No protobuf decoding, no caller authentication, no framework. Configured by environment (bench/targets/grpc-floor.ts).
 */
import http2 from "node:http2";
import { create, toBinary } from "@bufbuild/protobuf";
import { ValidateTokenResponseSchema } from "../../gen/portcullis/validation/v1/validation_pb.js";
import { grpcFrame, VALIDATE_TOKEN_PATH } from "../lib/grpc-frame.js";

const port = Number(process.env.GRPC_FLOOR_PORT);
if (!port) throw new Error("GRPC_FLOOR_PORT is required");
const now = BigInt(Math.floor(Date.now() / 1000));
const [sub, scope, aud, jti] = ["floor-client", "api:read", "https://api.example.test/", "floor-jti-0123456789abcdef"];
const [iat, exp] = [now, now + 3600n];
/** A response the size of a real active answer: the token's members and its claims. */
const answer = grpcFrame(
  toBinary(
    ValidateTokenResponseSchema,
    create(ValidateTokenResponseSchema, {
      active: true,
      subject: sub,
      clientId: sub,
      scopes: [scope],
      audiences: [aud],
      expiresAt: exp,
      issuedAt: iat,
      jti,
      tokenType: "Bearer",
      claims: { iss: "http://127.0.0.1", sub, aud, exp: Number(exp), iat: Number(iat), jti, client_id: sub, scope },
    }),
  ),
);
const HEADERS = { ":status": 200, "content-type": "application/grpc" };
const OK_TRAILERS = { "grpc-status": "0" };
const UNIMPLEMENTED = { ":status": 200, "content-type": "application/grpc", "grpc-status": "12" };

const server = http2.createServer();
server.on("stream", (stream, headers) => {
  if (headers[":path"] !== VALIDATE_TOKEN_PATH) return stream.respond(UNIMPLEMENTED, { endStream: true });
  stream.on("data", () => {}); // the request message is read and dropped
  stream.on("end", () => {
    stream.respond(HEADERS, { waitForTrailers: true });
    stream.once("wantTrailers", () => stream.sendTrailers(OK_TRAILERS));
    stream.end(answer);
  });
  stream.on("error", () => {});
});
server.listen(port, "127.0.0.1", () => process.stdout.write(`gRPC floor listening on ${port}\n`));
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => process.exit(0));
