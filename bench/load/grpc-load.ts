/**
 * gRPC load on TokenValidationService/ValidateToken with @grpc/grpc-js: `concurrency` unary calls always in
 * flight, spread over `channels` HTTP/2 connections, for a fixed duration. Each call validates the next token
 * of a pool with the resource's scope and audience required; with `dpop`, the tokens are DPoP-bound and every call
 * carries a fresh proof for the resource request (RFC 9449 §7.1, with `ath`), made before the load window opens so
 * the load core does not sign while measuring. Run as its own (pinned) process by
 * spawn-load.ts; prints one LoadResult line.
 */
import { readFileSync } from "node:fs";
import type { JsonWebKey } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { TokenValidationService, ValidateTokenRequestSchema, ValidateTokenResponseSchema } from "../../gen/portcullis/validation/v1/validation_pb.js";
import { DpopProver } from "../lib/dpop-prover.js";
import { quantileSorted } from "../lib/stats.js";
import { openWindow, loadOptions, report, type CommonLoadOptions } from "./load-result.js";

export interface GrpcLoadOptions extends CommonLoadOptions {
  /** host:port of the internal listener (loopback). */
  address: string;
  channels: number;
  concurrency: number;
  /** JSON file: { callerToken: string, tokens: string[], dpopKey?: private JWK the tokens are bound to }. */
  tokensFile: string;
  /** DPoP-bound tokens: the resource request each proof is for, and how many proofs to make per second of load. */
  dpop?: { method: string; url: string; proofsPerSecond: number };
  requiredScope: string;
  requiredAudience: string;
}

const MAX_SAMPLES = 4_000_000;
const CALL_DEADLINE_MS = 10_000;
const method = TokenValidationService.method.validateToken;
const path = `/${TokenValidationService.typeName}/${method.name}`;

const options = loadOptions<GrpcLoadOptions>();
const { callerToken, tokens, dpopKey } = JSON.parse(readFileSync(options.tokensFile, "utf8")) as { callerToken: string; tokens: string[]; dpopKey?: JsonWebKey };
const encode = (token: string, proof?: { dpopProof: string; httpMethod: string; httpUrl: string }) =>
  Buffer.from(toBinary(ValidateTokenRequestSchema, create(ValidateTokenRequestSchema, { token, requiredScopes: [options.requiredScope], requiredAudience: options.requiredAudience, ...proof })));

/** Bearer: the pool, reused round-robin. DPoP: one request per call (a proof is single-use), so the pool bounds the run. */
function buildRequests(): { requests: Buffer[]; reuse: boolean } {
  const { dpop } = options;
  if (!dpop || !dpopKey) return { requests: tokens.map((token) => encode(token)), reuse: true };
  const prover = new DpopProver(dpopKey);
  const requests = Array.from({ length: Math.ceil(dpop.proofsPerSecond * options.durationSec) }, (_, i) => {
    const token = tokens[i % tokens.length]!;
    return encode(token, { dpopProof: prover.proof(dpop.method, dpop.url, token), httpMethod: dpop.method, httpUrl: dpop.url });
  });
  return { requests, reuse: false };
}
const { requests, reuse } = buildRequests();
const metadata = new grpc.Metadata();
metadata.set("authorization", `Bearer ${callerToken}`);

const clients = Array.from({ length: options.channels }, () => new grpc.Client(options.address, grpc.credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 }));
await Promise.all(clients.map((client) => new Promise<void>((resolve, reject) => client.waitForReady(Date.now() + 10_000, (error) => (error ? reject(error) : resolve())))));

let firstError: string | undefined;

/** One ValidateToken call; resolves true when it answered active=true. */
function call(client: grpc.Client, request: Buffer): Promise<boolean> {
  return new Promise((resolve) => {
    client.makeUnaryRequest(
      path,
      (bytes: Buffer) => bytes,
      (bytes: Buffer) => fromBinary(ValidateTokenResponseSchema, bytes),
      request,
      metadata.clone(),
      { deadline: Date.now() + CALL_DEADLINE_MS },
      (error, response) => {
        const ok = !error && response?.active === true;
        if (!ok) firstError ??= error ? `${grpc.status[error.code]}: ${error.details}` : `inactive: ${response?.failure}`;
        resolve(ok);
      },
    );
  });
}

const latencies = new Float64Array(MAX_SAMPLES);
let samples = 0;
let ok = 0;
let failed = 0;
let next = 0;
const loadWindow = openWindow(options);
const started = performance.now();
const endAt = started + options.durationSec * 1000;

async function worker(client: grpc.Client): Promise<void> {
  while (performance.now() < endAt && (reuse || next < requests.length)) {
    const request = requests[next++ % requests.length]!;
    const t0 = performance.now();
    if (await call(client, request)) {
      ok++;
      if (samples < MAX_SAMPLES) latencies[samples++] = performance.now() - t0;
    } else failed++;
  }
}

await Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(clients[i % clients.length]!)));
const durationSec = (performance.now() - started) / 1000;
const closed = loadWindow();
clients.forEach((client) => client.close());
const sorted = latencies.subarray(0, samples).sort();
report({ ok, failed, durationSec, rps: ok / durationSec, p50: quantileSorted(sorted, 0.5), p99: quantileSorted(sorted, 0.99), ...closed, firstError });
