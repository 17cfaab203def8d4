/**
 * gRPC unary load from h2load (nghttp2): `connections` HTTP/2 connections × `streams` concurrent streams, each a POST
 * of the same length-prefixed ValidateTokenRequest (read from `requestFile`, sent with `h2load -d`) with
 * `content-type: application/grpc` and `te: trailers`, for a fixed duration. h2load sees HTTP status only, so a
 * non-OK `grpc-status` or an inactive answer is caught two ways: one grpc-js call before and after the run must answer
 * OK and active, and the response DATA bytes h2load counted must equal 2xx answers × that answer's frame size
 * (trailers-only errors carry no DATA; an inactive answer is shorter). Latency per call from h2load's --log-file.
 * Run as its own (pinned) process by spawn-load.ts; prints one LoadResult line.
 */
import { execFile } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { promisify } from "node:util";
import * as grpc from "@grpc/grpc-js";
import { fromBinary } from "@bufbuild/protobuf";
import { ValidateTokenResponseSchema } from "../../gen/portcullis/validation/v1/validation_pb.js";
import { VALIDATE_TOKEN_PATH } from "../lib/grpc-frame.js";
import { quantileSorted } from "../lib/stats.js";
import { openWindow, loadOptions, report, type CommonLoadOptions } from "./load-result.js";

export interface H2loadGrpcLoadOptions extends CommonLoadOptions {
  /** host:port of an h2c gRPC listener (loopback). */
  address: string;
  connections: number;
  /** Concurrent streams per connection (h2load -m). */
  streams: number;
  /** The gRPC frame of one ValidateTokenRequest. */
  requestFile: string;
  /** `authorization` metadata of every call, when the server authenticates callers. */
  authorization?: string;
  /** Where h2load writes its per-request log (deleted after parsing). */
  logFile: string;
}

const options = loadOptions<H2loadGrpcLoadOptions>();
const requestFrame = readFileSync(options.requestFile);
const run = promisify(execFile);

/** One grpc-js call with the same request; resolves with the answer's frame size, or rejects with why it is not OK and active. */
function sample(): Promise<number> {
  const client = new grpc.Client(options.address, grpc.credentials.createInsecure());
  const metadata = new grpc.Metadata();
  if (options.authorization) metadata.set("authorization", options.authorization);
  return new Promise<number>((resolve, reject) => {
    client.makeUnaryRequest(VALIDATE_TOKEN_PATH, (bytes: Buffer) => bytes, (bytes: Buffer) => bytes, requestFrame.subarray(5), metadata, { deadline: Date.now() + 10_000 }, (error, bytes) => {
      client.close();
      if (error) return reject(new Error(`${grpc.status[error.code]}: ${error.details}`));
      const answer = fromBinary(ValidateTokenResponseSchema, bytes!);
      if (!answer.active) return reject(new Error(`inactive: ${answer.failure}`));
      resolve(bytes!.length + 5);
    });
  });
}

/** A count from h2load's summary, e.g. "123 succeeded" or "(4567) data". */
function count(text: string, pattern: RegExp): number {
  const match = pattern.exec(text);
  if (!match) throw new Error(`h2load output lacks ${pattern}: ${text.slice(0, 500)}`);
  return Number(match[1]);
}

const frameSize = await sample();
const headers = ["content-type: application/grpc", "te: trailers", ...(options.authorization ? [`authorization: ${options.authorization}`] : [])];
const args = ["-c", String(options.connections), "-m", String(options.streams), "-t", "1", "-D", String(options.durationSec), "-d", options.requestFile, "--log-file", options.logFile];
const loadWindow = openWindow(options);
const started = performance.now();
const { stdout } = await run("h2load", [...args, ...headers.flatMap((h) => ["-H", h]), `http://${options.address}${VALIDATE_TOKEN_PATH}`], { maxBuffer: 16 << 20 });
const durationSec = (performance.now() - started) / 1000;
const closed = loadWindow();
// "succeeded": streams that completed (a stream still open when -D ends has its 2xx headers counted but not its DATA).
const answered = count(stdout, /(\d+) succeeded/);
const dataBytes = count(stdout, /\((\d+)\) data/);
const notOk = count(stdout, /(\d+) failed/) + count(stdout, /(\d+) timeout/);
/** 2xx answers whose DATA was not one active answer's frame (grpc-status errors carry none). */
const wrongAnswers = Math.max(0, answered - Math.floor(dataBytes / frameSize));
let firstError = wrongAnswers > 0 ? `${wrongAnswers} answers lacked the active ValidateTokenResponse (${dataBytes} DATA bytes for ${answered} completed calls)` : undefined;
await sample().catch((error: Error) => (firstError ??= `after the run: ${error.message}`));
// h2load --log-file: one line per request, "<start µs>\t<HTTP status>\t<elapsed µs>".
const elapsed = readFileSync(options.logFile, "utf8").trim().split("\n").map((line) => Number(line.split("\t")[2]) / 1000);
rmSync(options.logFile, { force: true });
const sorted = Float64Array.from(elapsed).sort();
const ok = answered - wrongAnswers;
report({ ok, failed: notOk + wrongAnswers + (firstError && wrongAnswers === 0 ? 1 : 0), durationSec, rps: ok / durationSec, p50: quantileSorted(sorted, 0.5), p99: quantileSorted(sorted, 0.99), ...closed, firstError });
