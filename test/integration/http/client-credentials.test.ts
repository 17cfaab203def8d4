import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { DI } from "../../../src/core/di-tokens.js";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";

describe("client_credentials at /token (RFC 6749 §4.4, RFC 9068)", () => {
  let t: TestApp;
  let client: { client_id: string; client_secret?: string };
  const api = "https://api.example.test/";

  before(async () => {
    t = await startTestApp();
    await t.createResource(api, "api:read api:write");
    await t.createResource("https://opaque.example.test/", "opaque:read", { format: "opaque", ttl: 120 });
    client = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic" });
  });
  after(() => t.stop());

  test("issues an RFC 9068 JWT that verifies against /jwks", async () => {
    const res = await t.postForm("/token", { grant_type: "client_credentials", scope: "api:read", resource: api }, basic(client.client_id, client.client_secret!));
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.token_type, "Bearer");
    assert.equal(body.expires_in, 3600);
    assert.equal(body.scope, "api:read");
    assert.equal(body.refresh_token, undefined, "client_credentials never returns a refresh token");
    const jwks = createRemoteJWKSet(new URL(`${t.publicUrl}/jwks`));
    const { payload, protectedHeader } = await jwtVerify(body.access_token as string, jwks, { issuer: t.issuer, audience: api, typ: "at+jwt" });
    assert.equal(protectedHeader.alg, "ES256");
    assert.equal(payload.sub, client.client_id);
    assert.equal(payload.client_id, client.client_id);
    assert.equal(payload.scope, "api:read");
    assert.ok(typeof payload.jti === "string" && payload.jti.length >= 22);
    assert.equal((payload.exp as number) - (payload.iat as number), 3600);
  });

  test("infers the audience from the scope when no resource is named", async () => {
    const res = await t.postForm("/token", { grant_type: "client_credentials", scope: "api:write" }, basic(client.client_id, client.client_secret!));
    const body = (await res.json()) as { access_token: string };
    const payload = JSON.parse(Buffer.from(body.access_token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    assert.equal(payload.aud, api);
    assert.equal(decodeProtectedHeader(body.access_token).typ, "at+jwt");
  });

  test("a resource configured for opaque tokens gets a reference token with its lifetime", async () => {
    const res = await t.postForm("/token", { grant_type: "client_credentials", resource: "https://opaque.example.test/", scope: "opaque:read" }, basic(client.client_id, client.client_secret!));
    const body = (await res.json()) as { access_token: string; expires_in: number };
    assert.equal(res.status, 200);
    assert.equal(body.access_token.split(".").length, 1);
    assert.equal(body.expires_in, 120);
    const introspected = await t.postForm("/introspect", { token: body.access_token }, basic(client.client_id, client.client_secret!));
    const info = (await introspected.json()) as Record<string, unknown>;
    assert.equal(info.active, true);
    assert.equal(info.aud, "https://opaque.example.test/");
  });

  test("per-client format and lifetime override the defaults", async () => {
    const custom = await t.createClient({ grant_types: ["client_credentials"], access_token_format: "opaque", access_token_lifetime: 300 });
    const res = await t.postForm("/token", { grant_type: "client_credentials" }, basic(custom.client_id, custom.client_secret!));
    const body = (await res.json()) as { access_token: string; expires_in: number };
    assert.equal(body.expires_in, 300);
    assert.equal(body.access_token.split(".").length, 1);
  });

  test("a client registered with scope metadata may request only those scopes", async () => {
    const limited = await t.createClient({ grant_types: ["client_credentials"], scope: "api:read" });
    const ok = await t.postForm("/token", { grant_type: "client_credentials", scope: "api:read" }, basic(limited.client_id, limited.client_secret!));
    assert.equal(ok.status, 200);
    const denied = await t.postForm("/token", { grant_type: "client_credentials", scope: "api:write" }, basic(limited.client_id, limited.client_secret!));
    assert.equal(denied.status, 400);
    assert.equal(((await denied.json()) as { error: string }).error, "invalid_scope");
  });

  test("client_secret_post authenticates with body credentials", async () => {
    const post = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_post" });
    const res = await t.postForm("/token", { grant_type: "client_credentials", client_id: post.client_id, client_secret: post.client_secret! });
    assert.equal(res.status, 200);
  });
});

describe("deleting a client", () => {
  test("its access tokens become inactive at once", async () => {
    const t = await startTestApp();
    try {
      const doomed = await t.createClient({ grant_types: ["client_credentials"] });
      const rs = await t.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
      const token = ((await (await t.postForm("/token", { grant_type: "client_credentials" }, basic(doomed.client_id, doomed.client_secret!))).json()) as { access_token: string }).access_token;
      const introspect = async () => ((await (await t.postForm("/introspect", { token }, basic(rs.client_id, rs.client_secret!))).json()) as { active: boolean }).active;
      assert.equal(await introspect(), true);
      assert.equal(await t.app.container.resolve(DI.ClientRegistry).delete(doomed.client_id, "operator"), true);
      assert.equal(await introspect(), false);
    } finally {
      await t.stop();
    }
  });
});
