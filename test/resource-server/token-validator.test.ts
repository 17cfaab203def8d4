import "reflect-metadata";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createH2Server, type Http2Server, type ServerHttp2Session } from "node:http2";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { TokenService } from "../../gen/portcullis/token/v1/token_pb.js";
import { DI } from "../../src/core/di-tokens.js";
import { createTokenValidator, type TokenValidator, type RequestFacts, type TokenValidatorOptions, type ValidationRequest } from "../../src/resource-server/token-validator.js";
import { ShiftedClock } from "../support/fake-clock.js";
import { basic, freePort, startTestApp, type TestApp } from "../support/test-app.js";
import { startRpcHarness, unary, type RpcHarness } from "../integration/rpc/rpc-harness.js";
import { nextEvent, untilWatching, validateTokenCounter } from "./validator-harness.js";

const API = "https://api.example.com";
const THUMBPRINT = "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2";
const REQUEST = { method: "GET", url: `${API}/things` };

/** createTokenValidator against a real Portcullis internal listener (RFC 6750 §3.1, RFC 7009 §2.1, RFC 8705 §3). */
describe("createTokenValidator", () => {
  let h: RpcHarness;
  let app: string;
  let adminToken: string;
  const validators: TokenValidator[] = [];
  before(async () => {
    h = await startRpcHarness();
    app = (await h.test.createClient({ client_name: "app", grant_types: ["client_credentials"] })).client_id;
    adminToken = await h.callerToken("portcullis:tokens");
  });
  after(async () => {
    for (const validator of validators) validator.close();
    await h.close();
  });

  /** A validator on the harness with a call counter, live once its revocation stream is subscribed. */
  async function liveValidator(options: Partial<TokenValidatorOptions> = {}) {
    const counter = validateTokenCounter();
    const callerToken = await h.callerToken("portcullis:validate");
    const validator = createTokenValidator({
      address: new URL(h.test.grpcUrl).host,
      credentials: grpc.credentials.createInsecure(),
      callerToken: () => callerToken,
      clientOptions: { interceptors: [counter.interceptor] },
      ...options,
    });
    validators.push(validator);
    await untilWatching(validator);
    return { validator, calls: counter.calls };
  }

  it("describes an active bearer token and answers the same request again from the cache", async () => {
    const { validator, calls } = await liveValidator();
    const token = await h.mint(app, { subject: "alice", scopes: ["read"], audiences: [API] });
    const first = await validator.validate(bearer(token, { requiredScopes: ["read"], requiredAudience: API }));
    assert.ok(first.active);
    assert.equal(first.token.subject, "alice");
    assert.equal(first.token.clientId, app);
    assert.deepEqual(first.token.scopes, ["read"]);
    assert.deepEqual(first.token.audiences, [API]);
    assert.equal(first.token.expiresAt - first.token.issuedAt, 300);
    assert.equal(first.token.claims.jti, first.token.jti);
    assert.equal(first.token.confirmation, undefined);
    const again = await validator.validate({ ...REQUEST, token, requiredScopes: ["read"], requiredAudience: API });
    assert.deepEqual(again, first);
    assert.equal(calls(), 1, "the second request was answered locally");
  });

  it("never reuses an answer for other requirements or another certificate", async () => {
    const { validator, calls } = await liveValidator();
    const token = await h.mint(app, { scopes: ["read"], confirmation: { "x5t#S256": THUMBPRINT } });
    assert.equal((await validator.validate(bearer(token, { clientCertificateThumbprint: THUMBPRINT, requiredScopes: ["read"] }))).active, true);
    const otherScopes = await validator.validate(bearer(token, { clientCertificateThumbprint: THUMBPRINT, requiredScopes: ["read", "write"] }));
    assert.deepEqual([otherScopes.active, !otherScopes.active && otherScopes.error], [false, "insufficient_scope"]);
    const noCertificate = await validator.validate(bearer(token, { requiredScopes: ["read"] }));
    assert.deepEqual([noCertificate.active, !noCertificate.active && noCertificate.error], [false, "invalid_token"]);
    assert.equal((await validator.validate(bearer(token, { clientCertificateThumbprint: THUMBPRINT, requiredScopes: ["read"] }))).active, true);
    assert.equal(calls(), 3, "the certificate-bound answer was cached under its thumbprint only");
  });

  it("refuses without asking Portcullis when no token or a malformed header is sent; asks for an unknown token", async () => {
    const { validator, calls } = await liveValidator();
    assert.deepEqual(await validator.validate({ ...REQUEST, authorization: undefined, requiredScopes: ["read"] }), { active: false, scheme: "Bearer", requiredScopes: ["read"] });
    const malformed = await validator.validate({ ...REQUEST, authorization: ["Bearer a", "Bearer b"] });
    assert.deepEqual([malformed.active, !malformed.active && malformed.error], [false, "invalid_request"]);
    assert.equal(calls(), 0);
    const unknown = await validator.validate(bearer("not-a-token"));
    assert.deepEqual([unknown.active, !unknown.active && unknown.error, !unknown.active && unknown.scheme], [false, "invalid_token", "Bearer"]);
    const twoProofs = await validator.validate({ ...REQUEST, authorization: "DPoP abc", dpopProof: ["a", "b"] });
    assert.deepEqual([twoProofs.active, !twoProofs.active && twoProofs.error, !twoProofs.active && twoProofs.scheme], [false, "invalid_dpop_proof", "DPoP"]);
    assert.equal(calls(), 1);
  });

  it("refuses a bearer token presented with the DPoP scheme (RFC 9449 §7.1), whatever the cache holds", async () => {
    const { validator } = await liveValidator();
    const token = await h.mint(app);
    assert.equal((await validator.validate(bearer(token))).active, true);
    const asDpop = await validator.validate({ ...REQUEST, authorization: `DPoP ${token}` });
    assert.deepEqual([asDpop.active, !asDpop.active && asDpop.error], [false, "invalid_token"]);
  });

  it("asks again once the cached answer is older than maxAgeMs on the injected clock", async () => {
    const clock = new ShiftedClock();
    const { validator, calls } = await liveValidator({ clock, cache: { maxEntries: 10, maxAgeMs: 30_000 } });
    const token = await h.mint(app);
    await validator.validate(bearer(token));
    clock.advance(29_999);
    await validator.validate(bearer(token));
    assert.equal(calls(), 1);
    clock.advance(1);
    assert.equal((await validator.validate(bearer(token))).active, true);
    assert.equal(calls(), 2);
  });

  it("keeps at most maxEntries answers, dropping the least recently used", async () => {
    const { validator, calls } = await liveValidator({ cache: { maxEntries: 2 } });
    const [a, b, c] = await Promise.all([h.mint(app), h.mint(app), h.mint(app)]);
    for (const token of [a!, b!, a!, c!]) await validator.validate(bearer(token));
    assert.equal(calls(), 3);
    await validator.validate(bearer(a!));
    await validator.validate(bearer(c!));
    assert.equal(calls(), 3, "a and c are cached");
    await validator.validate(bearer(b!));
    assert.equal(calls(), 4, "b was evicted");
  });

  it("drops a token revoked through TokenService.Revoke as soon as WatchRevocations reports it", async () => {
    const { validator, calls } = await liveValidator();
    const token = await h.mint(app);
    const answer = await validator.validate(bearer(token));
    assert.ok(answer.active);
    const reported = nextEvent(validator, "revocation", (event) => event.id === answer.token.jti);
    await unary(h.grpc, TokenService.method.revoke, { token }, adminToken);
    assert.deepEqual((await reported)[0], { kind: "token", id: answer.token.jti });
    const after = await validator.validate(bearer(token));
    assert.deepEqual([after.active, !after.active && after.error], [false, "invalid_token"]);
    assert.equal(calls(), 2);
  });

  it("drops every cached token of a revoked grant (gid) and of a changed client", async () => {
    const { validator, calls } = await liveValidator();
    const granted = await h.mint(app, { grantId: "grant-1" });
    const other = await h.mint(app);
    await validator.validate(bearer(granted));
    await validator.validate(bearer(other));
    const reported = nextEvent(validator, "revocation", (event) => event.kind === "grant" && event.id === "grant-1");
    await h.test.app.container.resolve(DI.Revocation).revokeGrant("grant-1", { cause: "request" });
    await reported;
    assert.equal((await validator.validate(bearer(granted))).active, false);
    assert.equal((await validator.validate(bearer(other))).active, true);
    assert.equal(calls(), 3, "only the grant's token was asked again");
    const clientEvent = nextEvent(validator, "revocation", (event) => event.kind === "client" && event.id === app);
    h.test.app.container.resolve(DI.RevocationBus).deliverLocally({ kind: "client", id: app, revokedAt: Date.now() });
    await clientEvent;
    await validator.validate(bearer(other));
    assert.equal(calls(), 4, "the client's tokens were dropped");
  });

  it("fails closed within the deadline when the caller token never comes", async () => {
    const validator = createTokenValidator({ address: new URL(h.test.grpcUrl).host, credentials: grpc.credentials.createInsecure(), callerToken: () => new Promise<string>(() => {}), deadlineMs: 200 });
    validators.push(validator);
    const started = performance.now();
    const answer = await validator.validate(bearer(await h.mint(app)));
    assert.deepEqual([answer.active, !answer.active && answer.error], [false, "temporarily_unavailable"]);
    assert.ok(performance.now() - started < 2000);
  });
});

describe("createTokenValidator when Portcullis does not answer", () => {
  let blackHole: Http2Server;
  const sessions = new Set<ServerHttp2Session>();
  before(async () => {
    blackHole = createH2Server();
    blackHole.on("session", (session) => sessions.add(session));
    blackHole.on("stream", () => {}); // accepts every call and never answers
    await new Promise<void>((resolve) => blackHole.listen(0, "127.0.0.1", resolve));
  });
  after(async () => {
    for (const session of sessions) session.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  it("refuses with temporarily_unavailable once the deadline passes (fail closed)", async () => {
    const validator = createTokenValidator({ address: `127.0.0.1:${(blackHole.address() as AddressInfo).port}`, credentials: grpc.credentials.createInsecure(), callerToken: () => "x", deadlineMs: 300 });
    try {
      const started = performance.now();
      const answer = await validator.validate({ ...REQUEST, authorization: "Bearer abc" });
      const elapsed = performance.now() - started;
      assert.deepEqual([answer.active, !answer.active && answer.error], [false, "temporarily_unavailable"]);
      assert.equal(!answer.active && (answer.cause as grpc.ServiceError).code, grpc.status.DEADLINE_EXCEEDED);
      assert.ok(elapsed >= 250 && elapsed < 2000, `answered after ${elapsed} ms`);
    } finally {
      validator.close();
    }
  });
});

describe("createTokenValidator across a Portcullis restart", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-rslib-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  /** A client_credentials token from the public token endpoint (RFC 6749 §4.4). */
  async function clientToken(test: TestApp, client: { client_id: string; client_secret?: string }, scope?: string): Promise<string> {
    const response = await test.postForm("/token", { grant_type: "client_credentials", ...(scope ? { scope } : {}) }, basic(client.client_id, client.client_secret!));
    assert.equal(response.status, 200);
    return ((await response.json()) as { access_token: string }).access_token;
  }

  it("fails closed while Portcullis is down, reconnects with backoff and serves nothing cached before", async () => {
    const port = await freePort();
    const overrides = { port: String(port), issuer: `http://127.0.0.1:${port}`, grpcPort: String(await freePort()), databaseUrl: `sqlite:${join(dir, "portcullis.db")}` };
    let test = await startTestApp(overrides);
    const counter = validateTokenCounter();
    let validator: TokenValidator | undefined;
    try {
      const caller = await test.createClient({ client_name: "resource server", grant_types: ["client_credentials"], scope: "portcullis:validate" });
      const app = await test.createClient({ client_name: "app", grant_types: ["client_credentials"] });
      const callerToken = await clientToken(test, caller, "portcullis:validate");
      const token = await clientToken(test, app);
      validator = createTokenValidator({
        address: `127.0.0.1:${overrides.grpcPort}`,
        credentials: grpc.credentials.createInsecure(),
        callerToken: () => callerToken,
        reconnect: { initialDelayMs: 50, maxDelayMs: 400 },
        clientOptions: { interceptors: [counter.interceptor] },
      });
      await untilWatching(validator);
      assert.equal((await validator.validate(bearer(token))).active, true);
      assert.equal((await validator.validate(bearer(token))).active, true);
      assert.equal(counter.calls(), 1);

      const down = nextEvent(validator, "disconnected");
      await test.stop();
      await down;
      assert.equal(validator.watching, false);
      const refused = await validator.validate(bearer(token));
      assert.deepEqual([refused.active, !refused.active && refused.error], [false, "temporarily_unavailable"]);
      assert.equal(counter.calls(), 2, "asked Portcullis instead of trusting the cache");

      const back = nextEvent(validator, "subscribed");
      test = await startTestApp(overrides);
      await back;
      assert.equal((await validator.validate(bearer(token))).active, true);
      assert.equal(counter.calls(), 3, "nothing cached before the reconnection was served");
      assert.equal((await validator.validate(bearer(token))).active, true);
      assert.equal(counter.calls(), 3, "cached again once subscribed");
    } finally {
      validator?.close();
      await test.stop();
    }
  });
});

function bearer(token: string, extra: Partial<RequestFacts> = {}): ValidationRequest {
  return { ...REQUEST, authorization: `Bearer ${token}`, ...extra };
}
