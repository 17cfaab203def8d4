import "reflect-metadata";
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { container as rootContainer } from "tsyringe";
import { InitialAccessTokens } from "../../../src/core/clients/initial-access-tokens.js";
import { RegistrationEvidence } from "../../../src/core/clients/registration-evidence.js";
import { DI } from "../../../src/core/di-tokens.js";
import { mappingFor } from "../../../src/core/errors/error-table.js";
import { RateLimiter } from "../../../src/core/security/rate-limiter.js";
import { cryptoRandom } from "../../../src/core/security/system-clock.js";
import { isOAuthError, type OAuthError } from "../../../src/plugin-sdk/errors.js";
import { RegisterEndpoint } from "../../../src/transport/http/endpoints/register.endpoint.js";
import { assertOAuthError, ISSUER, openRegistryFixture, WEB_CLIENT, type RegistryFixture } from "../../core/clients/registry-fixture.js";
import { assertInvalidToken, endpointRequest } from "./registration-requests.js";

const registerRequest = (json: unknown, authorization?: string) => endpointRequest("POST", "/register", { json, authorization });

describe("POST /register (RFC 7591 §3)", () => {
  let f: RegistryFixture;
  let endpoint: RegisterEndpoint;
  beforeEach(async () => {
    f = await openRegistryFixture();
    endpoint = new RegisterEndpoint(f.config, f.registry, f.initialAccessTokens, f.rateLimiter, f.evidence);
  });
  afterEach(() => f.close());

  it("declares POST with a JSON body at /register", () => {
    assert.equal(endpoint.path, "/register");
    assert.deepEqual(endpoint.methods, ["POST"]);
    assert.deepEqual(endpoint.body, { POST: "json" });
  });

  it("registers with an initial access token: 201, no-store, the client information response", async () => {
    const { token } = await f.initialAccessTokens.create();
    const response = await endpoint.handle(registerRequest({ ...WEB_CLIENT, client_id: "chosen", unknown_field: 1 }, `Bearer ${token}`));
    assert.equal(response.status, 201);
    assert.equal(response.headers?.["cache-control"], "no-store");
    const body = response.body as Record<string, unknown>;
    assert.notEqual(body.client_id, "chosen");
    assert.equal("unknown_field" in body, false);
    assert.match(String(body.client_secret), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body.client_secret_expires_at, 0);
    assert.match(String(body.registration_access_token), /^[A-Za-z0-9_-]{43}$/);
    assert.equal(body.registration_client_uri, `${ISSUER}/register/${body.client_id}`);
    assert.deepEqual(body.redirect_uris, WEB_CLIENT.redirect_uris);
    assert.ok(await f.registry.get(String(body.client_id)));
  });

  it("accepts the Bearer scheme case-insensitively", async () => {
    const { token } = await f.initialAccessTokens.create();
    assert.equal((await endpoint.handle(registerRequest(WEB_CLIENT, `bearer ${token}`))).status, 201);
  });

  for (const [name, authorization] of [
    ["no Authorization header", undefined],
    ["an unknown token", "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    ["another scheme", "Basic Zm9vOmJhcg=="],
    ["a malformed header", "Bearer a b"],
  ] as const) {
    it(`answers 401 invalid_token for ${name} (corpus 91)`, async () => {
      await assert.rejects(endpoint.handle(registerRequest(WEB_CLIENT, authorization)), assertInvalidToken);
      assert.deepEqual(await f.registry.list({ limit: 1 }), []);
    });
  }

  it("answers 401 for an expired initial access token", async () => {
    const { token } = await f.initialAccessTokens.create(60);
    f.clock.advance(60_000);
    await assert.rejects(endpoint.handle(registerRequest(WEB_CLIENT, `Bearer ${token}`)), assertInvalidToken);
  });

  it("refuses a repeated Authorization header", async () => {
    const { token } = await f.initialAccessTokens.create();
    const request = { ...registerRequest(WEB_CLIENT), headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] } };
    await assert.rejects(endpoint.handle(request), assertInvalidToken);
  });

  describe("with OPEN_REGISTRATION", () => {
    let open: RegisterEndpoint;
    let closeOpen: () => Promise<void>;
    beforeEach(async () => {
      const fixture = await openRegistryFixture({ settings: { openRegistration: "true" } });
      open = new RegisterEndpoint(fixture.config, fixture.registry, fixture.initialAccessTokens, fixture.rateLimiter, fixture.evidence);
      closeOpen = () => fixture.close();
    });
    afterEach(() => closeOpen());

    it("registers without a token", async () => {
      assert.equal((await open.handle(registerRequest(WEB_CLIENT))).status, 201);
    });

    for (const body of [[WEB_CLIENT], "text", 1, null, undefined]) {
      it(`answers 400 invalid_client_metadata for a non-object body: ${JSON.stringify(body)}`, async () => {
        await assert.rejects(open.handle(registerRequest(body)), (e) => {
          assertOAuthError(e, "invalid_client_metadata", /must be a JSON object/);
          assert.equal(mappingFor(e as OAuthError).status, 400);
          return true;
        });
      });
    }

    it("answers 400 invalid_redirect_uri for 10k redirect_uris (corpus 91)", async () => {
      const redirect_uris = Array.from({ length: 10_000 }, (_, i) => `https://rp.example.com/${i}`);
      await assert.rejects(open.handle(registerRequest({ redirect_uris })), (e) => isOAuthError(e) && e.error === "invalid_redirect_uri" && mappingFor(e).status === 400);
    });

    it("answers 400 with the validator's error for bad metadata (corpus 87–89)", async () => {
      await assert.rejects(open.handle(registerRequest({ redirect_uris: ["JaVaScRiPt:alert(1)"] })), (e) => assertOAuthError(e, "invalid_redirect_uri"));
      await assert.rejects(open.handle(registerRequest({ ...WEB_CLIENT, jwks_uri: "https://169.254.169.254/jwks" })), (e) => assertOAuthError(e, "invalid_client_metadata"));
      await assert.rejects(open.handle(registerRequest({ ...WEB_CLIENT, scope: "portcullis:admin" })), (e) => assertOAuthError(e, "invalid_client_metadata"));
    });
  });

  it("resolves through DI", () => {
    const container = rootContainer.createChildContainer();
    container.register(DI.Config, { useValue: f.config });
    container.register(DI.ClientRegistry, { useValue: f.registry });
    container.register(DI.Durable, { useValue: f.durable });
    container.register(DI.Clock, { useValue: f.clock });
    container.register(DI.Random, { useValue: cryptoRandom });
    container.registerSingleton(InitialAccessTokens);
    container.register(RateLimiter, { useValue: f.rateLimiter });
    container.register(RegistrationEvidence, { useValue: f.evidence });
    assert.ok(container.resolve(RegisterEndpoint) instanceof RegisterEndpoint);
  });
});

describe("POST /register bursts (corpus 91)", () => {
  it("answers 429 with Retry-After past REGISTRATION_LIMIT per IP; another IP is unaffected", async () => {
    const fixture = await openRegistryFixture({ settings: { openRegistration: "true", registrationLimit: "3" } });
    try {
      const endpoint = new RegisterEndpoint(fixture.config, fixture.registry, fixture.initialAccessTokens, fixture.rateLimiter, fixture.evidence);
      const from = (remoteAddress: string) => endpoint.handle({ ...registerRequest(WEB_CLIENT), remoteAddress });
      for (let i = 0; i < 3; i++) assert.equal((await from("192.0.2.1")).status, 201);
      await assert.rejects(from("192.0.2.1"), (error: unknown) => {
        assert.ok(isOAuthError(error));
        assert.equal(mappingFor(error as OAuthError).status, 429);
        assert.equal((error as OAuthError).headers["retry-after"], "60");
        return true;
      });
      assert.equal((await from("192.0.2.2")).status, 201);
    } finally {
      await fixture.close();
    }
  });
});
