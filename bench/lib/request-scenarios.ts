import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { create, toBinary } from "@bufbuild/protobuf";
import { ValidateTokenRequestSchema } from "../../gen/portcullis/validation/v1/validation_pb.js";
import type { H2loadGrpcLoadOptions } from "../load/h2load-grpc-load.js";
import type { HttpLoadOptions } from "../load/http-load.js";
import { grpcFrame } from "./grpc-frame.js";
import { INTROSPECTION, TOKEN_REQUEST } from "./settings.js";
import { requestToken, tokenHeaders, type ClientCredentials } from "./token-request.js";
import { hasTool, missingToolHint } from "./tools.js";

/** wrk when installed (light on the load core), else autocannon (bench/load/http-load.ts). */
export function httpLoadScript(say: (text: string) => void): string {
  if (hasTool("wrk")) return "bench/load/wrk-load.ts";
  say(missingToolHint("wrk", "HTTP load falls back to autocannon, which may saturate the load core before the server"));
  return "bench/load/http-load.ts";
}

/** h2load when installed; without it the gRPC scenarios fall back to the grpc-js load and the gRPC floor is skipped. */
export function hasH2load(say: (text: string) => void): boolean {
  if (hasTool("h2load")) return true;
  say(missingToolHint("h2load", "gRPC load falls back to grpc-js (a lower bound: it saturates its core first) and the gRPC floor is skipped"));
  return false;
}

export type HttpLoadArgs = Omit<HttpLoadOptions, "durationSec" | "serverPid" | "serverCore" | "loadCore"> & { scriptFile: string };

/**
 * The introspection scenario's load (RFC 7662 §2.1): a fresh opaque access token of the client (made before each run, so
 * no earlier load can have evicted or expired it), introspected by that client with Basic auth. The answer is constant,
 * so any answer that differs from the first (checked active) counts as failed.
 */
export async function introspectionLoad(baseUrl: string, path: string, client: ClientCredentials, connections: number, scriptFile: string): Promise<HttpLoadArgs> {
  const token = await requestToken(baseUrl, client, INTROSPECTION.tokenBody);
  const args = { url: `${baseUrl}${path}`, connections, headers: tokenHeaders(client), body: `token=${encodeURIComponent(token)}`, scriptFile };
  const response = await fetch(args.url, { method: "POST", headers: args.headers, body: args.body, signal: AbortSignal.timeout(5_000) });
  const expectBody = await response.text();
  if (response.status !== 200 || (JSON.parse(expectBody) as { active?: unknown }).active !== true) throw new Error(`introspection at ${baseUrl} answered ${response.status}: ${expectBody.slice(0, 300)}`);
  return { ...args, expectBody };
}

export type H2loadArgs = Omit<H2loadGrpcLoadOptions, "durationSec" | "serverPid" | "serverCore" | "loadCore">;

/** Writes the gRPC frame of a ValidateTokenRequest for `token` (the resource's scope and audience required) for `h2load -d`. */
export function writeValidateTokenRequest(file: string, token: string): string {
  const request = create(ValidateTokenRequestSchema, { token, requiredScopes: [TOKEN_REQUEST.scope], requiredAudience: TOKEN_REQUEST.resource });
  writeFileSync(file, grpcFrame(toBinary(ValidateTokenRequestSchema, request)), { mode: 0o600 });
  return file;
}

/** h2load ValidateToken load on `address`; `callerToken` authenticates calls to servers that check callers. */
export function h2loadArgs(tmpDir: string, id: string, address: string, requestFile: string, shape: { connections: number; streams: number }, callerToken?: string): H2loadArgs {
  return { address, ...shape, requestFile, logFile: join(tmpDir, `h2load-${id}.log`), ...(callerToken && { authorization: `Bearer ${callerToken}` }) };
}
