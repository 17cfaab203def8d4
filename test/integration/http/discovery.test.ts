import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { CLIENT_CERTIFICATES_VIA_PROXY, startTestApp, type TestApp } from "../../support/test-app.js";

/** RFC 8414 / OIDC Discovery metadata reflects what is actually enabled and registered. */
describe("discovery metadata", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ disabledPlugins: "client-auth.client-secret-jwt,grants.refresh-token" });
    await t.createResource("https://api.example.test/", "api:read api:write");
  });
  after(() => t.stop());

  const metadata = async (path: string) => {
    const res = await fetch(`${t.publicUrl}${path}`);
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  };

  test("lists only enabled grants and auth methods, and registered resources' scopes", async () => {
    const oauth = await metadata("/.well-known/oauth-authorization-server");
    assert.equal(oauth.issuer, t.issuer);
    assert.deepEqual(oauth.grant_types_supported, ["authorization_code", "client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:jwt-bearer", "urn:ietf:params:oauth:grant-type:device_code", "implicit"]);
    assert.deepEqual(oauth.token_endpoint_auth_methods_supported, ["client_secret_basic", "client_secret_post", "private_key_jwt", "none", "attest_jwt_client_auth"]);
    assert.equal(oauth.tls_client_certificate_bound_access_tokens, undefined, "no client certificates reach this server (RFC 8705 §3.3: false)");
    assert.ok(!(oauth.token_endpoint_auth_signing_alg_values_supported as string[]).includes("HS256"), "no HMAC without client_secret_jwt");
    assert.deepEqual(oauth.introspection_endpoint_auth_methods_supported, ["client_secret_basic", "client_secret_post", "private_key_jwt", "attest_jwt_client_auth"]);
    for (const scope of ["openid", "api:read", "api:write"]) assert.ok((oauth.scopes_supported as string[]).includes(scope), scope);
    for (const endpoint of ["token_endpoint", "jwks_uri", "registration_endpoint", "introspection_endpoint", "revocation_endpoint", "device_authorization_endpoint", "challenge_endpoint"]) {
      assert.ok(String(oauth[endpoint]).startsWith(`${t.issuer}/`), endpoint);
    }
  });

  test("publishes the DPoP proof algs (RFC 9449 §5.1): asymmetric only", async () => {
    for (const path of ["/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"]) {
      assert.deepEqual((await metadata(path)).dpop_signing_alg_values_supported, ["ES256", "ES384", "ES512", "PS256", "PS384", "PS512", "RS256", "RS384", "RS512", "EdDSA", "Ed25519"]);
    }
  });

  test("the OpenID configuration adds the OpenID members; RS256 is listed for ID tokens", async () => {
    const openid = await metadata("/.well-known/openid-configuration");
    assert.deepEqual(openid.subject_types_supported, ["public", "pairwise"]);
    assert.ok((openid.id_token_signing_alg_values_supported as string[]).includes("RS256"));
    assert.deepEqual(openid.grant_types_supported, ["authorization_code", "client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:jwt-bearer", "urn:ietf:params:oauth:grant-type:device_code", "implicit"]);
  });

  test("/jwks publishes public keys only, one per configured alg", async () => {
    const res = await fetch(`${t.publicUrl}/jwks`);
    assert.match(res.headers.get("content-type") ?? "", /application\/jwk-set\+json/);
    const { keys } = (await res.json()) as { keys: Record<string, unknown>[] };
    assert.deepEqual(keys.map((k) => k.alg).sort(), ["ES256", "RS256"]);
    for (const key of keys) for (const member of ["d", "p", "q", "dp", "dq", "qi"]) assert.equal(key[member], undefined);
  });

  test("offers the mutual-TLS methods and certificate-bound tokens only where client certificates arrive (RFC 8705 §2, §3.3)", async () => {
    await assert.rejects(t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "tls_client_auth", tls_client_auth_san_dns: "rp.example.com" }), {
      error: "invalid_client_metadata",
      description: "token_endpoint_auth_method tls_client_auth is not supported",
    });
    await assert.rejects(t.createClient({ grant_types: ["client_credentials"], tls_client_certificate_bound_access_tokens: true }), {
      description: "tls_client_certificate_bound_access_tokens needs mutual TLS, which this server does not offer",
    });
    const mtls = await startTestApp(CLIENT_CERTIFICATES_VIA_PROXY);
    try {
      const offered = (await (await fetch(`${mtls.publicUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
      assert.deepEqual((offered.token_endpoint_auth_methods_supported as string[]).slice(-2), ["tls_client_auth", "self_signed_tls_client_auth"]);
      assert.equal(offered.tls_client_certificate_bound_access_tokens, true);
    } finally {
      await mtls.stop();
    }
  });
});
