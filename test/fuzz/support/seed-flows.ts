import { AuthorizationCodeService } from "../../../src/core/codes/authorization-code.service.js";
import { TrustedIssuerService } from "../../../src/core/trust/trusted-issuer.service.js";
import { UserService } from "../../../src/core/users/user.service.js";
import { DpopTestKey } from "../../support/dpop.js";
import { basic, type TestApp } from "../../support/test-app.js";

export const REDIRECT = "https://app.example.test/cb";
export const API = "https://api.example.test/";
// RFC 7636 Appendix B.
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const CODES_PER_CLIENT = 25;
const KID = "fuzz-client-key";
const IDP = "https://idp.fuzz.example";

/** Valid material a fuzzer mutates, so its requests reach deep code and not only the first validation. */
export interface Seeds {
  /** Valid values by parameter name (client ids, codes, refresh tokens, request URIs, device and user codes …). */
  values: Record<string, string[]>;
  /** Valid JWTs: access and ID tokens, a client assertion, a DPoP proof, a request object. */
  jwts: string[];
  /** JWTs the fuzzer can re-sign after mutating them (so claim checks behind the signature are reached too). */
  signed: SignedJwtSeed[];
  /** Valid Authorization header values: Basic, Bearer and DPoP. */
  authorizations: string[];
  /** Concrete paths below prefixed routes ("/register/<id>", "/interaction/<id>"). */
  paths: string[];
  /** Valid requests, one or more per flow, for the fuzzer to mutate a little (deep code) rather than build from nothing. */
  templates: RequestTemplate[];
}

/** A JWT whose signing key the fuzzer holds: a client assertion, a request object, a DPoP proof. */
export interface SignedJwtSeed {
  /** Where it goes: the form parameter or (lower-cased) header that carries it. */
  role: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  sign(header: Record<string, unknown>, claims: Record<string, unknown>): string;
}

/** A valid request: form parameters go in the query for GET and in the body otherwise; `json` replaces the body. */
export interface RequestTemplate {
  method: string;
  path: string;
  params: [string, string][];
  headers: [string, string][];
  json?: unknown;
}

type Json = Record<string, string>;

/**
 * Registers the cast (a confidential, a client_secret_post, a public and a private_key_jwt client, a user, an API) and
 * runs the cheap flows once: codes, a token set with a refresh token, PAR, device authorization, registration.
 */
export async function plantSeeds(t: TestApp, nowMs: number): Promise<Seeds> {
  await t.createResource(API, "api:read api:write");
  const alice = await t.app.container.resolve(UserService).create({ username: "alice", password: "alice-password-1", email: "alice@example.test" });
  const web = { redirect_uris: [REDIRECT], post_logout_redirect_uris: [REDIRECT], response_types: ["code"], scope: "openid profile email offline_access api:read api:write" };
  const grants = ["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:jwt-bearer"];
  const confidential = await t.createClient({ ...web, grant_types: grants, token_endpoint_auth_method: "client_secret_basic", token_exchange: { audiences: [API], delegation: true } });
  const bodySecret = await t.createClient({ ...web, grant_types: grants, token_endpoint_auth_method: "client_secret_post" });
  const pub = await t.createClient({ ...web, grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"], token_endpoint_auth_method: "none", authorization_challenge_allowed: true, skip_consent: true });
  const key = new DpopTestKey("ES256");
  const keyed = await t.createClient({ ...web, grant_types: ["client_credentials", "authorization_code"], token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [{ ...key.jwk, kid: KID }] } });
  const secretHeaders = basic(confidential.client_id, confidential.client_secret!);
  const secretAuth = secretHeaders.authorization!;

  const codes = t.app.container.resolve(AuthorizationCodeService);
  const issue = (clientId: string, scopes: string[]) =>
    codes.issue({ clientId, redirectUri: REDIRECT, subject: alice.id, scopes, resources: [API], codeChallenge: CHALLENGE, codeChallengeMethod: "S256" });
  const codeValues: string[] = [];
  for (const client of [confidential, pub]) for (let i = 0; i < CODES_PER_CLIENT; i++) codeValues.push(await issue(client.client_id, ["openid", "offline_access", "api:read"]));

  // Three grants: the refresh and revocation templates end theirs, the first stays usable for userinfo and introspection.
  const redeem = async () => (await (await t.postForm("/token", { grant_type: "authorization_code", code: codeValues.shift()!, redirect_uri: REDIRECT, code_verifier: VERIFIER }, secretHeaders)).json()) as Json;
  const [tokenSet, refreshSet, revokeSet] = [await redeem(), await redeem(), await redeem()];
  const clientToken = (await (await t.postForm("/token", { grant_type: "client_credentials", scope: "api:read" }, secretHeaders)).json()) as Json;
  const par = (await (await t.postForm("/par", { response_type: "code", redirect_uri: REDIRECT, scope: "openid api:read", code_challenge: CHALLENGE, code_challenge_method: "S256", state: "s1" }, secretHeaders)).json()) as Json;
  const device = (await (await t.postForm("/device_authorization", { client_id: pub.client_id, scope: "openid" })).json()) as Json;
  const registered = (await (await fetch(`${t.publicUrl}/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ redirect_uris: [REDIRECT] }) })).json()) as Json;
  const authorize = await fetch(`${t.publicUrl}/authorize?${new URLSearchParams({ client_id: pub.client_id, response_type: "code", redirect_uri: REDIRECT, scope: "openid", code_challenge: CHALLENGE, code_challenge_method: "S256", state: "s2", nonce: "n2" })}`, { redirect: "manual" });
  const interaction = new URL(authorize.headers.get("location") ?? `${t.publicUrl}/interaction/none`).pathname;

  const now = Math.floor(nowMs / 1000);
  const dpop = new DpopTestKey("ES256");
  const clientJwt = { iss: keyed.client_id, sub: keyed.client_id, aud: t.issuer, jti: "seed", iat: now, exp: now + 60 };
  const signed: SignedJwtSeed[] = [
    { role: "client_assertion", header: { alg: "ES256", kid: KID }, claims: clientJwt, sign: (h, c) => key.sign(h, c) },
    { role: "request", header: { alg: "ES256", kid: KID, typ: "oauth-authz-req+jwt" }, claims: { ...clientJwt, nbf: now, response_type: "code", redirect_uri: REDIRECT, client_id: keyed.client_id, scope: "openid" }, sign: (h, c) => key.sign(h, c) },
    { role: "dpop", header: { typ: "dpop+jwt", alg: "ES256", jwk: dpop.jwk }, claims: { jti: "seed", htm: "POST", htu: `${t.issuer}/token`, iat: now }, sign: (h, c) => dpop.sign(h, c) },
  ];
  // The client's key also signs for a trusted issuer: JWT-bearer assertions and software statements reach past the trust check.
  await t.app.container.resolve(TrustedIssuerService).put({ issuer: IDP, uses: ["jwt-bearer", "token-exchange", "software-statement"], allowedClients: [confidential.client_id], subjectMapping: "username", jwks: { keys: [{ ...key.jwk, kid: KID }] } });
  const idpJwt = { iss: IDP, aud: t.issuer, jti: "seed", iat: now, exp: now + 60 };
  signed.push(
    { role: "assertion", header: { alg: "ES256", kid: KID }, claims: { ...idpJwt, sub: "alice" }, sign: (h, c) => key.sign(h, c) },
    { role: "software_statement", header: { alg: "ES256", kid: KID }, claims: { ...idpJwt, software_id: "fuzz-app", client_name: "Fuzz", redirect_uris: [REDIRECT] }, sign: (h, c) => key.sign(h, c) },
  );
  const [assertion, requestObject, proof, bearerAssertion, softwareStatement] = signed.map((seed) => seed.sign(seed.header, seed.claims)) as [string, string, string, string, string];
  const jwts = [tokenSet.access_token, tokenSet.id_token, clientToken.access_token, assertion, proof, requestObject, bearerAssertion, softwareStatement].filter((j): j is string => typeof j === "string");

  const auth: [string, string][] = [["Authorization", secretAuth]];
  const pkce: [string, string][] = [["code_challenge", CHALLENGE], ["code_challenge_method", "S256"]];
  const bearer = (token: string | undefined): [string, string][] => [["Authorization", `Bearer ${token}`]];
  const post = (path: string, params: [string, string][], headers: [string, string][] = auth): RequestTemplate => ({ method: "POST", path, params, headers });
  const form = (params: Record<string, string | undefined>): [string, string][] => Object.entries(params).map(([n, v]) => [n, v ?? ""]);
  const templates: RequestTemplate[] = [
    ...codeValues.slice(0, CODES_PER_CLIENT - 1).map((code) => post("/token", form({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: VERIFIER }))),
    ...codeValues.slice(CODES_PER_CLIENT - 1).map((code) => post("/token", form({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: VERIFIER, client_id: pub.client_id }), [])),
    post("/token", form({ grant_type: "client_credentials", scope: "api:read" })),
    post("/token", form({ grant_type: "client_credentials", client_id: bodySecret.client_id, client_secret: bodySecret.client_secret }), []),
    post("/token", form({ grant_type: "client_credentials", client_id: keyed.client_id, client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion }), []),
    post("/token", form({ grant_type: "client_credentials" }), [...auth, ["DPoP", proof]]),
    post("/token", form({ grant_type: "refresh_token", refresh_token: refreshSet.refresh_token })),
    post("/token", form({ grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token: tokenSet.access_token, subject_token_type: "urn:ietf:params:oauth:token-type:access_token", actor_token: clientToken.access_token, actor_token_type: "urn:ietf:params:oauth:token-type:access_token", audience: API })),
    post("/token", form({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: device.device_code, client_id: pub.client_id }), []),
    post("/token", form({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: bearerAssertion, scope: "api:read" })),
    post("/par", [...form({ response_type: "code", redirect_uri: REDIRECT, scope: "openid api:read", state: "s", nonce: "n" }), ...pkce]),
    post("/par", form({ request: requestObject, client_id: keyed.client_id, client_assertion_type: "urn:ietf:params:oauth:client-assertion-type:jwt-bearer", client_assertion: assertion }), []),
    { method: "GET", path: "/authorize", params: [...form({ client_id: pub.client_id, response_type: "code", redirect_uri: REDIRECT, scope: "openid", state: "s", nonce: "n", prompt: "none", id_token_hint: tokenSet.id_token }), ...pkce], headers: [] },
    { method: "GET", path: "/authorize", params: form({ client_id: confidential.client_id, request_uri: par.request_uri }), headers: [] },
    { method: "GET", path: "/authorize", params: form({ client_id: keyed.client_id, request: requestObject }), headers: [] },
    post("/introspect", form({ token: tokenSet.access_token, token_type_hint: "access_token" })),
    post("/revoke", form({ token: revokeSet.refresh_token, token_type_hint: "refresh_token" })),
    { method: "GET", path: "/userinfo", params: [], headers: bearer(tokenSet.access_token) },
    { method: "GET", path: "/end_session", params: form({ id_token_hint: tokenSet.id_token, post_logout_redirect_uri: REDIRECT, state: "s" }), headers: [] },
    post("/device_authorization", form({ client_id: pub.client_id, scope: "openid" }), []),
    post("/authorize-challenge", [...form({ client_id: pub.client_id, response_type: "code", scope: "openid", username: "alice", password: "alice-password-1" }), ...pkce], []),
    post("/challenge", [], []),
    { method: "GET", path: "/device", params: form({ user_code: device.user_code }), headers: [] },
    { method: "POST", path: "/register", params: [], headers: [], json: { redirect_uris: [REDIRECT], grant_types: ["authorization_code"], software_statement: softwareStatement } },
    { method: "GET", path: new URL(registered.registration_client_uri ?? `${t.issuer}/register/none`).pathname, params: [], headers: bearer(registered.registration_access_token) },
    { method: "PUT", path: new URL(registered.registration_client_uri ?? `${t.issuer}/register/none`).pathname, params: [], headers: bearer(registered.registration_access_token), json: { client_id: registered.client_id, redirect_uris: [REDIRECT] } },
  ];

  return {
    signed,
    templates,
    values: {
      client_id: [confidential.client_id, bodySecret.client_id, pub.client_id, keyed.client_id, registered.client_id ?? "unregistered"],
      client_secret: [bodySecret.client_secret!, confidential.client_secret!],
      code: codeValues,
      code_verifier: [VERIFIER],
      code_challenge: [CHALLENGE],
      code_challenge_method: ["S256", "plain"],
      redirect_uri: [REDIRECT, `${REDIRECT}/x`],
      post_logout_redirect_uri: [REDIRECT],
      scope: ["openid", "openid offline_access api:read", "api:write", "portcullis:mint"],
      resource: [API, "https://evil.example/"],
      audience: [API],
      refresh_token: [refreshSet.refresh_token ?? "no-refresh-token"],
      token: [tokenSet.access_token!, revokeSet.refresh_token ?? "", revokeSet.access_token ?? "", clientToken.access_token!],
      token_type_hint: ["access_token", "refresh_token"],
      subject_token: [tokenSet.access_token!, tokenSet.id_token ?? ""],
      subject_token_type: ["urn:ietf:params:oauth:token-type:access_token", "urn:ietf:params:oauth:token-type:id_token", "urn:ietf:params:oauth:token-type:jwt"],
      actor_token: [clientToken.access_token!],
      actor_token_type: ["urn:ietf:params:oauth:token-type:access_token"],
      requested_token_type: ["urn:ietf:params:oauth:token-type:access_token", "urn:ietf:params:oauth:token-type:refresh_token"],
      request_uri: [par.request_uri ?? "urn:ietf:params:oauth:request_uri:none"],
      request: [requestObject],
      device_code: [device.device_code ?? "none"],
      user_code: [device.user_code ?? "none"],
      client_assertion: [assertion],
      client_assertion_type: ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],
      assertion: [bearerAssertion, tokenSet.id_token ?? ""],
      id_token_hint: [tokenSet.id_token ?? ""],
      response_type: ["code", "token", "code id_token", "none"],
      response_mode: ["query", "fragment", "form_post", "jwt", "query.jwt"],
      prompt: ["none", "login", "consent", "select_account", "create"],
      max_age: ["0", "1", "-1", "99999999999999999999"],
      state: ["s"],
      nonce: ["n"],
      dpop_jkt: [dpop.jkt],
      username: ["alice"],
      password: ["alice-password-1"],
      software_statement: [softwareStatement],
      decision: ["approve", "deny"],
    },
    jwts,
    authorizations: [secretAuth, `Bearer ${tokenSet.access_token}`, `DPoP ${clientToken.access_token}`, `Bearer ${registered.registration_access_token ?? ""}`],
    paths: [new URL(registered.registration_client_uri ?? `${t.issuer}/register/none`).pathname, interaction, `${interaction}/login`, `${interaction}/consent`],
  };
}
