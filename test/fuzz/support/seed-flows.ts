import type { TestApp } from "../../support/test-app.js";
import { API, CHALLENGE, plantCast, REDIRECT, VERIFIER, type SignedJwtSeed } from "./seed-cast.js";
import { templatesOf, type RequestTemplate } from "./seed-templates.js";

export { REDIRECT, type SignedJwtSeed } from "./seed-cast.js";
export type { RequestTemplate } from "./seed-templates.js";

/** Valid material a fuzzer mutates, so its requests reach deep code and not only the first validation. */
export interface Seeds {
  /** Valid values by parameter name (client ids, codes, refresh tokens, request URIs, device and user codes …). */
  values: Record<string, string[]>;
  /** Valid JWTs: access and ID tokens, a client assertion, a DPoP proof, a request object, an assertion, a software statement. */
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

/** Seeds the app (see plantCast) and lists what a fuzzer starts from: values by parameter name, JWTs, headers, paths, requests. */
export async function plantSeeds(t: TestApp, nowMs: number): Promise<Seeds> {
  const cast = await plantCast(t, nowMs);
  const { clients, tokenSet, refreshSet, revokeSet, clientToken, registered, jwt } = cast;
  const management = new URL(registered.registration_client_uri ?? `${t.issuer}/register/none`).pathname;
  return {
    values: {
      client_id: [clients.confidential.client_id, clients.bodySecret.client_id, clients.public.client_id, clients.keyed.client_id, registered.client_id ?? "unregistered"],
      client_secret: [clients.bodySecret.client_secret!, clients.confidential.client_secret!],
      code: [...cast.codes.confidential, ...cast.codes.public],
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
      request_uri: [cast.par.request_uri ?? "urn:ietf:params:oauth:request_uri:none"],
      request: [jwt.request],
      device_code: [cast.device.device_code ?? "none"],
      user_code: [cast.device.user_code ?? "none"],
      client_assertion: [jwt.client_assertion],
      client_assertion_type: ["urn:ietf:params:oauth:client-assertion-type:jwt-bearer"],
      assertion: [jwt.assertion, tokenSet.id_token ?? ""],
      id_token_hint: [tokenSet.id_token ?? ""],
      response_type: ["code", "token", "code id_token", "none"],
      response_mode: ["query", "fragment", "form_post", "jwt", "query.jwt"],
      prompt: ["none", "login", "consent", "select_account", "create"],
      max_age: ["0", "1", "-1", "99999999999999999999"],
      state: ["s"],
      nonce: ["n"],
      dpop_jkt: [cast.dpopJkt],
      username: ["alice"],
      password: ["alice-password-1"],
      software_statement: [jwt.software_statement],
      decision: ["approve", "deny"],
    },
    jwts: [tokenSet.access_token, tokenSet.id_token, clientToken.access_token, ...Object.values(jwt)].filter((j): j is string => typeof j === "string"),
    signed: cast.signed,
    authorizations: [cast.secretAuth, `Bearer ${tokenSet.access_token}`, `DPoP ${clientToken.access_token}`, `Bearer ${registered.registration_access_token ?? ""}`],
    paths: [management, cast.interaction, `${cast.interaction}/login`, `${cast.interaction}/consent`],
    templates: templatesOf(cast),
  };
}
