/**
 * The gRPC floor: the least a unary gRPC server can do on node:http2 — read the request's length-prefixed message,
 * answer one fixed ValidateTokenResponse frame and the `grpc-status: 0` trailers, framing and trailers written by
 * hand. No protobuf decoding, no caller authentication, no framework; node:* only, so it runs on plain node.
 * Configured by environment (bench/targets/grpc-floor.ts).
 */
import http2 from "node:http2";

const port = Number(process.env.GRPC_FLOOR_PORT);
if (!port) throw new Error("GRPC_FLOOR_PORT is required");
/** The framed answer (base64), made by grpc-floor.ts: a realistic active ValidateTokenResponse. */
const answer = Buffer.from(process.env.GRPC_FLOOR_ANSWER ?? "", "base64");
if (answer.length < 5) throw new Error("GRPC_FLOOR_ANSWER is required");
const PATH = process.env.GRPC_FLOOR_PATH;
const HEADERS = { ":status": 200, "content-type": "application/grpc" };
const OK_TRAILERS = { "grpc-status": "0" };
const UNIMPLEMENTED = { ":status": 200, "content-type": "application/grpc", "grpc-status": "12" };

const server = http2.createServer();
server.on("stream", (stream, headers) => {
  if (headers[":path"] !== PATH) return stream.respond(UNIMPLEMENTED, { endStream: true });
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
