import "reflect-metadata";
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { digestMatches } from "../../../src/core/security/digest.js";
import { RegisterManagementEndpoint } from "../../../src/transport/http/endpoints/register-management.endpoint.js";
import { assertOAuthError, ISSUER, openRegistryFixture, WEB_CLIENT, type RegistryFixture } from "../../core/clients/registry-fixture.js";
import { assertInvalidToken, endpointRequest } from "./registration-requests.js";

describe("/register/<client_id> (RFC 7592)", () => {
  let f: RegistryFixture;
  let endpoint: RegisterManagementEndpoint;
  let clientId: string;
  let token: string;
  const call = (method: string, options: { json?: unknown; id?: string; bearer?: string } = {}) =>
    endpoint.handle(endpointRequest(method, `/register/${options.id ?? clientId}`, { json: options.json, authorization: `Bearer ${options.bearer ?? token}` }));

  beforeEach(async () => {
    f = await openRegistryFixture();
    endpoint = new RegisterManagementEndpoint(f.config, f.registry);
    const registered = await f.registry.register(WEB_CLIENT, "dynamic");
    clientId = registered.client.clientId;
    token = registered.registrationAccessToken!;
  });
  afterEach(() => f.close());

  it("declares GET, PUT with a JSON body and DELETE under /register/", () => {
    assert.equal(endpoint.path, "/register/*");
    assert.deepEqual(endpoint.methods, ["GET", "PUT", "DELETE"]);
    assert.deepEqual(endpoint.body, { PUT: "json" });
  });

  describe("read (§2.1)", () => {
    it("answers the client information with a new registration access token; the old one stops working", async () => {
      const response = await call("GET");
      const body = response.body as Record<string, unknown>;
      assert.equal(response.status, 200);
      assert.equal(response.headers?.["cache-control"], "no-store");
      assert.equal(body.client_id, clientId);
      assert.equal(body.registration_client_uri, `${ISSUER}/register/${clientId}`);
      assert.equal(body.client_secret, undefined);
      assert.equal(body.client_secret_expires_at, 0);
      assert.notEqual(body.registration_access_token, token);
      await assert.rejects(call("GET"), assertInvalidToken);
      assert.equal((await call("GET", { bearer: String(body.registration_access_token) })).status, 200);
    });

    it("answers 401 for a missing or wrong token", async () => {
      await assert.rejects(endpoint.handle(endpointRequest("GET", `/register/${clientId}`)), assertInvalidToken);
      await assert.rejects(call("GET", { bearer: `${token}x` }), assertInvalidToken);
    });

    it("answers 401 for client A's token on client B's URI (corpus 92)", async () => {
      const other = await f.registry.register(WEB_CLIENT, "dynamic");
      await assert.rejects(call("GET", { id: other.client.clientId }), assertInvalidToken);
      await assert.rejects(call("DELETE", { id: other.client.clientId }), assertInvalidToken);
      assert.ok(await f.registry.get(other.client.clientId));
    });

    it("answers 401 for unknown clients, operator clients and malformed paths", async () => {
      const operator = await f.registry.register(WEB_CLIENT, "operator");
      for (const id of ["unknown", operator.client.clientId, "", `${clientId}/extra`, "%E0%A4%A"]) {
        await assert.rejects(call("GET", { id }), assertInvalidToken, id);
      }
    });

    it("finds the client id under an issuer with a path", async () => {
      const tenant = await openRegistryFixture({ settings: { issuer: "https://as.example.com/tenant-a" } });
      try {
        const registered = await tenant.registry.register(WEB_CLIENT, "dynamic");
        const tenantEndpoint = new RegisterManagementEndpoint(tenant.config, tenant.registry);
        const path = `/register/${registered.client.clientId}`;
        const request = endpointRequest("GET", path, { issuer: tenant.config.issuer, authorization: `Bearer ${registered.registrationAccessToken}` });
        const response = await tenantEndpoint.handle(request);
        assert.equal((response.body as Record<string, unknown>).registration_client_uri, `https://as.example.com/tenant-a${path}`);
      } finally {
        await tenant.close();
      }
    });
  });

  describe("update (§2.2)", () => {
    it("replaces the metadata and answers with a new registration access token", async () => {
      const response = await call("PUT", { json: { client_id: clientId, redirect_uris: ["https://rp.example.com/new"], client_name: "New" } });
      const body = response.body as Record<string, unknown>;
      assert.equal(response.status, 200);
      assert.deepEqual(body.redirect_uris, ["https://rp.example.com/new"]);
      assert.equal(body.client_name, "New");
      assert.equal(body.client_secret, undefined);
      const stored = (await f.registry.get(clientId))!;
      assert.ok(digestMatches(String(body.registration_access_token), stored.registrationTokenDigest!));
      assert.equal(digestMatches(token, stored.registrationTokenDigest!), false);
    });

    it("refuses a changed or missing client_id (corpus 92)", async () => {
      await assert.rejects(call("PUT", { json: { ...WEB_CLIENT, client_id: "other" } }), (e) => assertOAuthError(e, "invalid_client_metadata", /^client_id must be the registered client_id$/));
      await assert.rejects(call("PUT", { json: WEB_CLIENT }), (e) => assertOAuthError(e, "invalid_client_metadata", /client_id/));
    });

    it("refuses an invalid redirect URI and keeps the client as it was (corpus 92)", async () => {
      const before = await f.registry.get(clientId);
      await assert.rejects(call("PUT", { json: { client_id: clientId, redirect_uris: ["https://rp.example.com/cb#x"] } }), (e) => assertOAuthError(e, "invalid_redirect_uri"));
      assert.deepEqual(await f.registry.get(clientId), before);
    });

    it("checks a client_secret sent with the update", async () => {
      const { clientSecret } = await f.registry.rotateSecret(clientId, "operator");
      await assert.rejects(call("PUT", { json: { ...WEB_CLIENT, client_id: clientId, client_secret: "wrong" } }), (e) => assertOAuthError(e, "invalid_client_metadata", /client_secret/));
      assert.equal((await call("PUT", { json: { ...WEB_CLIENT, client_id: clientId, client_secret: clientSecret } })).status, 200);
    });

    it("issues a secret when the new auth method needs one the client lacks", async () => {
      const body = (await call("PUT", { json: { ...WEB_CLIENT, client_id: clientId, token_endpoint_auth_method: "client_secret_jwt" } })).body as Record<string, unknown>;
      const stored = (await f.registry.get(clientId))!;
      assert.match(String(body.client_secret), /^[A-Za-z0-9_-]{43}$/);
      assert.equal(f.sealer.unseal(stored.secretSealed!, clientId), body.client_secret);
      assert.ok(digestMatches(String(body.registration_access_token), stored.registrationTokenDigest!));
    });

    it("refuses a non-object body", async () => {
      await assert.rejects(call("PUT", { json: [] }), (e) => assertOAuthError(e, "invalid_client_metadata", /JSON object/));
    });
  });

  describe("delete (§2.3)", () => {
    it("answers 204, then 401 to the same token (corpus 92)", async () => {
      const response = await call("DELETE");
      assert.equal(response.status, 204);
      assert.equal(response.body, undefined);
      assert.equal(await f.registry.get(clientId), undefined);
      assert.deepEqual(f.events.map((e) => [e.kind, e.id]), [["client", clientId]]);
      await assert.rejects(call("GET"), assertInvalidToken);
      await assert.rejects(call("DELETE"), assertInvalidToken);
    });
  });
});
