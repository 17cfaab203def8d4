import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { OPERATOR_ONLY_METADATA, parseClientMetadata } from "../../../src/core/clients/client-metadata.schema.js";
import { assertOAuthError, WEB_CLIENT } from "./registry-fixture.js";

const rejects = (raw: unknown, code: string, description?: RegExp, source: "dynamic" | "operator" = "dynamic") =>
  assert.throws(() => parseClientMetadata(raw, source), (e) => assertOAuthError(e, code, description));

describe("client metadata schema (RFC 7591 §2)", () => {
  it("fills in the three RFC 7591 defaults and nothing else", () => {
    assert.deepEqual(parseClientMetadata(WEB_CLIENT, "dynamic"), {
      redirect_uris: ["https://rp.example.com/cb"],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    });
  });

  it("defaults response_types to none when no grant type uses the authorization endpoint", () => {
    assert.deepEqual(parseClientMetadata({ grant_types: ["client_credentials"] }, "dynamic").response_types, []);
  });

  it("keeps given values as given", () => {
    const raw = { ...WEB_CLIENT, grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], application_type: "native", client_name: "Example", default_max_age: 0 };
    assert.deepEqual(parseClientMetadata(raw, "dynamic"), { ...raw, token_endpoint_auth_method: "client_secret_basic" });
  });

  it("ignores a client-chosen client_id, other server-assigned values and unknown metadata (corpus 91)", () => {
    const parsed = parseClientMetadata(
      { ...WEB_CLIENT, client_id: "admin", client_secret: "chosen", client_id_issued_at: 1, client_secret_expires_at: 1, registration_access_token: "x", registration_client_uri: "https://x", made_up: { a: 1 }, ["__proto__"]: { polluted: true } },
      "dynamic",
    );
    for (const name of ["client_id", "client_secret", "client_id_issued_at", "client_secret_expires_at", "registration_access_token", "registration_client_uri", "made_up"]) {
      assert.equal(name in parsed, false, name);
    }
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it("treats null as absent", () => {
    assert.deepEqual(parseClientMetadata({ ...WEB_CLIENT, client_name: null, token_endpoint_auth_method: null }, "dynamic").token_endpoint_auth_method, "client_secret_basic");
  });

  it("keeps Portcullis extensions from operators and drops them from dynamic registrations", () => {
    const extensions = { access_token_format: "opaque", access_token_lifetime: 60, refresh_token_lifetime: 600, client_assertion_allow_endpoint_audience: true, hooks: ["hooks.example"], require_pkce: true, skip_consent: true };
    assert.deepEqual(Object.keys(extensions).sort(), [...OPERATOR_ONLY_METADATA].sort());
    assert.deepEqual(parseClientMetadata({ ...WEB_CLIENT, ...extensions }, "operator"), { ...parseClientMetadata(WEB_CLIENT, "operator"), ...extensions });
    assert.deepEqual(parseClientMetadata({ ...WEB_CLIENT, ...extensions }, "dynamic"), parseClientMetadata(WEB_CLIENT, "dynamic"));
    rejects({ ...WEB_CLIENT, access_token_lifetime: 0 }, "invalid_client_metadata", /^access_token_lifetime must be at least 1$/, "operator");
    rejects({ ...WEB_CLIENT, require_pkce: "yes" }, "invalid_client_metadata", /^require_pkce must be a boolean$/, "operator");
  });

  it("refuses internal portcullis: scopes from dynamic registration only", () => {
    rejects({ ...WEB_CLIENT, scope: "openid portcullis:tokens.mint" }, "invalid_client_metadata", /portcullis: scopes/);
    assert.equal(parseClientMetadata({ ...WEB_CLIENT, scope: "openid portcullis:tokens.mint" }, "operator").scope, "openid portcullis:tokens.mint");
  });

  it("refuses scope values outside the scope-token syntax (RFC 6749 §3.3)", () => {
    rejects({ ...WEB_CLIENT, scope: 'openid "quoted"' }, "invalid_client_metadata", /^scope must be space-separated scope tokens/);
  });

  for (const body of [[], "text", 42, null, undefined]) {
    it(`refuses a non-object body: ${JSON.stringify(body)}`, () => rejects(body, "invalid_client_metadata", /must be a JSON object/));
  }

  describe("sizes and types", () => {
    const uris = (n: number) => Array.from({ length: n }, (_, i) => `https://rp.example.com/${i}`);
    it("accepts 100 redirect_uris", () => assert.equal(parseClientMetadata({ redirect_uris: uris(100) }, "dynamic").redirect_uris?.length, 100));
    it("refuses 101 redirect_uris", () => rejects({ redirect_uris: uris(101) }, "invalid_redirect_uri", /^redirect_uris must have at most 100 entries$/));
    it("refuses 10k redirect_uris (corpus 91)", () => rejects({ redirect_uris: uris(10_000) }, "invalid_redirect_uri", /at most 100/));
    it("refuses a redirect URI over 2000 characters", () =>
      rejects({ redirect_uris: [`https://rp.example.com/${"a".repeat(2000)}`] }, "invalid_redirect_uri", /^redirect_uris\[0\] must be at most 2000 characters$/));
    it("refuses redirect_uris that is not an array", () => rejects({ redirect_uris: "https://rp.example.com/cb" }, "invalid_redirect_uri", /^redirect_uris must be an array$/));
    it("refuses a redirect URI with whitespace", () => rejects({ redirect_uris: ["https://rp.example.com/a b"] }, "invalid_redirect_uri", /whitespace/));
    it("refuses strings over 2000 characters", () => rejects({ ...WEB_CLIENT, client_name: "n".repeat(2001) }, "invalid_client_metadata", /^client_name must be at most 2000 characters$/));
    it("refuses more than 20 contacts", () =>
      rejects({ ...WEB_CLIENT, contacts: Array.from({ length: 21 }, (_, i) => `a${i}@example.com`) }, "invalid_client_metadata", /^contacts must have at most 20 entries$/));
    it("refuses control and bidi characters that let a client_name impersonate another", () => {
      rejects({ ...WEB_CLIENT, client_name: "Bank\u202Eelgoog" }, "invalid_client_metadata", /^client_name must not contain control characters$/);
      rejects({ ...WEB_CLIENT, client_name: "a\u0000b" }, "invalid_client_metadata", /control characters/);
    });
    it("refuses an empty grant_types", () => rejects({ ...WEB_CLIENT, grant_types: [] }, "invalid_client_metadata", /^grant_types must name at least one grant type$/));
    it("names the offending element", () => rejects({ ...WEB_CLIENT, grant_types: ["authorization_code", 7] }, "invalid_client_metadata", /^grant_types\[1\] must be a string$/));
    it("refuses an unknown application_type", () => rejects({ ...WEB_CLIENT, application_type: "desktop" }, "invalid_client_metadata", /^application_type must be web or native$/));
    it("refuses a jwks that is not a JWK Set", () => rejects({ ...WEB_CLIENT, jwks: [] }, "invalid_client_metadata", /^jwks must be a JWK Set object$/));
    it("refuses a JWK without kty", () => rejects({ ...WEB_CLIENT, jwks: { keys: [{ n: "x" }] } }, "invalid_client_metadata", /^jwks\.keys\[0\]\.kty must be a string$/));
    it("refuses a negative default_max_age", () => rejects({ ...WEB_CLIENT, default_max_age: -1 }, "invalid_client_metadata", /^default_max_age must be at least 0$/));
  });
});
