import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { InitialAccessTokens } from "../../../src/core/clients/initial-access-tokens.js";
import { basic, CLIENT_CERTIFICATES_VIA_PROXY, startTestApp, type TestApp } from "../../support/test-app.js";

const CLIENT = { grant_types: ["client_credentials"], client_name: "Registered" };

describe("/register over HTTP (RFC 7591 §3, corpus 91 and 97)", () => {
  let t: TestApp;
  let token: string;
  const register = (body: string, headers: Record<string, string> = {}) =>
    fetch(`${t.publicUrl}/register`, { method: "POST", body, headers: { "content-type": "application/json", authorization: `Bearer ${token}`, ...headers } });

  before(async () => {
    t = await startTestApp(CLIENT_CERTIFICATES_VIA_PROXY);
    await t.createResource("https://api.example.test/", "api:read");
    ({ token } = await t.app.container.resolve(InitialAccessTokens).create());
  });
  after(() => t.stop());

  test("registers a client whose secret then works at /token", async () => {
    const res = await register(JSON.stringify({ ...CLIENT, client_id: "chosen" }));
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("cache-control"), "no-store");
    const body = (await res.json()) as Record<string, string>;
    assert.notEqual(body.client_id, "chosen");
    assert.equal(body.client_name, "Registered");
    const issued = await t.postForm("/token", { grant_type: "client_credentials", scope: "api:read" }, basic(body.client_id!, body.client_secret!));
    assert.equal(issued.status, 200);
  });

  test("answers 401 invalid_token with a Bearer challenge without an initial access token", async () => {
    const res = await fetch(`${t.publicUrl}/register`, { method: "POST", body: JSON.stringify(CLIENT), headers: { "content-type": "application/json" } });
    assert.equal(res.status, 401);
    assert.equal(res.headers.get("www-authenticate"), 'Bearer error="invalid_token"');
    assert.equal(((await res.json()) as { error: string }).error, "invalid_token");
  });

  test("registers dpop_bound_access_tokens (RFC 9449 §5.2) and returns it; a non-boolean is invalid_client_metadata", async () => {
    const res = await register(JSON.stringify({ ...CLIENT, dpop_bound_access_tokens: true }));
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as Record<string, unknown>).dpop_bound_access_tokens, true);
    const bad = await register(JSON.stringify({ ...CLIENT, dpop_bound_access_tokens: "yes" }));
    assert.equal(bad.status, 400);
    assert.deepEqual(await bad.json(), { error: "invalid_client_metadata", error_description: "dpop_bound_access_tokens must be a boolean" });
  });

  test("registers mutual-TLS clients and tls_client_certificate_bound_access_tokens (RFC 8705 §2.1.2, §3.4); errors name the fields", async () => {
    const mtls = { ...CLIENT, token_endpoint_auth_method: "tls_client_auth", tls_client_certificate_bound_access_tokens: true };
    const res = await register(JSON.stringify({ ...mtls, tls_client_auth_san_dns: "rp.example.com" }));
    assert.equal(res.status, 201);
    const body = (await res.json()) as Record<string, unknown>;
    assert.deepEqual([body.token_endpoint_auth_method, body.tls_client_auth_san_dns, body.tls_client_certificate_bound_access_tokens, body.client_secret], ["tls_client_auth", "rp.example.com", true, undefined]);
    const names = "tls_client_auth_subject_dn, tls_client_auth_san_dns, tls_client_auth_san_uri, tls_client_auth_san_ip, tls_client_auth_san_email";
    for (const [metadata, description] of [
      [mtls, `token_endpoint_auth_method tls_client_auth requires exactly one of ${names}`],
      [{ ...mtls, tls_client_auth_subject_dn: "CN=rp", tls_client_auth_san_email: "rp@example.com" }, `token_endpoint_auth_method tls_client_auth requires exactly one of ${names} (got tls_client_auth_subject_dn, tls_client_auth_san_email)`],
      [{ ...CLIENT, tls_client_auth_subject_dn: "CN=rp" }, "tls_client_auth_subject_dn is used only with token_endpoint_auth_method tls_client_auth"],
      [{ ...mtls, tls_client_auth_san_ip: "rp.example.com" }, "tls_client_auth_san_ip must be a subject alternative name string"],
      [{ ...CLIENT, tls_client_certificate_bound_access_tokens: "yes" }, "tls_client_certificate_bound_access_tokens must be a boolean"],
      [{ ...CLIENT, token_endpoint_auth_method: "self_signed_tls_client_auth" }, "token_endpoint_auth_method self_signed_tls_client_auth requires jwks or jwks_uri"],
    ] as const) {
      const bad = await register(JSON.stringify(metadata));
      assert.equal(bad.status, 400);
      assert.deepEqual(await bad.json(), { error: "invalid_client_metadata", error_description: description });
    }
  });

  for (const [field, value] of [
    ["id_token_encrypted_response_alg", "RSA-OAEP-256"],
  ] as const) {
    test(`refuses ${field}, a protection this server does not provide yet, naming the field (issue 8)`, async () => {
      const res = await register(JSON.stringify({ ...CLIENT, [field]: value }));
      assert.equal(res.status, 400);
      const body = (await res.json()) as { error: string; error_description: string };
      assert.equal(body.error, "invalid_client_metadata");
      assert.match(body.error_description, new RegExp(`^${field} is not supported by this server`));
    });
  }

  test("ignores metadata names it does not know (RFC 7591 §2)", async () => {
    const res = await register(JSON.stringify({ ...CLIENT, x_unknown_extension: true }));
    assert.equal(res.status, 201);
    assert.equal(((await res.json()) as Record<string, unknown>).x_unknown_extension, undefined);
  });

  test("answers 413 to a 1 MB body", async () => {
    const res = await register(JSON.stringify({ ...CLIENT, client_name: "x".repeat(1_000_000) }));
    assert.equal(res.status, 413);
  });

  for (const [name, body, headers] of [
    ["a non-JSON Content-Type", JSON.stringify(CLIENT), { "content-type": "text/plain" }],
    ["broken JSON", "{", {}],
    ["a JSON array", "[]", {}],
    ["deeply nested JSON", `${"[".repeat(20_000)}${"]".repeat(20_000)}`, {}],
  ] as const) {
    test(`answers 400 invalid_client_metadata to ${name}`, async () => {
      const res = await register(body, headers);
      assert.equal(res.status, 400);
      assert.equal(((await res.json()) as { error: string }).error, "invalid_client_metadata");
    });
  }

  test("answers 400 invalid_redirect_uri to 10k redirect_uris that fit the body limit", async () => {
    const redirect_uris = Array.from({ length: 10_000 }, () => "a");
    const res = await register(JSON.stringify({ redirect_uris }));
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, "invalid_redirect_uri");
  });

  test("serves the registration_client_uri it returns (RFC 7592)", async () => {
    const registered = (await (await register(JSON.stringify(CLIENT))).json()) as Record<string, string>;
    const read = await fetch(registered.registration_client_uri!, { headers: { authorization: `Bearer ${registered.registration_access_token}` } });
    assert.equal(read.status, 200);
    const deleted = await fetch(registered.registration_client_uri!, { method: "DELETE", headers: { authorization: `Bearer ${((await read.json()) as Record<string, string>).registration_access_token}` } });
    assert.equal(deleted.status, 204);
  });
});
