import { fromBinary, type DescMessage, type DescMethodServerStreaming, type DescMethodUnary, type MessageInitShape, type MessageShape } from "@bufbuild/protobuf";
import { anyUnpack, AnySchema } from "@bufbuild/protobuf/wkt";
import { BinaryReader, WireType } from "@bufbuild/protobuf/wire";
import * as grpc from "@grpc/grpc-js";
import type { SettingName } from "../../../src/config/defaults.js";
import type { Clock } from "../../../src/core/ports/clock.js";
import { DI } from "../../../src/core/di-tokens.js";
import type { AccessTokenClaims } from "../../../src/core/tokens/access-token.js";
import { InternalScopes } from "../../../src/core/policy/scopes.js";
import { OAuthErrorDetailSchema, type OAuthErrorDetail } from "../../../gen/portcullis/common/v1/error_pb.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { serverStreamCall, unaryCall } from "../../../src/resource-server/grpc-call.js";

/** Every internal caller scope, space-separated, as a caller client registers it. */
export const ALL_CALLER_SCOPES = Object.values(InternalScopes).join(" ");

/** A clock the test can move forward. */
export interface TestClock extends Clock {
  advance(seconds: number): void;
}

export interface MintOptions {
  scopes?: string[];
  audiences?: string[];
  ttl?: number;
  subject?: string;
  confirmation?: AccessTokenClaims["cnf"];
  grantId?: string;
}

/** An app on loopback with a real @grpc/grpc-js client and a caller client that may hold every internal scope. */
export interface RpcHarness {
  test: TestApp;
  clock: TestClock;
  grpc: grpc.Client;
  /** The registered caller client (its `scope` metadata lists every internal scope). */
  callerId: string;
  /** Mints an access token for `clientId` in process, as the token endpoint would. */
  mint(clientId: string, options?: MintOptions): Promise<string>;
  /** A caller token with exactly `scopes`. */
  callerToken(...scopes: string[]): Promise<string>;
  close(): Promise<void>;
}

/**
 * Boots a test app (in-memory SQLite, memory ephemeral state, plus `overrides`) and connects a gRPC client to its
 * internal listener with `credentials` (h2c by default).
 */
export async function startRpcHarness(
  overrides: Partial<Record<SettingName, string>> = {},
  credentials: grpc.ChannelCredentials = grpc.credentials.createInsecure(),
): Promise<RpcHarness> {
  let offsetMs = 0;
  const clock: TestClock = { now: () => Date.now() + offsetMs, advance: (seconds) => void (offsetMs += seconds * 1000) };
  const test = await startTestApp(overrides, { clock });
  const caller = await test.createClient({ client_name: "rpc caller", grant_types: ["client_credentials"], scope: ALL_CALLER_SCOPES });
  const client = new grpc.Client(new URL(test.grpcUrl).host, credentials);
  const mint: RpcHarness["mint"] = async (clientId, options = {}) => {
    const registered = await test.app.container.resolve(DI.ClientRegistry).get(clientId);
    if (!registered) throw new Error(`no client ${clientId}`);
    const issued = await test.app.container.resolve(DI.AccessTokenMinter).mint({
      client: registered,
      grantType: "client_credentials",
      subject: options.subject ?? clientId,
      scopes: options.scopes ?? [],
      audiences: options.audiences ?? [],
      confirmation: options.confirmation,
      grantId: options.grantId,
      ttl: options.ttl ?? 300,
      format: "jwt",
    });
    return issued.token;
  };
  return {
    test,
    clock,
    grpc: client,
    callerId: caller.client_id,
    mint,
    callerToken: (...scopes) => mint(caller.client_id, { scopes }),
    async close() {
      client.close();
      await test.stop();
    },
  };
}

/** Call credentials: a bearer token, or Metadata as sent. */
export type Auth = string | grpc.Metadata | undefined;

function metadataFor(token: Auth): grpc.Metadata {
  if (token instanceof grpc.Metadata) return token;
  const metadata = new grpc.Metadata();
  if (token !== undefined) metadata.set("authorization", `Bearer ${token}`);
  return metadata;
}

/** One unary call with @grpc/grpc-js, (de)serialised by protobuf-es from the generated schemas. */
export function unary<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: DescMethodUnary<I, O>,
  request: MessageInitShape<I>,
  token?: Auth,
): Promise<MessageShape<O>> {
  return unaryCall(client, method, request, metadataFor(token));
}

/** A server-streaming call with @grpc/grpc-js; cancel() it when done. */
export function serverStream<I extends DescMessage, O extends DescMessage>(
  client: grpc.Client,
  method: DescMethodServerStreaming<I, O>,
  request: MessageInitShape<I>,
  token?: Auth,
): grpc.ClientReadableStream<MessageShape<O>> {
  return serverStreamCall(client, method, request, metadataFor(token));
}

/** Resolves with the next message of `stream`, rejecting on error or end. */
export function nextMessage<T>(stream: grpc.ClientReadableStream<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    const cleanup = () => {
      stream.off("data", onData);
      stream.off("error", onError);
      stream.off("end", onEnd);
    };
    const onData = (message: T) => {
      cleanup();
      stream.pause();
      resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onEnd = () => {
      cleanup();
      reject(new Error("stream ended"));
    };
    stream.on("data", onData).on("error", onError).on("end", onEnd);
    stream.resume();
  });
}

/** The error a call rejected with, as a gRPC ServiceError. */
export async function grpcError(call: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await call;
  } catch (error) {
    return error as grpc.ServiceError;
  }
  throw new Error("the call succeeded");
}

/** The OAuthErrorDetail messages of a gRPC error, decoded from the `grpc-status-details-bin` google.rpc.Status trailer. */
export function oauthErrorDetails(error: grpc.ServiceError): OAuthErrorDetail[] {
  const [bin] = error.metadata.get("grpc-status-details-bin");
  if (!(bin instanceof Buffer)) return [];
  const details: OAuthErrorDetail[] = [];
  // google.rpc.Status { int32 code = 1; string message = 2; repeated google.protobuf.Any details = 3; }
  const reader = new BinaryReader(bin);
  while (reader.pos < reader.len) {
    const [field, wireType] = reader.tag();
    if (field !== 3 || wireType !== WireType.LengthDelimited) {
      reader.skip(wireType);
      continue;
    }
    const detail = anyUnpack(fromBinary(AnySchema, reader.bytes()), OAuthErrorDetailSchema);
    if (detail) details.push(detail);
  }
  return details;
}
