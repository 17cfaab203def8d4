import { setTimeout as sleep } from "node:timers/promises";
import type { ChildProcess } from "node:child_process";
import type { DpopProver } from "./dpop-prover.js";
import { TOKEN_REQUEST } from "./settings.js";

/** A client of a target's token endpoint. */
export interface ClientCredentials {
  clientId: string;
  clientSecret: string;
}

/** `Authorization: Basic …` with form-encoded id and secret (RFC 6749 §2.3.1). */
export function basicAuthorization({ clientId, clientSecret }: ClientCredentials): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString("base64")}`;
}

/** The request headers of the token load, identical for every target. */
export function tokenHeaders(client: ClientCredentials): Record<string, string> {
  return { authorization: basicAuthorization(client), "content-type": "application/x-www-form-urlencoded" };
}

/** One client_credentials token request (with a DPoP proof from `prover`: a DPoP-bound token); returns the access token or throws with the answer. */
export async function requestToken(baseUrl: string, client: ClientCredentials, body: string = TOKEN_REQUEST.body, prover?: DpopProver): Promise<string> {
  const url = new URL(TOKEN_REQUEST.path, baseUrl);
  const headers = { ...tokenHeaders(client), ...(prover && { dpop: prover.proof("POST", url.href) }) };
  const response = await fetch(url, { method: "POST", headers, body, signal: AbortSignal.timeout(5_000) });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`token request to ${baseUrl} answered ${response.status}: ${text.slice(0, 300)}`);
  const token = (JSON.parse(text) as { access_token?: unknown }).access_token;
  if (typeof token !== "string") throw new Error(`token response of ${baseUrl} has no access_token: ${text.slice(0, 300)}`);
  return token;
}

/** Checks that a target issues the kind of token the comparison assumes: an ES256 JWT carrying the resource scope. */
export function assertEs256AccessToken(token: string, target: string): void {
  const [header, payload] = token.split(".").slice(0, 2).map((part) => JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as Record<string, unknown>);
  if (header?.alg !== "ES256") throw new Error(`${target} signs with ${String(header?.alg)}, not ES256`);
  if (!String(payload?.scope ?? "").split(" ").includes(TOKEN_REQUEST.scope)) throw new Error(`${target} token lacks scope ${TOKEN_REQUEST.scope}`);
}

/** Checks that a target answered a DPoP proof with a DPoP-bound token (`cnf.jkt`, RFC 9449 §6.1), not a bearer one. */
export function assertDpopBound(token: string, target: string): void {
  const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as { cnf?: { jkt?: unknown } };
  if (typeof payload.cnf?.jkt !== "string") throw new Error(`${target} answered a DPoP proof with a token that is not DPoP-bound`);
}

/** Polls the token endpoint until it issues a token (at most `timeoutMs`), failing early if the server exits. */
export async function waitForToken(baseUrl: string, client: ClientCredentials, server: ChildProcess, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let attempt = 0; attempt < 300 && Date.now() < deadline; attempt++) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`server exited (${server.exitCode ?? server.signalCode}) before it answered`);
    try {
      return await requestToken(baseUrl, client);
    } catch (error) {
      last = error;
      await sleep(200);
    }
  }
  throw new Error(`no token from ${baseUrl} within ${timeoutMs} ms: ${String((last as Error)?.message ?? last)}`);
}
