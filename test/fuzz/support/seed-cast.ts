import { AuthorizationCodeService } from "../../../src/core/codes/authorization-code.service.js";
import { TrustedIssuerService } from "../../../src/core/trust/trusted-issuer.service.js";
import { UserService } from "../../../src/core/users/user.service.js";
import { DpopTestKey } from "../../support/dpop.js";
import { formOf } from "../../support/http-browser.js";
import { basic, type TestApp } from "../../support/test-app.js";

export const REDIRECT = "https://app.example.test/cb";
export const API = "https://api.example.test/";
// RFC 7636 Appendix B.
export const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
export const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const CODES_PER_CLIENT = 25;
const KID = "fuzz-client-key";
const IDP = "https://idp.fuzz.example";
const ATTESTER = "https://attester.fuzz.example";

/** A JWT whose signing key the fuzzer holds: a client assertion, a request object, a DPoP proof, an IdP's assertion, a client attestation and its PoP. */
export interface SignedJwtSeed {
  /** Where it goes: the form parameter or (lower-cased) header that carries it. */
  role: string;
  header: Record<string, unknown>;
  claims: Record<string, unknown>;
  sign(header: Record<string, unknown>, claims: Record<string, unknown>): string;
}

type Json = Record<string, string>;
type Registered = { client_id: string; client_secret?: string };

/** Everything the seeded app holds: its clients, user, issued codes and tokens, pending flows, and JWTs the fuzzer can sign. */
export interface Cast {
  issuer: string;
  clients: { confidential: Registered; bodySecret: Registered; public: Registered; keyed: Registered; attested: Registered };
  /** `Authorization: Basic` of the confidential client. */
  secretAuth: string;
  codes: { confidential: string[]; public: string[] };
  /** Three grants: the refresh and revocation templates end theirs, `tokenSet` stays usable for userinfo and introspection. */
  tokenSet: Json;
  refreshSet: Json;
  revokeSet: Json;
  clientToken: Json;
  par: Json;
  device: Json;
  registered: Json;
  /** The path of the sign-in interaction a GET /authorize started. */
  interaction: string;
  /** Its sign-in form (action path and hidden fields, the CSRF token among them) and the interaction cookie. */
  login: { path: string; hidden: Record<string, string>; cookie: string };
  dpopJkt: string;
  signed: SignedJwtSeed[];
  /** The signed seeds' JWTs by role. */
  jwt: Record<"client_assertion" | "request" | "dpop" | "assertion" | "software_statement" | "oauth-client-attestation" | "oauth-client-attestation-pop", string>;
}

/**
 * Registers the cast (a confidential, a client_secret_post, a public, a private_key_jwt and an attested client, a user,
 * an API, a trusted IdP and attester) and runs the cheap flows once: codes, three token sets, PAR, device authorization, registration.
 */
export async function plantCast(t: TestApp, nowMs: number): Promise<Cast> {
  await t.createResource(API, "api:read api:write");
  const alice = await t.app.container.resolve(UserService).create({ username: "alice", password: "alice-password-1", email: "alice@example.test" });
  const web = { redirect_uris: [REDIRECT], post_logout_redirect_uris: [REDIRECT], response_types: ["code"], scope: "openid profile email offline_access api:read api:write" };
  const grants = ["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:device_code", "urn:ietf:params:oauth:grant-type:jwt-bearer"];
  const key = new DpopTestKey("ES256");
  const clients = {
    confidential: await t.createClient({ ...web, grant_types: grants, token_endpoint_auth_method: "client_secret_basic", token_exchange: { audiences: [API], delegation: true } }),
    bodySecret: await t.createClient({ ...web, grant_types: grants, token_endpoint_auth_method: "client_secret_post" }),
    public: await t.createClient({ ...web, grant_types: ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"], token_endpoint_auth_method: "none", authorization_challenge_allowed: true, skip_consent: true }),
    keyed: await t.createClient({ ...web, grant_types: ["client_credentials", "authorization_code"], token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [{ ...key.jwk, kid: KID }] } }),
    attested: await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "attest_jwt_client_auth", scope: "api:read" }),
  };
  const secretHeaders = basic(clients.confidential.client_id, clients.confidential.client_secret!);

  const codeService = t.app.container.resolve(AuthorizationCodeService);
  const issue = async (clientId: string) => {
    const issued: string[] = [];
    for (let i = 0; i < CODES_PER_CLIENT; i++) issued.push(await codeService.issue({ clientId, redirectUri: REDIRECT, subject: alice.id, scopes: ["openid", "offline_access", "api:read"], resources: [API], codeChallenge: CHALLENGE, codeChallengeMethod: "S256" }));
    return issued;
  };
  const codes = { confidential: await issue(clients.confidential.client_id), public: await issue(clients.public.client_id) };
  const json = async (response: Promise<Response>) => (await (await response).json()) as Json;
  const redeem = () => json(t.postForm("/token", { grant_type: "authorization_code", code: codes.confidential.shift()!, redirect_uri: REDIRECT, code_verifier: VERIFIER }, secretHeaders));
  const [tokenSet, refreshSet, revokeSet] = [await redeem(), await redeem(), await redeem()];
  const clientToken = await json(t.postForm("/token", { grant_type: "client_credentials", scope: "api:read" }, secretHeaders));
  const par = await json(t.postForm("/par", { response_type: "code", redirect_uri: REDIRECT, scope: "openid api:read", code_challenge: CHALLENGE, code_challenge_method: "S256", state: "s1" }, secretHeaders));
  const device = await json(t.postForm("/device_authorization", { client_id: clients.public.client_id, scope: "openid" }));
  const registered = await json(fetch(`${t.publicUrl}/register`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ redirect_uris: [REDIRECT] }) }));
  const authorizeQuery = new URLSearchParams({ client_id: clients.public.client_id, response_type: "code", redirect_uri: REDIRECT, scope: "openid", code_challenge: CHALLENGE, code_challenge_method: "S256", state: "s2", nonce: "n2" });
  const authorize = await fetch(`${t.publicUrl}/authorize?${authorizeQuery}`, { redirect: "manual" });
  const interaction = new URL(authorize.headers.get("location") ?? `${t.publicUrl}/interaction/none`).pathname;
  const cookie = authorize.headers.getSetCookie().map((line) => line.split(";")[0]).join("; ");
  const page = formOf(await (await fetch(`${t.publicUrl}${interaction}`, { headers: { cookie } })).text());

  // The client's key also signs for a trusted IdP and attester: assertions, software statements and client attestations reach past the trust check.
  const trusted = t.app.container.resolve(TrustedIssuerService);
  await trusted.put({ issuer: IDP, uses: ["jwt-bearer", "token-exchange", "software-statement"], allowedClients: [clients.confidential.client_id], subjectMapping: "username", jwks: { keys: [{ ...key.jwk, kid: KID }] } });
  await trusted.put({ issuer: ATTESTER, uses: ["client-attestation"], allowedClients: ["*"], subjectMapping: "pass-through", jwks: { keys: [{ ...key.jwk, kid: KID }] } });
  const now = Math.floor(nowMs / 1000);
  const dpop = new DpopTestKey("ES256");
  const instance = new DpopTestKey("ES256");
  const byClient = (h: Record<string, unknown>, c: Record<string, unknown>) => key.sign(h, c);
  const clientJwt = { iss: clients.keyed.client_id, sub: clients.keyed.client_id, aud: t.issuer, jti: "seed", iat: now, exp: now + 60 };
  const idpJwt = { iss: IDP, aud: t.issuer, jti: "seed", iat: now, exp: now + 60 };
  const signed: SignedJwtSeed[] = [
    { role: "client_assertion", header: { alg: "ES256", kid: KID }, claims: clientJwt, sign: byClient },
    { role: "request", header: { alg: "ES256", kid: KID, typ: "oauth-authz-req+jwt" }, claims: { ...clientJwt, nbf: now, response_type: "code", redirect_uri: REDIRECT, client_id: clients.keyed.client_id, scope: "openid" }, sign: byClient },
    { role: "dpop", header: { typ: "dpop+jwt", alg: "ES256", jwk: dpop.jwk }, claims: { jti: "seed", htm: "POST", htu: `${t.issuer}/token`, iat: now }, sign: (h, c) => dpop.sign(h, c) },
    { role: "assertion", header: { alg: "ES256", kid: KID }, claims: { ...idpJwt, sub: "alice" }, sign: byClient },
    { role: "software_statement", header: { alg: "ES256", kid: KID }, claims: { ...idpJwt, software_id: "fuzz-app", client_name: "Fuzz", redirect_uris: [REDIRECT] }, sign: byClient },
    { role: "oauth-client-attestation", header: { typ: "oauth-client-attestation+jwt", alg: "ES256", kid: KID }, claims: { iss: ATTESTER, sub: clients.attested.client_id, jti: "seed", iat: now, exp: now + 60, cnf: { jwk: instance.jwk } }, sign: byClient },
    { role: "oauth-client-attestation-pop", header: { typ: "oauth-client-attestation-pop+jwt", alg: "ES256" }, claims: { aud: t.issuer, jti: "seed", iat: now }, sign: (h, c) => instance.sign(h, c) },
  ];
  const jwt = Object.fromEntries(signed.map((seed) => [seed.role, seed.sign(seed.header, seed.claims)])) as Cast["jwt"];
  return {
    issuer: t.issuer,
    clients,
    secretAuth: secretHeaders.authorization!,
    codes,
    tokenSet,
    refreshSet,
    revokeSet,
    clientToken,
    par,
    device,
    registered,
    interaction,
    login: { path: page ? new URL(page.action).pathname : `${interaction}/login`, hidden: page?.hidden ?? {}, cookie },
    dpopJkt: dpop.jkt,
    signed,
    jwt,
  };
}
