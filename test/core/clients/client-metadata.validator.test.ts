import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseClientMetadata } from "../../../src/core/clients/client-metadata.schema.js";
import { validateClientMetadata } from "../../../src/core/clients/client-metadata.validator.js";
import { assertOAuthError, AUTHENTICATORS, CAPABILITIES, WEB_CLIENT } from "./registry-fixture.js";

const context = (allowPrivateHosts = false, capabilities = CAPABILITIES) => ({ capabilities, allowPrivateHosts, authenticators: AUTHENTICATORS, fields: new Map() });
const validate = (raw: Record<string, unknown>, allowPrivateHosts = false) => validateClientMetadata(parseClientMetadata(raw, "dynamic"), context(allowPrivateHosts));
const accepts = (raw: Record<string, unknown>, allowPrivateHosts = false) => assert.doesNotThrow(() => validate(raw, allowPrivateHosts));
const rejects = (raw: Record<string, unknown>, code: string, description: RegExp) => assert.throws(() => validate(raw), (e) => assertOAuthError(e, code, description));

const PUBLIC_EC_KEY = { kty: "EC", crv: "P-256", x: "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", y: "x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0", kid: "k1" };
const PRIVATE_KEY_JWT = { ...WEB_CLIENT, token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [PUBLIC_EC_KEY] } };

describe("redirect URIs (RFC 7591 §2, RFC 8252 §7, corpus 87)", () => {
  it("accepts https, and http on the loopback hosts for development", () => {
    accepts({ redirect_uris: ["https://rp.example.com/cb?x=1", "http://127.0.0.1:8080/cb", "http://[::1]/cb", "http://localhost:3000/cb"] });
  });

  for (const uri of ["https://rp.example.com/cb#frag", "https://rp.example.com/cb#"]) {
    it(`refuses a fragment: ${uri}`, () => rejects({ redirect_uris: [uri] }, "invalid_redirect_uri", /^redirect_uris\[0\] must not contain a fragment$/));
  }

  for (const uri of ["http://rp.example.com/cb", "http://127.0.0.2/cb", "http://10.0.0.1/cb"]) {
    it(`refuses http on a non-loopback host: ${uri}`, () => rejects({ redirect_uris: [uri] }, "invalid_redirect_uri", /may use http only on a loopback host/));
  }

  for (const uri of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)"]) {
    it(`refuses script schemes: ${uri}`, () => {
      rejects({ redirect_uris: ["https://rp.example.com/cb", uri] }, "invalid_redirect_uri", /^redirect_uris\[1\] must not use the (javascript|data|vbscript): scheme$/);
      rejects({ redirect_uris: [uri], application_type: "native" }, "invalid_redirect_uri", /must not use the/);
    });
  }

  it("refuses a relative URI", () => rejects({ redirect_uris: ["/cb"] }, "invalid_redirect_uri", /^redirect_uris\[0\] is not an absolute URI$/));
  it("refuses private-use schemes for web clients", () => rejects({ redirect_uris: ["com.example.app:/cb"] }, "invalid_redirect_uri", /^redirect_uris\[0\] must use https$/));

  it("accepts reverse-domain private-use schemes, http loopback and https for native apps (RFC 8252 §7.1–7.3)", () => {
    accepts({ application_type: "native", redirect_uris: ["com.example.app:/oauth2redirect", "http://127.0.0.1:53124/cb", "https://app.example.com/cb"] });
  });
  it("refuses a private-use scheme that is not a reversed domain", () =>
    rejects({ application_type: "native", redirect_uris: ["myapp:/cb"] }, "invalid_redirect_uri", /reverse-domain private-use scheme/));
  it("refuses http on a non-loopback host for native apps", () =>
    rejects({ application_type: "native", redirect_uris: ["http://app.example.com/cb"] }, "invalid_redirect_uri", /loopback/));

  it("requires redirect_uris for authorization_code and implicit", () => {
    rejects({}, "invalid_redirect_uri", /^redirect_uris is required for the authorization_code and implicit grant types$/);
    rejects({ redirect_uris: [] }, "invalid_redirect_uri", /required/);
    rejects({ grant_types: ["implicit"], response_types: ["id_token"] }, "invalid_redirect_uri", /required/);
    accepts({ grant_types: ["client_credentials"] });
  });

  it("applies the same rules to post-logout and front-channel logout URIs", () => {
    rejects({ ...WEB_CLIENT, post_logout_redirect_uris: ["https://rp.example.com/bye#x"] }, "invalid_client_metadata", /^post_logout_redirect_uris\[0\] must not contain a fragment$/);
    accepts({ ...WEB_CLIENT, post_logout_redirect_uris: ["https://rp.example.com/bye"] });
    rejects({ ...WEB_CLIENT, backchannel_logout_uri: "https://rp.example.com/bc#x" }, "invalid_client_metadata", /^backchannel_logout_uri must not contain a fragment$/);
    rejects({ ...WEB_CLIENT, backchannel_logout_uri: "http://rp.example.com/bc" }, "invalid_client_metadata", /^backchannel_logout_uri must be an https URL$/);
    accepts({ ...WEB_CLIENT, backchannel_logout_uri: "https://rp.example.com/bc?tenant=1" });
  });
});

describe("URLs the server fetches or shows (corpus 88)", () => {
  const fields = ["jwks_uri", "sector_identifier_uri", "logo_uri", "client_uri", "policy_uri", "tos_uri", "backchannel_logout_uri", "initiate_login_uri"];
  const internal = [
    "https://127.0.0.1/x",
    "https://[::1]/x",
    "https://10.1.2.3/x",
    "https://169.254.169.254/latest/meta-data/",
    "https://2130706433/x",
    "https://0x7f.1/x",
    "https://[::ffff:127.0.0.1]/x",
    "https://192.168.1.1/x",
    "https://[fd00::1]/x",
    "https://localhost/x",
    "https://svc.localhost./x",
  ];
  const metadataWith = (field: string, url: string) => (field === "jwks_uri" ? { ...PRIVATE_KEY_JWT, jwks: undefined, jwks_uri: url } : { ...WEB_CLIENT, [field]: url });

  for (const field of fields) {
    it(`${field}: refuses loopback, private, link-local and obfuscated literal hosts`, () => {
      for (const url of internal) {
        assert.throws(() => validate(metadataWith(field, url)), (e) => assertOAuthError(e, "invalid_client_metadata", new RegExp(`^${field} must not point at a loopback`)), url);
      }
    });
    it(`${field}: refuses non-https URLs`, () => {
      for (const url of ["http://rp.example.com/x", "ftp://rp.example.com/x", "file:///etc/passwd"]) {
        assert.throws(() => validate(metadataWith(field, url)), (e) => assertOAuthError(e, "invalid_client_metadata", new RegExp(`^${field} must be an https URL$`)), url);
      }
    });
    it(`${field}: accepts a public https URL`, () => accepts(metadataWith(field, "https://rp.example.com/x")));
  }

  it("checks every request_uris entry", () => {
    rejects({ ...WEB_CLIENT, request_uris: ["https://rp.example.com/r#hash", "https://169.254.169.254/r"] }, "invalid_client_metadata", /^request_uris\[1\] must not point at a loopback/);
    rejects({ ...WEB_CLIENT, request_uris: ["http://rp.example.com/r"] }, "invalid_client_metadata", /^request_uris\[0\] must be an https URL$/);
    rejects({ ...WEB_CLIENT, logo_uri: "not-a-url" }, "invalid_client_metadata", /^logo_uri is not an absolute URL$/);
  });

  it("allows loopback and private hosts, over http too, when FETCH_ALLOW_PRIVATE is set (development only)", () => {
    accepts({ ...WEB_CLIENT, logo_uri: "http://127.0.0.1:8080/logo.png", request_uris: ["https://10.0.0.1/r"] }, true);
    assert.throws(() => validate({ ...WEB_CLIENT, logo_uri: "http://rp.example.com/logo.png" }, true), (e) => assertOAuthError(e, "invalid_client_metadata", /https/));
  });
});

describe("grant types, response types and auth methods (RFC 7591 §2.1, corpus 89)", () => {
  it("refuses a grant type the server does not support", () =>
    rejects({ ...WEB_CLIENT, grant_types: ["authorization_code", "password"] }, "invalid_client_metadata", /^grant type password is not supported$/));
  it("refuses a response type the server does not support", () =>
    rejects({ ...WEB_CLIENT, response_types: ["code", "code unknown"] }, "invalid_client_metadata", /^response type code unknown is not supported$/));
  it("matches response types regardless of value order", () =>
    accepts({ ...WEB_CLIENT, grant_types: ["authorization_code", "implicit"], response_types: ["id_token code"] }));
  it("refuses code without authorization_code", () =>
    rejects({ ...WEB_CLIENT, grant_types: ["implicit"], response_types: ["code", "id_token"] }, "invalid_client_metadata", /^response type code requires the authorization_code grant type$/));
  it("refuses token or id_token without implicit", () => {
    rejects({ ...WEB_CLIENT, response_types: ["code id_token"] }, "invalid_client_metadata", /^response type code id_token requires the implicit grant type$/);
    rejects({ ...WEB_CLIENT, response_types: ["code", "token"] }, "invalid_client_metadata", /^response type token requires the implicit grant type$/);
  });
  it("refuses authorization_code without a code response type", () =>
    rejects({ ...WEB_CLIENT, grant_types: ["authorization_code", "implicit"], response_types: ["id_token"] }, "invalid_client_metadata", /^grant type authorization_code requires a response type containing code$/));
  it("refuses implicit without a token or id_token response type", () =>
    rejects({ ...WEB_CLIENT, grant_types: ["authorization_code", "implicit"], response_types: ["code"] }, "invalid_client_metadata", /^grant type implicit requires a response type containing token or id_token$/));
  it("refuses a response type with grant types that use no authorization endpoint", () =>
    rejects({ grant_types: ["client_credentials"], response_types: ["code"] }, "invalid_client_metadata", /requires the authorization_code grant type/));
  it("refuses refresh_token alone", () =>
    rejects({ grant_types: ["refresh_token"] }, "invalid_client_metadata", /^grant type refresh_token needs a grant type that issues refresh tokens$/));
  it("refuses an auth method the server does not support", () =>
    rejects({ ...WEB_CLIENT, token_endpoint_auth_method: "client_secret_digest" }, "invalid_client_metadata", /^token_endpoint_auth_method client_secret_digest is not supported$/));
  it("refuses client_credentials for a public client", () =>
    rejects({ grant_types: ["client_credentials"], token_endpoint_auth_method: "none" }, "invalid_client_metadata", /client_credentials requires client authentication/));
  it("accepts public clients for the authorization code grant", () => accepts({ ...WEB_CLIENT, token_endpoint_auth_method: "none" }));
});

describe("client keys (RFC 7591 §2, RFC 8705 §2)", () => {
  it("refuses both jwks and jwks_uri", () =>
    rejects({ ...PRIVATE_KEY_JWT, jwks_uri: "https://rp.example.com/jwks" }, "invalid_client_metadata", /^jwks and jwks_uri must not both be present$/));
  it("requires jwks or jwks_uri for private_key_jwt (the plugin's rule)", () => {
    rejects({ ...WEB_CLIENT, token_endpoint_auth_method: "private_key_jwt" }, "invalid_client_metadata", /^token_endpoint_auth_method private_key_jwt requires jwks or jwks_uri$/);
    accepts(PRIVATE_KEY_JWT);
    accepts({ ...WEB_CLIENT, token_endpoint_auth_method: "private_key_jwt", jwks_uri: "https://rp.example.com/jwks" });
  });
  it("refuses private keys in jwks", () => {
    rejects({ ...PRIVATE_KEY_JWT, jwks: { keys: [PUBLIC_EC_KEY, { ...PUBLIC_EC_KEY, d: "secret" }] } }, "invalid_client_metadata", /^jwks\.keys\[1\] must be a public key \(it has the private member d\)$/);
    rejects({ ...PRIVATE_KEY_JWT, jwks: { keys: [{ kty: "oct", k: "c2VjcmV0" }] } }, "invalid_client_metadata", /private member k/);
  });
  it("refuses the tls_client_auth metadata while no plugin owns it (the tls-client-auth plugin disabled)", () => {
    rejects({ ...WEB_CLIENT, tls_client_auth_san_dns: "rp.example.com" }, "invalid_client_metadata", /^tls_client_auth_san_dns is not supported by this server: it has no mutual-TLS client authentication \(RFC 8705\)$/);
  });
  it("runs the mutual-TLS methods' own rules (their plugins')", () => {
    rejects({ ...WEB_CLIENT, token_endpoint_auth_method: "tls_client_auth" }, "invalid_client_metadata", /^token_endpoint_auth_method tls_client_auth requires exactly one of tls_client_auth_subject_dn, /);
    rejects({ ...WEB_CLIENT, token_endpoint_auth_method: "self_signed_tls_client_auth" }, "invalid_client_metadata", /^token_endpoint_auth_method self_signed_tls_client_auth requires jwks or jwks_uri$/);
  });
  it("tls_client_certificate_bound_access_tokens excludes response types returning access tokens from the front channel (RFC 8705 §3)", () => {
    rejects({ ...WEB_CLIENT, grant_types: ["authorization_code", "implicit"], response_types: ["code token"], tls_client_certificate_bound_access_tokens: true }, "invalid_client_metadata", /^response type code token returns Bearer access tokens, which tls_client_certificate_bound_access_tokens excludes$/);
    accepts({ ...WEB_CLIENT, tls_client_certificate_bound_access_tokens: true });
  });
  it("tls_client_certificate_bound_access_tokens needs a server that receives client certificates", () => {
    const withoutMtls = { ...context(), capabilities: { ...CAPABILITIES, clientCertificates: false } };
    assert.throws(() => validateClientMetadata(parseClientMetadata({ ...WEB_CLIENT, tls_client_certificate_bound_access_tokens: true }, "dynamic"), withoutMtls), {
      error: "invalid_client_metadata",
      description: "tls_client_certificate_bound_access_tokens needs mutual TLS, which this server does not offer",
    });
  });
});

describe("signing algorithms (OIDC Registration §2)", () => {
  it("accepts the server's signing algs", () =>
    accepts({ ...WEB_CLIENT, id_token_signed_response_alg: "ES256", userinfo_signed_response_alg: "RS256", authorization_signed_response_alg: "ES256", request_object_signing_alg: "RS256" }));
  for (const field of ["id_token_signed_response_alg", "userinfo_signed_response_alg", "authorization_signed_response_alg", "request_object_signing_alg"]) {
    it(`refuses an unsupported ${field}`, () => {
      rejects({ ...WEB_CLIENT, [field]: "HS256" }, "invalid_client_metadata", new RegExp(`^${field} HS256 is not supported$`));
      if (field !== "id_token_signed_response_alg") rejects({ ...WEB_CLIENT, [field]: "none" }, "invalid_client_metadata", new RegExp(`^${field} none is not supported$`));
    });
  }
  it("accepts any asymmetric request_object_signing_alg the server verifies, even without a signing key of that alg (RFC 9101 §6.1)", () => {
    accepts({ ...WEB_CLIENT, request_object_signing_alg: "PS256" });
    rejects({ ...WEB_CLIENT, id_token_signed_response_alg: "PS256" }, "invalid_client_metadata", /^id_token_signed_response_alg PS256 is not supported$/);
  });
  it("allows unsigned ID tokens only when response_types is code (corpus K65)", () => {
    accepts({ ...WEB_CLIENT, id_token_signed_response_alg: "none" });
    rejects({ grant_types: ["client_credentials"], id_token_signed_response_alg: "none" }, "invalid_client_metadata", /^id_token_signed_response_alg none is not supported$/);
    rejects(
      { ...WEB_CLIENT, grant_types: ["authorization_code", "implicit"], response_types: ["code", "code id_token"], id_token_signed_response_alg: "none" },
      "invalid_client_metadata",
      /^id_token_signed_response_alg none is not supported$/,
    );
  });
  it("refuses unsigned ID tokens while the operator has not enabled them (the default)", () => {
    const strict = { ...CAPABILITIES, unsignedIdTokens: false };
    assert.throws(
      () => validateClientMetadata(parseClientMetadata({ ...WEB_CLIENT, id_token_signed_response_alg: "none" }, "dynamic"), context(false, strict)),
      (e) => assertOAuthError(e, "invalid_client_metadata", /^id_token_signed_response_alg none: unsigned ID tokens are not enabled on this server$/),
    );
  });
  it("matches token_endpoint_auth_signing_alg to the auth method", () => {
    accepts({ ...WEB_CLIENT, token_endpoint_auth_method: "client_secret_jwt", token_endpoint_auth_signing_alg: "HS256" });
    accepts({ ...PRIVATE_KEY_JWT, token_endpoint_auth_signing_alg: "ES256" });
    rejects({ ...WEB_CLIENT, token_endpoint_auth_method: "client_secret_jwt", token_endpoint_auth_signing_alg: "RS256" }, "invalid_client_metadata", /^token_endpoint_auth_signing_alg RS256 is not supported for client_secret_jwt$/);
    rejects({ ...PRIVATE_KEY_JWT, token_endpoint_auth_signing_alg: "HS256" }, "invalid_client_metadata", /HS256 is not supported for private_key_jwt/);
    rejects({ ...PRIVATE_KEY_JWT, token_endpoint_auth_signing_alg: "none" }, "invalid_client_metadata", /none is not supported/);
  });
});

describe("pairwise subjects (OIDC Core §8.1)", () => {
  it("accepts pairwise when the redirect URIs share one host, or with a sector_identifier_uri", () => {
    accepts({ redirect_uris: ["https://rp.example.com/cb", "https://rp.example.com/cb2"], subject_type: "pairwise" });
    accepts({ redirect_uris: ["https://a.example.com/cb", "https://b.example.com/cb"], subject_type: "pairwise", sector_identifier_uri: "https://rp.example.com/sector.json" });
  });
  it("refuses pairwise when the redirect URIs span several hosts and there is no sector_identifier_uri", () => {
    const expected = /^subject_type pairwise requires sector_identifier_uri when redirect_uris do not share one host$/;
    rejects({ redirect_uris: ["https://a.example.com/cb", "https://b.example.com/cb"], subject_type: "pairwise" }, "invalid_client_metadata", expected);
    rejects({ grant_types: ["client_credentials"], subject_type: "pairwise" }, "invalid_client_metadata", expected);
    accepts({ redirect_uris: ["https://a.example.com/cb", "https://b.example.com/cb"], subject_type: "public" });
  });
});
