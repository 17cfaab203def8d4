import "reflect-metadata";
import assert from "node:assert/strict";
import type { Clock } from "../../../src/core/ports/clock.js";
import { UserService } from "../../../src/core/users/user.service.js";
import { TOKEN_EXCHANGE_GRANT_TYPE, TokenTypes } from "../../../src/plugin-sdk/index.js";
import { HttpBrowser } from "../../support/http-browser.js";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";

export const GRANT = TOKEN_EXCHANGE_GRANT_TYPE;
export const API = "https://api.example.test/";
export const OTHER = "https://other.example.test/";
const CB = "https://app.example.test/cb";
const PKCE = { challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" };

export type Registered = { client_id: string; client_secret?: string };
export type TokenBody = { access_token: string; token_type: string; expires_in: number; issued_token_type?: string; scope?: string; refresh_token?: string; id_token?: string };

/** A server with resources, a user and clients set up for token exchange (RFC 8693), and the requests tests make. */
export interface ExchangeFixture {
  t: TestApp;
  userId: string;
  /** Code flow (authorization_code, refresh_token): the source of user tokens. */
  frontend: Registered;
  /** Exchanges toward API, OTHER, svcB or the issuer: impersonation and delegation, every token type, refresh tokens. */
  gateway: Registered;
  /** Delegation only, toward OTHER. */
  svcB: Registered;
  /** Impersonation of access tokens toward API only. */
  limited: Registered;
  /** Like limited, but it may release a sender constraint. */
  releaser: Registered;
  /** Registered for the grant without `token_exchange` metadata. */
  unconfigured: Registered;
  /** client_credentials only, scope api:read api:write. */
  machine: Registered;
  /** POSTs a token exchange as `client` (RFC 8693 §2.1). */
  exchange(client: Registered, params: Record<string, string | string[]>): Promise<Response>;
  /** A successful exchange's body. */
  exchanged(client: Registered, params: Record<string, string | string[]>): Promise<TokenBody>;
  /** A client_credentials token of `client`. */
  clientToken(client: Registered, scope?: string): Promise<string>;
  /** The user's tokens from a code flow with PKCE (a grant with a refresh token, and an ID token). */
  userTokens(scope?: string): Promise<TokenBody>;
  /** POSTs to /token as `client` (client_secret_basic). */
  token(client: Registered, form: Record<string, string | string[]>): Promise<Response>;
  /** RFC 7662 introspection by a `portcullis:tokens` client. */
  introspect(token: string): Promise<Record<string, unknown>>;
  /** RFC 7009 revocation by the token's client. */
  revoke(client: Registered, token: string): Promise<void>;
}

/** The payload of a JWT, unverified (the tests read what was signed). */
export const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

/** Asserts an RFC 6749 §5.2 error response, body exactly. */
export async function assertError(res: Response, status: number, error: string, description: string): Promise<void> {
  assert.equal(res.status, status);
  assert.deepEqual(await res.json(), { error, error_description: description });
}

/** The request parameters of a subject token (and an actor token). */
export const subject = (token: string, type: string = TokenTypes.accessToken) => ({ subject_token: token, subject_token_type: type });
export const actor = (token: string, type: string = TokenTypes.accessToken) => ({ actor_token: token, actor_token_type: type });

export async function startExchangeFixture(options: { clock?: Clock } = {}): Promise<ExchangeFixture> {
  const t = await startTestApp({}, options.clock ? { clock: options.clock } : {});
  await t.createResource(API, "api:read api:write");
  await t.createResource(OTHER, "other:read");
  const { id: userId } = await t.app.container.resolve(UserService).create({ username: "ivy", password: "ivy-password-1" });
  const exchanger = (tokenExchange: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    t.createClient({ grant_types: [GRANT, "client_credentials", "refresh_token"], token_exchange: tokenExchange, ...extra });
  const frontend = await t.createClient({ redirect_uris: [CB], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"] });
  const svcB = await exchanger({ audiences: [OTHER], delegation: true });
  const all = [TokenTypes.accessToken, TokenTypes.refreshToken, TokenTypes.idToken];
  const gateway = await exchanger({ audiences: [API, OTHER, svcB.client_id, t.issuer], impersonation: true, delegation: true, subject_token_types: all, refresh_tokens: true });
  const limited = await exchanger({ audiences: [API], impersonation: true });
  const releaser = await exchanger({ audiences: [API], impersonation: true, release_sender_constraint: true });
  const unconfigured = await t.createClient({ grant_types: [GRANT] });
  const machine = await t.createClient({ grant_types: ["client_credentials"], scope: "api:read api:write" });
  const introspector = await t.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });

  const token = (client: Registered, form: Record<string, string | string[]>) => t.postForm("/token", form, basic(client.client_id, client.client_secret!));
  const exchange = (client: Registered, params: Record<string, string | string[]>) => token(client, { grant_type: GRANT, ...params });
  const ok = async (res: Response) => {
    assert.equal(res.status, 200, await res.clone().text());
    return (await res.json()) as TokenBody;
  };
  return {
    t,
    userId,
    frontend,
    gateway,
    svcB,
    limited,
    releaser,
    unconfigured,
    machine,
    token,
    exchange,
    exchanged: async (client, params) => ok(await exchange(client, params)),
    clientToken: async (client, scope) => (await ok(await token(client, { grant_type: "client_credentials", ...(scope && { scope }) }))).access_token,
    async userTokens(scope = "openid offline_access api:read api:write") {
      const query = new URLSearchParams({ client_id: frontend.client_id, response_type: "code", redirect_uri: CB, scope, state: "s", nonce: "n", code_challenge: PKCE.challenge, code_challenge_method: "S256" });
      const { location } = await new HttpBrowser().authorize(`${t.publicUrl}/authorize?${query}`, t.issuer, { credentials: { username: "ivy", password: "ivy-password-1" }, consent: "approve" });
      const code = location!.searchParams.get("code")!;
      return ok(await token(frontend, { grant_type: "authorization_code", code, redirect_uri: CB, code_verifier: PKCE.verifier }));
    },
    async introspect(value) {
      const res = await t.postForm("/introspect", { token: value }, basic(introspector.client_id, introspector.client_secret!));
      return (await res.json()) as Record<string, unknown>;
    },
    async revoke(client, value) {
      assert.equal((await t.postForm("/revoke", { token: value }, basic(client.client_id, client.client_secret!))).status, 200);
    },
  };
}
