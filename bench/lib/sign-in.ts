import { randomBytes } from "node:crypto";
import http from "node:http";
import { assertEs256AccessToken } from "./token-request.js";
import { authorize, codeFlow, codeFrom, pkcePair, pushAuthorizationRequest, redeemCode, send, type CodeFlowSpec, type HttpAnswer } from "./code-flow.js";
import { CookieJar } from "./cookie-jar.js";

/** Submits a target's login page for the interaction at `interactionUrl`; returns the answer to the form post. */
export type SubmitLogin = (agent: http.Agent, jar: CookieJar, interactionUrl: string) => Promise<HttpAnswer>;

const MAX_REDIRECTS = 5;
const isRedirect = (answer: HttpAnswer) => answer.status >= 300 && answer.status < 400 && answer.headers.location !== undefined;

/**
 * Creates the "existing SSO session" of the code flow scenario the way a browser does, once: PAR → authorize
 * without cookies → the target's interaction (`submitLogin`) → redirects back to the client with a code, which is
 * redeemed. Then checks that one flow with only the `sessionCookies` completes and yields ES256 tokens, and returns
 * the spec with those cookies.
 */
export async function signInForCodeFlow(spec: Omit<CodeFlowSpec, "cookie">, submitLogin: SubmitLogin, sessionCookies: readonly string[]): Promise<CodeFlowSpec> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const jar = new CookieJar();
    const flow: CodeFlowSpec = { ...spec, cookie: "" };
    const { verifier, challenge } = pkcePair();
    const state = randomBytes(12).toString("base64url");
    const requestUri = await pushAuthorizationRequest(agent, flow, { state, code_challenge: challenge, code_challenge_method: "S256" });
    let answer = await authorize(agent, flow, requestUri, "");
    jar.store(answer);
    if (!isRedirect(answer) || answer.headers.location!.startsWith(spec.redirectUri)) throw new Error(`authorize without a session did not ask to sign in: ${answer.status} ${answer.headers.location ?? answer.body.slice(0, 300)}`);
    answer = await submitLogin(agent, jar, new URL(answer.headers.location!, spec.baseUrl).href);
    jar.store(answer);
    for (let hop = 0; hop < MAX_REDIRECTS && isRedirect(answer) && !answer.headers.location!.startsWith(spec.redirectUri); hop++) {
      answer = await send(agent, new URL(answer.headers.location!, spec.baseUrl).href, { headers: { cookie: jar.header() } });
      jar.store(answer);
    }
    await redeemCode(agent, flow, codeFrom(answer, flow, state), verifier);
    flow.cookie = jar.headerOf(sessionCookies);
    const tokens = await codeFlow(agent, flow);
    assertEs256AccessToken(tokens.access_token, spec.baseUrl);
    const idHeader = JSON.parse(Buffer.from(tokens.id_token.split(".")[0]!, "base64url").toString("utf8")) as { alg?: string };
    if (idHeader.alg !== "ES256") throw new Error(`${spec.baseUrl} signs ID tokens with ${String(idHeader.alg)}, not ES256`);
    return flow;
  } finally {
    agent.destroy();
  }
}

/** An HTML form post of `fields` with the jar's cookies (a browser submitting a login page). */
export function postForm(agent: http.Agent, jar: CookieJar, url: string, fields: Record<string, string>): Promise<HttpAnswer> {
  return send(agent, url, { method: "POST", headers: { cookie: jar.header(), "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(fields).toString() });
}
