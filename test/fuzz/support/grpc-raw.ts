import { connect } from "node:http2";
import * as grpc from "@grpc/grpc-js";

/** How a call ended: the gRPC status code (0 OK), and the response bytes of a successful unary call. */
export interface GrpcOutcome {
  code: number;
  details: string;
  response?: Buffer;
}

const identity = (bytes: Buffer) => bytes;
const DEADLINE_MS = 5_000;

/** One unary call whose request and response stay bytes (a raw codec): the message is sent exactly as generated. */
export function rawUnary(client: grpc.Client, path: string, message: Buffer, metadata: grpc.Metadata): Promise<GrpcOutcome> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(path, identity, identity, message, metadata, { deadline: Date.now() + DEADLINE_MS }, (error, response) =>
      resolve(error ? { code: error.code, details: error.details } : { code: grpc.status.OK, details: "", response }),
    );
  });
}

/** A server-streaming call with raw bytes: its status if it fails within `waitMs`, else OK once it is cancelled by us. */
export function rawServerStream(client: grpc.Client, path: string, message: Buffer, metadata: grpc.Metadata, waitMs = 100): Promise<GrpcOutcome> {
  return new Promise((resolve) => {
    const call = client.makeServerStreamRequest(path, identity, identity, message, metadata, { deadline: Date.now() + DEADLINE_MS });
    const timer = setTimeout(() => {
      resolve({ code: grpc.status.OK, details: "still streaming" });
      call.cancel();
    }, waitMs);
    call.on("data", () => undefined);
    call.on("error", (error: grpc.ServiceError) => {
      clearTimeout(timer);
      resolve({ code: error.code, details: error.details });
    });
    call.on("status", (status: grpc.StatusObject) => {
      clearTimeout(timer);
      resolve({ code: status.code, details: status.details });
    });
  });
}

/** A damaged gRPC length-prefixed message (gRPC over HTTP/2 "Length-Prefixed-Message"): flags, declared length and payload as given. */
export interface RawFrame {
  compressedFlag: number;
  declaredLength: number;
  payload: Buffer;
}

/**
 * Sends `frame` on a fresh HTTP/2 stream and reads grpc-status from the trailers (or a trailers-only answer); a server
 * stream still open after `streamWaitMs` counts as OK (it is cancelled then).
 */
export function rawFrameCall(origin: string, path: string, frame: RawFrame, headers: Record<string, string>, streamWaitMs?: number): Promise<GrpcOutcome> {
  return new Promise((resolve, reject) => {
    const session = connect(origin);
    session.on("error", reject);
    const prefix = Buffer.alloc(5);
    prefix.writeUInt8(frame.compressedFlag & 0xff, 0);
    prefix.writeUInt32BE(frame.declaredLength >>> 0, 1);
    const stream = session.request({ ":method": "POST", ":path": path, "content-type": "application/grpc", te: "trailers", ...headers });
    let status: string | undefined;
    let details = "";
    let httpStatus = 0;
    const take = (headers: Record<string, unknown>) => {
      if (headers[":status"] !== undefined) httpStatus = Number(headers[":status"]);
      if (headers["grpc-status"] !== undefined) status = String(headers["grpc-status"]);
      if (headers["grpc-message"] !== undefined) details = percentDecoded(String(headers["grpc-message"]));
    };
    stream.setTimeout(streamWaitMs ?? DEADLINE_MS, () => {
      if (streamWaitMs !== undefined && status === undefined) [status, details] = [String(grpc.status.OK), "still streaming"];
      stream.close();
    });
    stream.on("response", take);
    stream.on("trailers", take);
    stream.on("data", () => undefined);
    stream.on("error", reject);
    stream.on("close", () => {
      session.close();
      if (status !== undefined) resolve({ code: Number(status), details });
      // A content type the server does not speak is refused at the HTTP level (e.g. 415): a judgement, not a fault.
      else if (httpStatus >= 400 && httpStatus < 500) resolve({ code: grpc.status.INVALID_ARGUMENT, details: `HTTP ${httpStatus} without grpc-status` });
      else resolve({ code: grpc.status.UNKNOWN, details: `HTTP ${httpStatus} without grpc-status (hang, reset or server error)` });
    });
    stream.end(Buffer.concat([prefix, frame.payload]));
  });
}

/** grpc-message is percent-encoded (gRPC over HTTP/2 "Responses"); a malformed encoding is shown as sent. */
function percentDecoded(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
