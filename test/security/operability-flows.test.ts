import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import { TokenService } from "../../gen/portcullis/token/v1/token_pb.js";
import { TokenValidationService } from "../../gen/portcullis/validation/v1/validation_pb.js";
import { createLogger } from "../../src/app/create-logger.js";
import { AuditTrail } from "../../src/core/audit/audit-trail.js";
import { InternalScopes } from "../../src/core/policy/scopes.js";
import { UserService } from "../../src/core/users/user.service.js";
import type { AuditEvent } from "../../src/plugin-sdk/audit.js";
import { receivedAuditEvents } from "../fixtures/plugins/test-audit.plugin.js";
import { formOf, HttpBrowser } from "../support/http-browser.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";
import { unary } from "../integration/rpc/rpc-harness.js";

/**
 * Every flow the helpers drive, with the production logger at trace level captured in memory: no credential reaches a
 * log line (corpus S119), and every audited action reaches both the JSON Lines file sink and an external sink plugin.
 */
const auditPlugin = fileURLToPath(new URL("../fixtures/plugins/test-audit.plugin.ts", import.meta.url));
const CB = "https://rp.example.test/cb";
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

describe("flows under trace logging, audited", () => {
  let t: TestApp;
  let dir: string;
  let auditFile: string;
  const lines: string[] = [];
  /** Credential name → value; each must be absent from every log line. */
  const secrets = new Map<string, string>();
  const keep = (name: string, value: string | undefined): string => {
    assert.ok(value, `${name} was not issued`);
    secrets.set(name, value);
    return value;
  };
  const ids: { requestId?: string; ccClient?: string; codeClient?: string; dynamicClient?: string; userId?: string; mintCaller?: string } = {};

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "portcullis-audit-"));
    auditFile = join(dir, "audit.jsonl");
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    t = await startTestApp(
      { logLevel: "trace", openRegistration: "true", plugins: auditPlugin, pluginOptions: JSON.stringify({ "audit.json-lines-file": { path: auditFile }, "audit.test-audit": { failOn: "consent.granted" } }) },
      { logger: createLogger("trace", sink) },
    );
    await t.createResource("https://api.example.test/", "api:read");
    const json = async <T extends object>(res: Promise<Response>, status = 200): Promise<T & { _res: Response }> => {
      const response = await res;
      const text = await response.text();
      assert.equal(response.status, status, text);
      return Object.assign((text ? JSON.parse(text) : {}) as T, { _res: response });
    };

    // client_credentials (Basic): the header and the token
    const cc = await t.createClient({ grant_types: ["client_credentials"], scope: `api:read ${InternalScopes.mint} ${InternalScopes.validate}` });
    ids.ccClient = cc.client_id;
    const ccAuth = basic(cc.client_id, keep("client secret (operator)", cc.client_secret));
    keep("Authorization header", ccAuth.authorization);
    const ccToken = await json<{ access_token: string }>(t.postForm("/token", { grant_type: "client_credentials", scope: "api:read" }, { ...ccAuth, "x-request-id": "audit-probe-1" }));
    keep("access token (client_credentials)", ccToken.access_token);
    ids.requestId = ccToken._res.headers.get("x-request-id")!;
    await json(t.postForm("/token", { grant_type: "client_credentials" }, basic(cc.client_id, keep("wrong secret", "wrong-secret-value-0123456789"))), 401);

    // code flow with PKCE through the sign-in and consent pages, a failed password first
    const user = await t.app.container.resolve(UserService).create({ username: "alice", password: keep("password", "alice-password-1") });
    ids.userId = user.id;
    keep("wrong password", "alice-wrong-password");
    const rp = await t.createClient({ redirect_uris: [CB], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], scope: "openid offline_access api:read" });
    ids.codeClient = rp.client_id;
    const rpAuth = basic(rp.client_id, keep("client secret (code client)", rp.client_secret));
    // PAR first (RFC 9126): the request_uri stands for the parameters
    const pushed = await json<{ request_uri: string }>(
      t.postForm("/par", { response_type: "code", redirect_uri: CB, scope: "openid offline_access", state: "s", code_challenge: CHALLENGE, code_challenge_method: "S256" }, rpAuth),
      201,
    );
    const browser = new HttpBrowser();
    const started = await browser.request(`${t.publicUrl}/authorize?${new URLSearchParams({ client_id: rp.client_id, request_uri: pushed.request_uri })}`);
    const login = formOf(await (await browser.request(started.headers.get("location")!)).text())!;
    const failed = await browser.request(login.action, { ...login.hidden, username: "alice", password: "alice-wrong-password" });
    const retry = formOf(await (failed.status === 303 ? await browser.request(failed.headers.get("location")!) : failed).text())!;
    const signedIn = await browser.request(retry.action, { ...retry.hidden, username: "alice", password: "alice-password-1" });
    const consent = formOf(await (await browser.request(signedIn.headers.get("location")!)).text())!;
    const approved = await browser.request(consent.action, { ...consent.hidden, decision: "approve" });
    const code = keep("authorization code", new URL(approved.headers.get("location")!).searchParams.get("code") ?? undefined);
    const tokens = await json<{ access_token: string; refresh_token: string; id_token: string }>(t.postForm("/token", { grant_type: "authorization_code", code, redirect_uri: CB, code_verifier: keep("code verifier", VERIFIER) }, rpAuth));
    keep("access token (code)", tokens.access_token);
    keep("refresh token", tokens.refresh_token);
    keep("ID token", tokens.id_token);
    const refreshed = await json<{ access_token: string; refresh_token: string }>(t.postForm("/token", { grant_type: "refresh_token", refresh_token: tokens.refresh_token }, rpAuth));
    keep("access token (refreshed)", refreshed.access_token);
    keep("refresh token (rotated)", refreshed.refresh_token);
    await json(t.postForm("/introspect", { token: refreshed.access_token }, rpAuth));
    await json(t.postForm("/revoke", { token: refreshed.refresh_token, token_type_hint: "refresh_token" }, rpAuth));
    await json(t.postForm("/revoke", { token: ccToken.access_token }, ccAuth));

    // dynamic registration with a secret, read and deleted with its registration access token
    const registered = await json<{ client_id: string; client_secret: string; registration_access_token: string; registration_client_uri: string }>(
      fetch(`${t.publicUrl}/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ grant_types: ["client_credentials"] }) }),
      201,
    );
    ids.dynamicClient = registered.client_id;
    keep("client secret (dynamic)", registered.client_secret);
    const rat = keep("registration access token", registered.registration_access_token);
    const read = await json<{ registration_access_token: string }>(fetch(registered.registration_client_uri, { headers: { authorization: `Bearer ${rat}` } }));
    const rat2 = keep("registration access token (rotated)", read.registration_access_token);
    assert.equal((await fetch(registered.registration_client_uri, { method: "DELETE", headers: { authorization: `Bearer ${rat2}` } })).status, 204);

    // gRPC Mint and ValidateToken, with a caller token and an x-request-id
    const grpcClient = new grpc.Client(new URL(t.grpcUrl).host, grpc.credentials.createInsecure());
    try {
      const caller = await json<{ access_token: string }>(t.postForm("/token", { grant_type: "client_credentials", scope: `${InternalScopes.mint} ${InternalScopes.validate}` }, ccAuth));
      const metadata = new grpc.Metadata();
      metadata.set("authorization", `Bearer ${keep("access token (gRPC caller)", caller.access_token)}`);
      metadata.set("x-request-id", "grpc-probe-1");
      const minted = await unary(grpcClient, TokenService.method.mint, { clientId: cc.client_id, subject: "svc", scopes: ["api:read"] }, metadata);
      keep("access token (Mint)", minted.accessToken);
      assert.equal((await unary(grpcClient, TokenValidationService.method.validateToken, { token: minted.accessToken }, metadata)).active, true);
    } finally {
      grpcClient.close();
    }
  });
  after(async () => {
    await t?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  test("no access, refresh or ID token, code, verifier, secret, password, registration access token or Authorization value in any log line at trace", async () => {
    const logs = lines.join("");
    assert.ok(lines.length > 0, "the app logged nothing at trace: the capture is broken");
    assert.deepEqual([...secrets].filter(([, value]) => logs.includes(value)).map(([name]) => name), []);
    const signatures = [...secrets.values()].filter((v) => v.split(".").length === 3).map((v) => v.split(".")[2]!);
    assert.deepEqual(signatures.filter((signature) => logs.includes(signature)), [], "a JWT signature is in the logs");
  });

  test("the JSON Lines file holds one event per line; a failing sink is logged (with the request id) and fails nothing", async () => {
    await t.app.container.resolve(AuditTrail).idle();
    const events = (await readFile(auditFile, "utf8")).trimEnd().split("\n").map((line) => JSON.parse(line) as AuditEvent);
    const of = (type: AuditEvent["type"]) => events.filter((e) => e.type === type) as never as Record<string, unknown>[];
    const issued = of("token.issued");
    assert.deepEqual(issued.find((e) => e.requestId === "audit-probe-1") && { ...issued.find((e) => e.requestId === "audit-probe-1"), at: "", jti: "" }, {
      type: "token.issued", clientId: ids.ccClient, grantType: "client_credentials", subject: ids.ccClient, jti: "", scopes: ["api:read"], refreshToken: false, idToken: false, at: "", requestId: "audit-probe-1",
    });
    assert.ok(issued.some((e) => e.grantType === "authorization_code" && e.subject === ids.userId && e.refreshToken === true && e.idToken === true));
    assert.ok(issued.some((e) => e.grantType === "refresh_token"));
    assert.ok(issued.some((e) => e.grantType === "urn:portcullis:grant-type:rpc-mint" && e.requestId === "grpc-probe-1"), "Mint is audited with the gRPC x-request-id");
    assert.deepEqual(of("sign-in.failed").map(({ method, reason, username }) => ({ method, reason, username })), [{ method: "password", reason: "invalid", username: "alice" }]);
    assert.deepEqual(of("sign-in.succeeded").map(({ userId, methods }) => ({ userId, methods })), [{ userId: ids.userId, methods: ["pwd"] }]);
    assert.deepEqual(of("consent.granted").map(({ userId, clientId }) => ({ userId, clientId })), [{ userId: ids.userId, clientId: ids.codeClient }]);
    assert.deepEqual(of("token.revoked").map(({ tokenType, clientId }) => ({ tokenType, clientId })), [{ tokenType: "refresh_token", clientId: ids.codeClient }, { tokenType: "access_token", clientId: ids.ccClient }]);
    assert.deepEqual(of("client.registered").filter((e) => e.source === "dynamic").map((e) => e.clientId), [ids.dynamicClient]);
    assert.deepEqual(of("client.deleted").map(({ clientId, source }) => ({ clientId, source })), [{ clientId: ids.dynamicClient, source: "dynamic" }]);
    for (const event of events) assert.match(String(event.at), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    // the external sink got the same events except the one it refuses, whose failure was logged with its request id
    assert.deepEqual(receivedAuditEvents.map((e) => e.type), events.filter((e) => e.type !== "consent.granted").map((e) => e.type));
    const failure = lines.find((line) => line.includes('"msg":"audit sink failed"'));
    assert.ok(failure, "the failing sink was not logged");
    assert.match(failure, /"sink":"test-audit","event":"consent.granted"/);
    assert.match(failure, /"requestId":"[0-9a-f-]{36}"/);
  });
});
