import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import { basicAuthorization, type ClientCredentials } from "./token-request.js";

/** Where and as whom a target runs the browserless code flow (bench/README.md "Authorization code flow"). */
export interface CodeFlowSpec {
  baseUrl: string;
  /** RFC 9126 pushed authorization request endpoint, authorization endpoint and token endpoint paths. */
  parPath: string;
  authorizePath: string;
  tokenPath: string;
  /** A confidential client_secret_basic client allowed the authorization_code grant without consent. */
  client: ClientCredentials;
  redirectUri: string;
  scope: string;
  /** The Cookie header of a signed-in browser (the existing SSO session). */
  cookie: string;
}

/** One HTTP answer, body read in full. */
export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

const REQUEST_TIMEOUT_MS = 10_000;
const FORM = "application/x-www-form-urlencoded";

/** One request over `agent` (keep-alive), body read in full; rejects on transport errors and after 10 s. */
export function send(agent: http.Agent, url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const body = options.body === undefined ? undefined : Buffer.from(options.body);
    const request = http.request(url, {
      agent,
      method: options.method ?? "GET",
      headers: { ...options.headers, ...(body ? { "content-length": String(body.length) } : {}) },
      timeout: REQUEST_TIMEOUT_MS,
    });
    request.on("timeout", () => request.destroy(new Error(`timeout after ${REQUEST_TIMEOUT_MS} ms: ${options.method ?? "GET"} ${url}`)));
    request.on("error", reject);
    request.on("response", (response) => {
      const chunks: Buffer[] = [];
      response.on("data", (chunk: Buffer) => chunks.push(chunk));
      response.on("error", reject);
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString("utf8") }));
    });
    request.end(body);
  });
}

/** An RFC 7636 §4.1–4.2 S256 pair. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString("base64url");
  return { verifier, challenge: createHash("sha256").update(verifier).digest("base64url") };
}

/** A failed flow step, with the answer that broke it (for the load's firstError). */
export class FlowError extends Error {}

const shorten = (answer: HttpAnswer) => `${answer.status} ${answer.headers.location ?? answer.body.slice(0, 200)}`;

/** POST of the authorization request parameters to the PAR endpoint (RFC 9126 §2.1); returns the request_uri. */
export async function pushAuthorizationRequest(agent: http.Agent, spec: CodeFlowSpec, params: Record<string, string>): Promise<string> {
  const answer = await send(agent, spec.baseUrl + spec.parPath, {
    method: "POST",
    headers: { authorization: basicAuthorization(spec.client), "content-type": FORM },
    body: new URLSearchParams({ response_type: "code", client_id: spec.client.clientId, redirect_uri: spec.redirectUri, scope: spec.scope, ...params }).toString(),
  });
  const requestUri = answer.status === 201 ? (JSON.parse(answer.body) as { request_uri?: unknown }).request_uri : undefined;
  if (typeof requestUri !== "string") throw new FlowError(`PAR answered ${shorten(answer)}`);
  return requestUri;
}

/** GET of the authorization endpoint by reference to a pushed request (RFC 9126 §4), with the given cookies. */
export function authorize(agent: http.Agent, spec: CodeFlowSpec, requestUri: string, cookie: string): Promise<HttpAnswer> {
  const query = new URLSearchParams({ client_id: spec.client.clientId, request_uri: requestUri });
  return send(agent, `${spec.baseUrl}${spec.authorizePath}?${query}`, { headers: cookie ? { cookie } : {} });
}

/** The code of an authorization response redirect to the client (RFC 6749 §4.1.2), checking `state`. */
export function codeFrom(answer: HttpAnswer, spec: CodeFlowSpec, state: string): string {
  const location = answer.headers.location;
  if ((answer.status !== 302 && answer.status !== 303) || !location?.startsWith(`${spec.redirectUri}?`)) throw new FlowError(`authorize answered ${shorten(answer)}`);
  const query = new URL(location).searchParams;
  const code = query.get("code");
  if (!code || query.get("state") !== state) throw new FlowError(`authorization response without code or with another state: ${location}`);
  return code;
}

/** The token response of a code redemption (RFC 6749 §4.1.3–4.1.4, OIDC Core §3.1.3.3): access and ID token. */
export async function redeemCode(agent: http.Agent, spec: CodeFlowSpec, code: string, verifier: string): Promise<{ access_token: string; id_token: string }> {
  const answer = await send(agent, spec.baseUrl + spec.tokenPath, {
    method: "POST",
    headers: { authorization: basicAuthorization(spec.client), "content-type": FORM },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: spec.redirectUri, code_verifier: verifier }).toString(),
  });
  const tokens = answer.status === 200 ? (JSON.parse(answer.body) as { access_token?: unknown; id_token?: unknown }) : {};
  if (typeof tokens.access_token !== "string" || typeof tokens.id_token !== "string") throw new FlowError(`token answered ${shorten(answer)}`);
  return { access_token: tokens.access_token, id_token: tokens.id_token };
}

/** Milliseconds each of the three requests of one flow took. */
export type StepTimes = [par: number, authorize: number, token: number];
export const STEP_NAMES = ["par", "authorize", "token"] as const;

/**
 * One full browserless flow with the signed-in browser's cookies: PAR (state, nonce, PKCE S256) → GET authorize →
 * 302/303 with the code → token request with the verifier; throws FlowError on any unexpected answer.
 */
export async function codeFlow(agent: http.Agent, spec: CodeFlowSpec, times?: StepTimes): Promise<{ access_token: string; id_token: string }> {
  const { verifier, challenge } = pkcePair();
  const state = randomBytes(12).toString("base64url");
  const t0 = performance.now();
  const requestUri = await pushAuthorizationRequest(agent, spec, { state, nonce: randomBytes(12).toString("base64url"), code_challenge: challenge, code_challenge_method: "S256" });
  const t1 = performance.now();
  const code = codeFrom(await authorize(agent, spec, requestUri, spec.cookie), spec, state);
  const t2 = performance.now();
  const tokens = await redeemCode(agent, spec, code, verifier);
  if (times) [times[0], times[1], times[2]] = [t1 - t0, t2 - t1, performance.now() - t2];
  return tokens;
}
