import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { buildApp, type App } from "../../../src/app/build-app.js";
import { loadConfig } from "../../../src/config/config.js";
import { AuthorizationCodeService } from "../../../src/core/codes/authorization-code.service.js";
import { DI } from "../../../src/core/di-tokens.js";
import { isVouched, vouch } from "../../../src/core/security/vouched.js";
import { TotpSecretService } from "../../../src/core/users/totp-secret.service.js";
import { UserService } from "../../../src/core/users/user.service.js";
import { PluginTokens } from "../../../src/plugin-sdk/plugin-tokens.js";
import type { Client } from "../../../src/plugin-sdk/client.js";
import { FakeClock } from "../../support/fake-clock.js";
import { testSealer } from "../keys/key-fixtures.js";
import { UNBOUND } from "../../../src/plugin-sdk/sender-binding.js";

const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const IP = "198.51.100.7";

describe("first-party capabilities: DirectSignIn and AuthorizationCodes (PluginTokens)", () => {
  let app: App;
  const clock = new FakeClock();
  let client: Client;
  const signIn = () => app.container.resolve(PluginTokens.DirectSignIn);
  const codes = () => app.container.resolve(PluginTokens.AuthorizationCodes);

  before(async () => {
    app = await buildApp({ config: loadConfig({}, { databaseUrl: "sqlite::memory:", issuer: "https://as.example.test", logLevel: "silent" }), clock });
    const users = app.container.resolve(UserService);
    await users.create({ username: "alice", password: "alice-password-1" });
    await users.create({ username: "bob", password: "bob-password-12" });
    await app.container.resolve(TotpSecretService).enable("bob");
    const registry = app.container.resolve(DI.ClientRegistry);
    ({ client } = await registry.register({ grant_types: ["authorization_code"], token_endpoint_auth_method: "none", redirect_uris: ["https://app.example.test/cb"] }, "operator"));
  });
  after(() => app.stop());

  it("begins at the first factor; its state is sealed, not readable JSON", async () => {
    const { state, prompt } = await signIn().begin();
    assert.deepEqual([prompt.authenticator, prompt.factor, prompt.browserOnly], ["password", "first", false]);
    assert.deepEqual(prompt.fields.map((f) => f.name), ["username", "password"]);
    assert.throws(() => JSON.parse(state));
  });

  it("a password completes a user without second factor: a vouched authentication with amr pwd", async () => {
    const { state, prompt } = await signIn().begin();
    const outcome = await signIn().submit(state, { authenticator: prompt.authenticator, fields: { username: "alice", password: "alice-password-1" } }, IP);
    assert.equal(outcome.kind, "done");
    const { authentication } = outcome as Extract<typeof outcome, { kind: "done" }>;
    assert.ok(isVouched(authentication));
    assert.deepEqual([authentication.amr, authentication.acr, authentication.authTime], [["pwd"], "urn:portcullis:acr:pwd", Math.floor(clock.now() / 1000)]);
  });

  it("an enrolled second factor comes next, and current() asks for it again from the stored state", async () => {
    const { state, prompt } = await signIn().begin();
    const next = await signIn().submit(state, { authenticator: prompt.authenticator, fields: { username: "bob", password: "bob-password-12" } }, IP);
    assert.equal(next.kind, "next");
    const { state: pending } = next as Extract<typeof next, { kind: "next" }>;
    assert.equal((await signIn().current(pending)).prompt.authenticator, "totp");
  });

  it("a state altered, sealed for another purpose or invented is invalid_request", async () => {
    const { state } = await signIn().begin();
    const flipped = `${state.slice(0, -2)}${state.at(-2) === "A" ? "B" : "A"}${state.at(-1)}`;
    const forged = testSealer().seal(JSON.stringify({ pending: { userId: "bob", amr: ["pwd"], remaining: ["totp"] } }), "direct-sign-in-state");
    for (const bad of [flipped, forged, "{}"]) await assert.rejects(signIn().current(bad), { error: "invalid_request", description: "the sign-in state is invalid" });
  });

  it("failures count against the account like the login pages: throttled after LOGIN_FAILURE_LIMIT", async () => {
    await app.container.resolve(UserService).create({ username: "carol", password: "carol-password-1" });
    let { state, prompt } = await signIn().begin();
    for (let i = 0; i < 5; i++) {
      const wrong = await signIn().submit(state, { authenticator: prompt.authenticator, fields: { username: "carol", password: `wrong-${i}` } }, `203.0.113.${i}`);
      assert.equal(wrong.kind, "invalid");
      ({ state, prompt } = wrong as Extract<typeof wrong, { kind: "invalid" }>);
    }
    const locked = await signIn().submit(state, { authenticator: prompt.authenticator, fields: { username: "carol", password: "carol-password-1" } }, IP);
    assert.equal(locked.kind, "throttled");
    assert.ok((locked as Extract<typeof locked, { kind: "throttled" }>).retryAfterSeconds > 0);
  });

  it("check applies PKCE (S256 only), the client's grant types and the scope policy", async () => {
    await assert.rejects(codes().check({ client, codeChallenge: undefined }), { error: "invalid_request", description: "code_challenge is required (PKCE)" });
    await assert.rejects(codes().check({ client, codeChallenge: CHALLENGE, codeChallengeMethod: "plain" }), { error: "invalid_request" });
    await assert.rejects(codes().check({ client, codeChallenge: CHALLENGE, codeChallengeMethod: "S256", scope: "api:unknown" }), { error: "invalid_scope" });
    await assert.rejects(codes().check({ client: { ...client, metadata: { ...client.metadata, grant_types: ["client_credentials"] } }, codeChallenge: CHALLENGE, codeChallengeMethod: "S256" }), { error: "unauthorized_client" });
    await codes().check({ client, codeChallenge: CHALLENGE, codeChallengeMethod: "S256", scope: "openid" });
  });

  it("issue accepts only a vouched authentication; the code is PKCE-bound, single use and refuses a redirect_uri (draft §6)", async () => {
    const request = { client, codeChallenge: CHALLENGE, codeChallengeMethod: "S256", scope: "openid", nonce: "n-1" };
    await assert.rejects(codes().issue({ ...request, authentication: { subject: "mallory", authTime: 1, amr: ["pwd"] } }), /only an authentication core issued/);
    const authentication = vouch({ subject: "u-alice", authTime: 1_800_000_000, amr: ["pwd", "otp"], acr: "urn:portcullis:acr:mfa" });
    const code = await codes().issue({ ...request, authentication });
    const service = app.container.resolve(AuthorizationCodeService);
    const binding = { clientId: client.clientId, redirectUri: undefined, codeVerifier: VERIFIER, publicClient: true, sender: UNBOUND };
    await assert.rejects(service.redeem(code, { ...binding, redirectUri: "https://app.example.test/cb" }), { error: "invalid_grant", description: "redirect_uri was not part of the authorization request" });
    await assert.rejects(service.redeem(code, { ...binding, codeVerifier: undefined }), { error: "invalid_grant" });
    const redeemed = await service.redeem(code, binding);
    assert.deepEqual([redeemed.subject, redeemed.scopes, redeemed.nonce, redeemed.amr, redeemed.acr], ["u-alice", ["openid"], "n-1", ["pwd", "otp"], "urn:portcullis:acr:mfa"]);
    assert.equal(redeemed.sessionId, undefined);
    await assert.rejects(service.redeem(code, binding), { error: "invalid_grant" });
  });
});
