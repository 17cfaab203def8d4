import "reflect-metadata";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, afterEach, before, beforeEach, describe, it } from "node:test";
import Database from "better-sqlite3";
import { container as rootContainer } from "tsyringe";
import { ClientRegistryService, lacksClientSecret } from "../../../src/core/clients/client-registry.service.js";
import { PluginTokens } from "../../../src/plugin-sdk/plugin-tokens.js";
import { DI } from "../../../src/core/di-tokens.js";
import { digestMatches, secretDigest } from "../../../src/core/security/digest.js";
import { cryptoRandom } from "../../../src/core/security/system-clock.js";
import { assertOAuthError, AUTHENTICATORS, CAPABILITIES, ISSUER, openRegistryFixture, WEB_CLIENT, type RegistryFixture } from "./registry-fixture.js";
import { ClientAuthenticatorsToken } from "../../../src/core/clients/client-auth.tokens.js";
import { ClientMetadataFieldsToken } from "../../../src/core/clients/client-metadata-fields.js";
import { AuditRecorderToken } from "../../../src/core/audit/audit-trail.js";
import { recordingAudit } from "../../support/recording-audit.js";

const BASE64URL_128_BITS = /^[A-Za-z0-9_-]{22,}$/;
const BASE64URL_256_BITS = /^[A-Za-z0-9_-]{43}$/;
const PUBLIC_EC_KEY = { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0" };

describe("ClientRegistryService", () => {
  let f: RegistryFixture;
  beforeEach(async () => {
    f = await openRegistryFixture();
  });
  afterEach(() => f.close());

  describe("register (RFC 7591 §3.2.1)", () => {
    it("answers with client_id, secret and registration credentials plus the registered metadata", async () => {
      const registered = await f.registry.register({ ...WEB_CLIENT, client_name: "Example" }, "dynamic");
      const response = f.registry.toResponse(registered);
      const id = registered.client.clientId;
      assert.match(id, BASE64URL_128_BITS);
      assert.match(registered.clientSecret!, BASE64URL_256_BITS);
      assert.match(registered.registrationAccessToken!, BASE64URL_256_BITS);
      assert.deepEqual(response, {
        redirect_uris: ["https://rp.example.com/cb"],
        client_name: "Example",
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_basic",
        client_id: id,
        client_id_issued_at: Math.floor(f.clock.now() / 1000),
        client_secret: registered.clientSecret,
        client_secret_expires_at: 0,
        registration_access_token: registered.registrationAccessToken,
        registration_client_uri: `${ISSUER}/register/${id}`,
      });
    });

    it("assigns its own client_id whatever the client asks for (corpus 91)", async () => {
      const registered = await f.registry.register({ ...WEB_CLIENT, client_id: "admin", client_secret: "chosen" }, "dynamic");
      assert.notEqual(registered.client.clientId, "admin");
      assert.notEqual(registered.clientSecret, "chosen");
      assert.equal(await f.registry.get("admin"), undefined);
    });

    it("stores the client as returned", async () => {
      const { client } = await f.registry.register(WEB_CLIENT, "dynamic");
      assert.deepEqual(await f.registry.get(client.clientId), client);
    });

    it("stores only digests of the secret and the registration access token", async () => {
      const { client, clientSecret, registrationAccessToken } = await f.registry.register(WEB_CLIENT, "dynamic");
      const stored = (await f.durable.clients.find(client.clientId))!;
      assert.equal(stored.secretDigest, secretDigest(clientSecret!));
      assert.equal(stored.registrationTokenDigest, secretDigest(registrationAccessToken!));
      assert.equal(stored.secretSealed, undefined);
      assert.doesNotMatch(JSON.stringify(stored), new RegExp(`${clientSecret}|${registrationAccessToken}`));
    });

    it("also seals the secret, bound to the client id, for client_secret_jwt", async () => {
      const { client, clientSecret } = await f.registry.register({ ...WEB_CLIENT, token_endpoint_auth_method: "client_secret_jwt" }, "dynamic");
      const stored = (await f.durable.clients.find(client.clientId))!;
      assert.equal(stored.secretDigest, secretDigest(clientSecret!));
      assert.equal(f.sealer.unseal(stored.secretSealed!, client.clientId), clientSecret);
      assert.throws(() => f.sealer.unseal(stored.secretSealed!, "another-client"));
      assert.equal(stored.secretSealed!.includes(clientSecret!), false);
    });

    for (const method of ["client_secret_post", "client_secret_basic"]) {
      it(`issues a secret without sealing it for ${method}`, async () => {
        const { client, clientSecret } = await f.registry.register({ ...WEB_CLIENT, token_endpoint_auth_method: method }, "dynamic");
        assert.match(clientSecret!, BASE64URL_256_BITS);
        assert.equal(client.secretSealed, undefined);
      });
    }

    for (const metadata of [
      { ...WEB_CLIENT, token_endpoint_auth_method: "none" },
      { ...WEB_CLIENT, token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [PUBLIC_EC_KEY] } },
    ]) {
      it(`issues no secret for ${metadata.token_endpoint_auth_method}`, async () => {
        const registered = await f.registry.register(metadata, "dynamic");
        const response = f.registry.toResponse(registered);
        assert.equal(registered.clientSecret, undefined);
        assert.equal(registered.client.secretDigest, undefined);
        assert.equal("client_secret" in response || "client_secret_expires_at" in response, false);
      });
    }

    it("issues no registration access token to operator registrations", async () => {
      const registered = await f.registry.register({ ...WEB_CLIENT, access_token_lifetime: 300 }, "operator");
      const response = f.registry.toResponse(registered);
      assert.equal(registered.registrationAccessToken, undefined);
      assert.equal(registered.client.registrationTokenDigest, undefined);
      assert.equal("registration_access_token" in response || "registration_client_uri" in response, false);
      assert.equal(response.access_token_lifetime, 300);
    });

    it("never answers with digests or sealed values, even for a stored client", async () => {
      const { client } = await f.registry.register({ ...WEB_CLIENT, token_endpoint_auth_method: "client_secret_jwt" }, "dynamic");
      const response = f.registry.toResponse({ client });
      const text = JSON.stringify(response);
      for (const value of [client.secretDigest!, client.secretSealed!, client.registrationTokenDigest!]) assert.equal(text.includes(value), false);
      assert.equal(response.client_secret_expires_at, 0);
      assert.equal(response.registration_client_uri, `${ISSUER}/register/${client.clientId}`);
    });

    it("stores nothing when the metadata is invalid", async () => {
      await assert.rejects(f.registry.register({ redirect_uris: ["https://rp.example.com/cb#x"] }, "dynamic"), (e) => assertOAuthError(e, "invalid_redirect_uri"));
      assert.deepEqual(await f.registry.list({ limit: 10 }), []);
    });
  });

  describe("raw database row", () => {
    let dir: string;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), "portcullis-registry-"));
    });
    after(() => rm(dir, { recursive: true, force: true }));

    it("holds neither the client secret nor the registration access token", async () => {
      const file = join(dir, "clients.db");
      const fixture = await openRegistryFixture({ databaseUrl: `sqlite:${file}` });
      try {
        const registered = await fixture.registry.register({ ...WEB_CLIENT, token_endpoint_auth_method: "client_secret_jwt" }, "dynamic");
        const db = new Database(file, { readonly: true });
        const row = JSON.stringify(db.prepare("select * from clients").all());
        db.close();
        assert.equal(row.includes(registered.clientSecret!), false);
        assert.equal(row.includes(registered.registrationAccessToken!), false);
        assert.equal(row.includes(registered.client.secretDigest!), true);
      } finally {
        await fixture.close();
      }
    });
  });

  describe("update (RFC 7592 §2.2)", () => {
    it("replaces the metadata, keeps the secret and tells every node", async () => {
      const { client, clientSecret } = await f.registry.register(WEB_CLIENT, "dynamic");
      f.clock.advance(5_000);
      const updated = await f.registry.update(client.clientId, { redirect_uris: ["https://rp.example.com/new"], client_name: "New" }, "dynamic");
      assert.deepEqual(updated.metadata.redirect_uris, ["https://rp.example.com/new"]);
      assert.equal(updated.metadata.client_name, "New");
      assert.ok(digestMatches(clientSecret!, updated.secretDigest!));
      assert.equal(updated.registrationTokenDigest, client.registrationTokenDigest);
      assert.equal(updated.issuedAt, client.issuedAt);
      assert.equal(updated.updatedAt, client.updatedAt + 5_000);
      assert.deepEqual(await f.registry.get(client.clientId), updated);
      assert.deepEqual(f.events.map((e) => [e.kind, e.id]), [["client", client.clientId]]);
    });

    it("validates like registration", async () => {
      const { client } = await f.registry.register(WEB_CLIENT, "dynamic");
      await assert.rejects(f.registry.update(client.clientId, { redirect_uris: ["javascript:alert(1)"] }, "dynamic"), (e) => assertOAuthError(e, "invalid_redirect_uri"));
      assert.deepEqual(await f.registry.get(client.clientId), client);
    });

    it("drops the secret when the new method uses none", async () => {
      const { client } = await f.registry.register({ ...WEB_CLIENT, token_endpoint_auth_method: "client_secret_jwt" }, "dynamic");
      const updated = await f.registry.update(client.clientId, { ...WEB_CLIENT, token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [PUBLIC_EC_KEY] } }, "dynamic");
      assert.equal(updated.secretDigest, undefined);
      assert.equal(updated.secretSealed, undefined);
      assert.equal(lacksClientSecret(updated), false);
    });

    it("drops the sealed secret when leaving client_secret_jwt, and needs a new secret when entering it", async () => {
      const { client, clientSecret } = await f.registry.register({ ...WEB_CLIENT, token_endpoint_auth_method: "client_secret_jwt" }, "dynamic");
      const basic = await f.registry.update(client.clientId, WEB_CLIENT, "dynamic");
      assert.ok(digestMatches(clientSecret!, basic.secretDigest!));
      assert.equal(basic.secretSealed, undefined);
      const jwt = await f.registry.update(client.clientId, { ...WEB_CLIENT, token_endpoint_auth_method: "client_secret_jwt" }, "dynamic");
      assert.equal(jwt.secretDigest, undefined);
      assert.equal(lacksClientSecret(jwt), true);
      const rotated = await f.registry.rotateSecret(client.clientId, "operator");
      assert.equal(f.sealer.unseal(rotated.client.secretSealed!, client.clientId), rotated.clientSecret);
      assert.equal(lacksClientSecret(rotated.client), false);
    });

    it("keeps operator-only metadata through a dynamic update and lets operators change it", async () => {
      const { client } = await f.registry.register({ ...WEB_CLIENT, access_token_lifetime: 120, hooks: ["hooks.audit"] }, "operator");
      const dynamic = await f.registry.update(client.clientId, { ...WEB_CLIENT, access_token_lifetime: 99999 }, "dynamic");
      assert.equal(dynamic.metadata.access_token_lifetime, 120);
      assert.deepEqual(dynamic.metadata.hooks, ["hooks.audit"]);
      const operator = await f.registry.update(client.clientId, WEB_CLIENT, "operator");
      assert.equal(operator.metadata.access_token_lifetime, undefined);
    });

    it("refuses an unknown client", async () => {
      await assert.rejects(f.registry.update("missing", WEB_CLIENT, "operator"), (e) => assertOAuthError(e, "invalid_client"));
    });
  });

  describe("rotation and deletion", () => {
    it("rotates the secret: the old one stops matching at once", async () => {
      const { client, clientSecret } = await f.registry.register(WEB_CLIENT, "dynamic");
      const rotated = await f.registry.rotateSecret(client.clientId, "operator");
      const stored = (await f.registry.get(client.clientId))!;
      assert.notEqual(rotated.clientSecret, clientSecret);
      assert.ok(digestMatches(rotated.clientSecret!, stored.secretDigest!));
      assert.equal(digestMatches(clientSecret!, stored.secretDigest!), false);
      assert.equal(f.registry.toResponse(rotated).client_secret, rotated.clientSecret);
      assert.deepEqual(f.events.map((e) => e.id), [client.clientId]);
    });

    it("refuses to rotate the secret of a client that uses none", async () => {
      const { client } = await f.registry.register({ ...WEB_CLIENT, token_endpoint_auth_method: "none" }, "dynamic");
      await assert.rejects(f.registry.rotateSecret(client.clientId, "operator"), (e) => assertOAuthError(e, "invalid_request"));
    });

    it("rotates the registration access token", async () => {
      const { client, registrationAccessToken } = await f.registry.register(WEB_CLIENT, "dynamic");
      const rotated = await f.registry.rotateRegistrationToken(client.clientId);
      const stored = (await f.registry.get(client.clientId))!;
      assert.ok(digestMatches(rotated.registrationAccessToken!, stored.registrationTokenDigest!));
      assert.equal(digestMatches(registrationAccessToken!, stored.registrationTokenDigest!), false);
      assert.equal(stored.secretDigest, client.secretDigest);
    });

    it("deletes once and tells every node", async () => {
      const { client } = await f.registry.register(WEB_CLIENT, "dynamic");
      assert.equal(await f.registry.delete(client.clientId, "operator"), true);
      assert.equal(await f.registry.delete(client.clientId, "operator"), false);
      assert.equal(await f.registry.get(client.clientId), undefined);
      assert.deepEqual(f.events.map((e) => [e.kind, e.id, e.revokedAt]), [["client", client.clientId, f.clock.now()]]);
    });

    it("lists clients by id with a cursor", async () => {
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push((await f.registry.register(WEB_CLIENT, "operator")).client.clientId);
      ids.sort();
      assert.deepEqual((await f.registry.list({ limit: 2 })).map((c) => c.clientId), ids.slice(0, 2));
      assert.deepEqual((await f.registry.list({ limit: 2, after: ids[1] })).map((c) => c.clientId), ids.slice(2));
    });
  });

  it("resolves through DI with @inject tokens only", () => {
    const container = rootContainer.createChildContainer();
    container.register(DI.Durable, { useValue: f.durable });
    container.register(DI.Clock, { useValue: f.clock });
    container.register(DI.Random, { useValue: cryptoRandom });
    container.register(DI.Sealer, { useValue: f.sealer });
    container.register(DI.Capabilities, { useValue: CAPABILITIES });
    container.register(DI.RevocationBus, { useValue: f.bus });
    container.register(DI.Config, { useValue: f.config });
    container.register(ClientAuthenticatorsToken, { useValue: AUTHENTICATORS });
    container.register(ClientMetadataFieldsToken, { useValue: new Map() });
    container.register(PluginTokens.TrustedIssuers, { useValue: { verify: async () => assert.fail("unused") } });
    container.register(AuditRecorderToken, { useValue: recordingAudit() });
    container.registerSingleton(DI.ClientRegistry, ClientRegistryService);
    assert.ok(container.resolve(DI.ClientRegistry) instanceof ClientRegistryService);
  });
});
