import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fromBinary, type DescMethod } from "@bufbuild/protobuf";
import * as grpc from "@grpc/grpc-js";
import fc from "fast-check";
import { ALL_CALLER_SCOPES } from "../integration/rpc/rpc-harness.js";
import { basic } from "../support/test-app.js";
import { mutatedJwt } from "./arbitraries/jwt.arbitrary.js";
import { mutatedString } from "./arbitraries/mutated-string.arbitrary.js";
import { fieldStrings, messageBytes } from "./arbitraries/protobuf.arbitrary.js";
import { replaying, runFuzz } from "./support/fuzz-settings.js";
import { startFuzzTarget, type FuzzTarget } from "./support/fuzz-target.js";
import { rawFrameCall, rawServerStream, rawUnary, type GrpcOutcome } from "./support/grpc-raw.js";
import { generatedServices } from "./support/grpc-services.js";
import { StatusTally } from "./support/status-tally.js";

/** Status codes that mean the server failed or hung rather than judged the input (gRPC status codes). */
const SERVER_FAULTS = new Set([grpc.status.UNKNOWN, grpc.status.INTERNAL, grpc.status.DEADLINE_EXCEEDED, grpc.status.DATA_LOSS]);

const pathOf = (method: DescMethod) => `/${method.parent.typeName}/${method.name}`;

/** Issue 11 item 5: every method of every service in the generated descriptors, fed structured, damaged and raw messages. */
describe("fuzz: every internal gRPC method", () => {
  let target: FuzzTarget;
  let client: grpc.Client;
  let methods: DescMethod[];
  let callerToken: string;

  before(async () => {
    target = await startFuzzTarget("grpc-methods");
    const caller = await target.test.createClient({ grant_types: ["client_credentials"], scope: ALL_CALLER_SCOPES });
    const issued = await target.test.postForm("/token", { grant_type: "client_credentials", scope: ALL_CALLER_SCOPES }, basic(caller.client_id, caller.client_secret!));
    callerToken = ((await issued.json()) as { access_token: string }).access_token;
    client = new grpc.Client(new URL(target.test.grpcUrl).host, grpc.credentials.createInsecure());
    methods = (await generatedServices()).flatMap((service) => service.methods);
  });
  after(async () => {
    client.close();
    await target.close();
  });

  test("every generated service method is served (discovery found them)", () => {
    assert.ok(methods.length >= 10, `found ${methods.length} methods`);
  });

  test("a proper status for every call, never UNKNOWN/INTERNAL or a hang; OK answers decode as the output message", async () => {
    const jwt = mutatedJwt(target.seeds.jwts);
    const strings = fieldStrings([...Object.values(target.seeds.values).flat(), ...target.seeds.jwts], jwt);
    const authorization = fc.oneof(
      { weight: 6, arbitrary: fc.constant(`Bearer ${callerToken}`) },
      { weight: 1, arbitrary: mutatedString([`Bearer ${callerToken}`, ...target.seeds.authorizations]) },
      { weight: 1, arbitrary: jwt.map((token) => `Bearer ${token}`) },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    // What a gRPC request says about its frames: codec, compression and deadline (gRPC over HTTP/2 "Requests").
    const frameHeaders = fc.record(
      {
        "content-type": fc.constantFrom("application/grpc", "application/grpc+proto", "application/grpc+json", "application/grpc+xml", "application/grpc; charset=utf-8", "text/plain"),
        "grpc-encoding": fc.constantFrom("identity", "gzip", "br", "deflate", "snappy", ""),
        "grpc-timeout": fc.constantFrom("1S", "100m", "0n", "99999999H", "-1S", "1X", "", "1"),
        "x-request-id": mutatedString(["abc-123"]).map((id) => id.replace(/[^\x20-\x7e]/g, "")),
      },
      { requiredKeys: ["content-type"] },
    );
    const call = fc.constantFrom(...methods).chain((method) =>
      fc.record({
        method: fc.constant(method),
        authorization,
        message: messageBytes(method.input, strings),
        frame: fc.oneof({ weight: 4, arbitrary: fc.constant(null) }, { weight: 1, arbitrary: fc.record({ compressedFlag: fc.constantFrom(0, 1, 0x80), declaredDelta: fc.integer({ min: -4, max: 70_000 }), headers: frameHeaders }) }),
      }),
    );
    const tally = new StatusTally();
    const property = fc.asyncProperty(call, async ({ method, authorization: rawAuth, message, frame }) => {
      // Both HTTP/2 clients refuse header values outside visible ASCII before sending (RFC 9113 §8.2.1).
      const auth = rawAuth?.replace(/[^\x20-\x7e]/g, "");
      const metadata = new grpc.Metadata();
      if (auth !== undefined) metadata.set("authorization", auth);
      let outcome: GrpcOutcome;
      if (frame !== null) {
        const declaredLength = Math.max(0, message.length + frame.declaredDelta);
        const headers = { ...frame.headers, ...(auth ? { authorization: auth } : {}) };
        outcome = await rawFrameCall(target.test.grpcUrl, pathOf(method), { compressedFlag: frame.compressedFlag, declaredLength, payload: message }, headers, method.methodKind === "server_streaming" ? 300 : undefined);
      } else if (method.methodKind === "server_streaming") outcome = await rawServerStream(client, pathOf(method), message, metadata);
      else outcome = await rawUnary(client, pathOf(method), message, metadata);
      tally.record(`${method.name}${frame ? " (raw frame)" : ""}`, outcome.code);
      // A deadline the request set itself (grpc-timeout) may expire, on a watch stream in particular.
      const ownDeadline = frame !== null && frame.headers["grpc-timeout"] !== undefined && outcome.code === grpc.status.DEADLINE_EXCEEDED;
      assert.ok(ownDeadline || !SERVER_FAULTS.has(outcome.code), `${pathOf(method)} answered ${grpc.status[outcome.code]}: ${outcome.details}`);
      if (outcome.response) fromBinary(method.output, outcome.response);
    });
    await runFuzz("grpc-methods", property, 300);
    console.log(tally.summary());
    assert.ok(replaying || tally.count(0, 1) > 0, "some mutated calls still succeed (OK)");
  });
});
