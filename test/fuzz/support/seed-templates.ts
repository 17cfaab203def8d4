import { API, CHALLENGE, REDIRECT, VERIFIER, type Cast } from "./seed-cast.js";

/** A valid request: form parameters go in the query for GET and in the body otherwise; `json` replaces the body. */
export interface RequestTemplate {
  method: string;
  path: string;
  params: [string, string][];
  headers: [string, string][];
  json?: unknown;
}

const JWT_BEARER_CLIENT_AUTH = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

/** One or more valid requests per flow the cast can run: every grant, PAR, authorization, sign-in, introspection, revocation, userinfo, logout, registration. */
export function templatesOf(cast: Cast): RequestTemplate[] {
  const { clients, tokenSet, registered, jwt } = cast;
  const auth: [string, string][] = [["Authorization", cast.secretAuth]];
  const pkce: [string, string][] = [["code_challenge", CHALLENGE], ["code_challenge_method", "S256"]];
  const bearer = (token: string | undefined): [string, string][] => [["Authorization", `Bearer ${token}`]];
  const form = (params: Record<string, string | undefined>): [string, string][] => Object.entries(params).map(([n, v]) => [n, v ?? ""]);
  const post = (path: string, params: [string, string][], headers: [string, string][] = auth): RequestTemplate => ({ method: "POST", path, params, headers });
  const get = (path: string, params: [string, string][], headers: [string, string][] = []): RequestTemplate => ({ method: "GET", path, params, headers });
  const keyedAuth = { client_id: clients.keyed.client_id, client_assertion_type: JWT_BEARER_CLIENT_AUTH, client_assertion: jwt.client_assertion };
  const management = new URL(registered.registration_client_uri ?? `${cast.issuer}/register/none`).pathname;
  return [
    ...cast.codes.confidential.map((code) => post("/token", form({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: VERIFIER }))),
    ...cast.codes.public.map((code) => post("/token", form({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: VERIFIER, client_id: clients.public.client_id }), [])),
    post("/token", form({ grant_type: "client_credentials", scope: "api:read" })),
    post("/token", form({ grant_type: "client_credentials", client_id: clients.bodySecret.client_id, client_secret: clients.bodySecret.client_secret }), []),
    post("/token", form({ grant_type: "client_credentials", ...keyedAuth }), []),
    post("/token", form({ grant_type: "client_credentials" }), [...auth, ["DPoP", jwt.dpop]]),
    post("/token", form({ grant_type: "client_credentials", scope: "api:read" }), [["OAuth-Client-Attestation", jwt["oauth-client-attestation"]], ["OAuth-Client-Attestation-PoP", jwt["oauth-client-attestation-pop"]]]),
    post("/token", form({ grant_type: "refresh_token", refresh_token: cast.refreshSet.refresh_token })),
    post("/token", form({ grant_type: "urn:ietf:params:oauth:grant-type:token-exchange", subject_token: tokenSet.access_token, subject_token_type: ACCESS_TOKEN_TYPE, actor_token: cast.clientToken.access_token, actor_token_type: ACCESS_TOKEN_TYPE, audience: API })),
    post("/token", form({ grant_type: "urn:ietf:params:oauth:grant-type:device_code", device_code: cast.device.device_code, client_id: clients.public.client_id }), []),
    post("/token", form({ grant_type: "urn:ietf:params:oauth:grant-type:jwt-bearer", assertion: jwt.assertion, scope: "api:read" })),
    post("/par", [...form({ response_type: "code", redirect_uri: REDIRECT, scope: "openid api:read", state: "s", nonce: "n" }), ...pkce]),
    post("/par", form({ request: jwt.request, ...keyedAuth }), []),
    get("/authorize", [...form({ client_id: clients.public.client_id, response_type: "code", redirect_uri: REDIRECT, scope: "openid", state: "s", nonce: "n", prompt: "none", id_token_hint: tokenSet.id_token }), ...pkce]),
    get("/authorize", form({ client_id: clients.confidential.client_id, request_uri: cast.par.request_uri })),
    get("/authorize", form({ client_id: clients.keyed.client_id, request: jwt.request })),
    post("/introspect", form({ token: tokenSet.access_token, token_type_hint: "access_token" })),
    post("/revoke", form({ token: cast.revokeSet.refresh_token, token_type_hint: "refresh_token" })),
    get("/userinfo", [], bearer(tokenSet.access_token)),
    get("/end_session", form({ id_token_hint: tokenSet.id_token, post_logout_redirect_uri: REDIRECT, state: "s" })),
    post("/device_authorization", form({ client_id: clients.public.client_id, scope: "openid" }), []),
    post("/authorize-challenge", [...form({ client_id: clients.public.client_id, response_type: "code", scope: "openid", username: "alice", password: "alice-password-1" }), ...pkce], []),
    post("/challenge", [], []),
    post(cast.login.path, form({ ...cast.login.hidden, username: "alice", password: "alice-password-1" }), [["Cookie", cast.login.cookie]]),
    get("/device", form({ user_code: cast.device.user_code })),
    { method: "POST", path: "/register", params: [], headers: [], json: { redirect_uris: [REDIRECT], grant_types: ["authorization_code"], software_statement: jwt.software_statement } },
    get(management, [], bearer(registered.registration_access_token)),
    { method: "PUT", path: management, params: [], headers: bearer(registered.registration_access_token), json: { client_id: registered.client_id, redirect_uris: [REDIRECT] } },
  ];
}
