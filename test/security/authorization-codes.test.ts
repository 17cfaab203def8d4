import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, mock, test } from "node:test";
import { AuthorizationCodeService, type CodeGrant } from "../../src/core/codes/authorization-code.service.js";
import { DI } from "../../src/core/di-tokens.js";
import { StorageUnavailableError } from "../../src/core/errors/storage-unavailable.js";
import type { RefreshTokenRecord } from "../../src/core/ports/repositories.js";
import { secretDigest } from "../../src/core/security/digest.js";
import { FakeClock } from "../support/fake-clock.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

/**
 * Security corpus B12–B15, C16, C18 and S102 through POST /token; codes are issued by the core service as /authorize
 * will. Clients are inserted directly, with exactly the metadata these cases need.
 */
const REDIRECT = "https://app.example.test/cb";
const API = "https://api.example.test/";
// RFC 7636 Appendix B.
const VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

type TokenBody = { access_token?: string; refresh_token?: string; error?: string };

describe("authorization codes at the token endpoint (corpus B12–B15, C16, C18, S102)", () => {
  let t: TestApp;
  const clock = new FakeClock();
  let codes: AuthorizationCodeService;
  let publicId: string;
  let confidential: { id: string; secret: string };
  let introspector: { client_id: string; client_secret?: string };

  const insertClient = async (method: "none" | "client_secret_basic") => {
    const id = `code-client-${randomUUID()}`;
    const secret = randomBytes(32).toString("base64url");
    await t.app.container.resolve(DI.Durable).clients.insert({
      clientId: id,
      metadata: { grant_types: ["authorization_code", "refresh_token"], redirect_uris: [REDIRECT], response_types: ["code"], token_endpoint_auth_method: method },
      secretDigest: method === "none" ? undefined : secretDigest(secret),
      issuedAt: Math.floor(clock.now() / 1000),
      updatedAt: clock.now(),
    });
    return { id, secret };
  };

  before(async () => {
    t = await startTestApp({}, { clock });
    await t.createResource(API, "api:read api:write");
    codes = t.app.container.resolve(AuthorizationCodeService);
    publicId = (await insertClient("none")).id;
    confidential = await insertClient("client_secret_basic");
    introspector = await t.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
  });
  after(() => t.stop());

  const issue = (overrides: Partial<CodeGrant> = {}) =>
    codes.issue({ clientId: publicId, redirectUri: REDIRECT, subject: "alice", scopes: ["openid", "api:read"], resources: [API], codeChallenge: CHALLENGE, codeChallengeMethod: "S256", ...overrides });
  const redeem = (code: string, extra: Record<string, string | undefined> = {}, headers: Record<string, string> = {}) => {
    const form = Object.fromEntries(Object.entries({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: publicId, code_verifier: VERIFIER, ...extra }).filter(([, v]) => v !== undefined));
    return t.postForm("/token", form as Record<string, string>, headers);
  };
  const expectInvalidGrant = async (res: Response) => {
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as TokenBody).error, "invalid_grant");
  };
  const ok = async (res: Response) => {
    assert.equal(res.status, 200);
    return (await res.json()) as Required<Omit<TokenBody, "error">>;
  };
  const active = async (token: string) => {
    const res = await t.postForm("/introspect", { token }, basic(introspector.client_id, introspector.client_secret!));
    return ((await res.json()) as { active: boolean }).active;
  };
  const claimsOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

  test("happy path: a JWT access token for the code's subject; no refresh token without offline_access", async () => {
    const body = await ok(await redeem(await issue()));
    const claims = claimsOf(body.access_token);
    assert.equal(claims.sub, "alice");
    assert.equal(claims.client_id, publicId);
    assert.equal(claims.aud, API);
    assert.equal(body.refresh_token, undefined);
  });

  test("offline_access adds a refresh token that works", async () => {
    const body = await ok(await redeem(await issue({ scopes: ["openid", "offline_access", "api:read"] })));
    assert.ok(body.refresh_token);
    assert.equal((await t.postForm("/token", { grant_type: "refresh_token", refresh_token: body.refresh_token, client_id: publicId })).status, 200);
  });

  test("a confidential client redeems with its secret; without PKCE when the code had none", async () => {
    const code = await issue({ clientId: confidential.id, codeChallenge: undefined, codeChallengeMethod: undefined });
    await ok(await redeem(code, { client_id: undefined, code_verifier: undefined }, basic(confidential.id, confidential.secret)));
  });

  test("a public client's code without PKCE → invalid_grant", async () => {
    await expectInvalidGrant(await redeem(await issue({ codeChallenge: undefined, codeChallengeMethod: undefined }), { code_verifier: undefined }));
  });

  test("B12: no code_verifier → invalid_grant", async () => {
    await expectInvalidGrant(await redeem(await issue(), { code_verifier: undefined }));
  });

  test("B13: a wrong verifier → invalid_grant, and the code is not burned: the right verifier still succeeds", async () => {
    const code = await issue();
    await expectInvalidGrant(await redeem(code, { code_verifier: "a".repeat(43) }));
    await ok(await redeem(code));
  });

  test("B13: after 5 wrong verifiers the code is burned", async () => {
    const code = await issue();
    for (let i = 0; i < 5; i++) await expectInvalidGrant(await redeem(code, { code_verifier: `${"a".repeat(42)}${i}` }));
    await expectInvalidGrant(await redeem(code));
  });

  test("B14: downgrade — a verifier for a code issued without a challenge → invalid_grant", async () => {
    const code = await issue({ clientId: confidential.id, codeChallenge: undefined, codeChallengeMethod: undefined });
    await expectInvalidGrant(await redeem(code, { client_id: undefined }, basic(confidential.id, confidential.secret)));
  });

  test("B15: verifiers of 42 or 129 characters or with characters outside [A-Za-z0-9-._~] → invalid_grant", async () => {
    const code = await issue();
    for (const verifier of [VERIFIER.slice(1), `${VERIFIER}${"a".repeat(86)}`, `${VERIFIER.slice(1)}+`]) await expectInvalidGrant(await redeem(code, { code_verifier: verifier }));
  });

  for (const delay of [0, 30_000]) {
    test(`C16: reuse after ${delay / 1000} s → invalid_grant, and the first redemption's tokens are revoked`, async () => {
      const code = await issue({ scopes: ["openid", "offline_access", "api:read"] });
      const first = await ok(await redeem(code));
      assert.ok((await active(first.access_token)) && (await active(first.refresh_token)));
      clock.advance(delay);
      await expectInvalidGrant(await redeem(code));
      assert.equal(await active(first.access_token), false, "access token revoked");
      assert.equal(await active(first.refresh_token), false, "refresh token revoked");
    });
  }

  test("C16: reuse revokes a first access token that has no grant", async () => {
    const code = await issue();
    const first = await ok(await redeem(code));
    await expectInvalidGrant(await redeem(code));
    assert.equal(await active(first.access_token), false);
  });

  test("C18: redirect_uri different or missing → invalid_grant; the right one still works", async () => {
    const code = await issue();
    await expectInvalidGrant(await redeem(code, { redirect_uri: "https://app.example.test/other" }));
    await expectInvalidGrant(await redeem(code, { redirect_uri: undefined }));
    await ok(await redeem(code));
  });

  test("C18: a code used after its 60 s lifetime → invalid_grant", async () => {
    const code = await issue();
    clock.advance(61_000);
    await expectInvalidGrant(await redeem(code));
  });

  test("C18: empty, garbage or 10 KB codes → 400 invalid_grant", async () => {
    for (const code of ["", "garbage", "x".repeat(10_240)]) await expectInvalidGrant(await redeem(code));
  });

  test("a missing code → invalid_request", async () => {
    const res = await t.postForm("/token", { grant_type: "authorization_code", redirect_uri: REDIRECT, client_id: publicId, code_verifier: VERIFIER });
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as TokenBody).error, "invalid_request");
  });

  test("another client's code → invalid_grant, and it stays usable by its owner", async () => {
    const code = await issue({ clientId: confidential.id });
    await expectInvalidGrant(await redeem(code));
    await ok(await redeem(code, { client_id: undefined }, basic(confidential.id, confidential.secret)));
  });

  test("S108: an outage after the grant was written → 503; the code redeems once on retry, the failed attempt's grant is revoked", async () => {
    const grants = t.app.container.resolve(DI.Durable).grants;
    const store = t.app.container.resolve(DI.Ephemeral);
    const created: RefreshTokenRecord[] = [];
    const create = grants.create.bind(grants);
    const put = store.put.bind(store);
    let outage = true;
    // The grant and its refresh token are committed; then recording them in the code's used-marker meets the outage.
    const spy = mock.method(grants, "create", async (...args: Parameters<typeof create>) => (created.push(args[1]), create(...args)));
    const failing = mock.method(store, "put", async (...args: Parameters<typeof put>) => {
      if (outage && args[0].startsWith("code-used:")) throw new StorageUnavailableError("ephemeral");
      return put(...args);
    });
    try {
      const code = await issue({ scopes: ["openid", "offline_access", "api:read"] });
      const failed = await redeem(code);
      assert.equal(failed.status, 503);
      assert.equal(((await failed.json()) as TokenBody).error, "temporarily_unavailable");
      outage = false;
      assert.equal(created.length, 1, "the failed attempt wrote its grant");
      const [undelivered] = created as [RefreshTokenRecord];
      assert.ok((await grants.findGrant(undelivered.grantId))?.revokedAt !== undefined, "the failed attempt's grant is revoked");
      assert.equal((await grants.findRefreshTokenById(undelivered.id))?.status, "revoked", "and its refresh token");

      const retried = await ok(await redeem(code));
      assert.equal(created.length, 2);
      assert.notEqual(created[1]!.grantId, undelivered.grantId, "the retry starts its own grant");
      assert.equal(await active(retried.refresh_token), true);
      assert.equal((await t.postForm("/token", { grant_type: "refresh_token", refresh_token: retried.refresh_token, client_id: publicId })).status, 200);
      await expectInvalidGrant(await redeem(code));
    } finally {
      spy.mock.restore();
      failing.mock.restore();
    }
  });

  test("S102: 50 concurrent redemptions of one code → exactly one 200 and 49 × invalid_grant; one token set", async () => {
    const code = await issue({ scopes: ["openid", "offline_access", "api:read"] });
    const responses = await Promise.all(Array.from({ length: 50 }, () => redeem(code)));
    const bodies = (await Promise.all(responses.map((r) => r.json()))) as TokenBody[];
    assert.equal(responses.filter((r) => r.status === 200).length, 1);
    assert.equal(responses.filter((r) => r.status === 400).length, 49);
    assert.ok(bodies.every((b) => b.access_token || b.error === "invalid_grant"));
    const refreshTokens = bodies.flatMap((b) => (b.refresh_token ? [b.refresh_token] : []));
    // Losers arriving after the winner's tokens were recorded are reuse and may revoke them (docs/decisions.md).
    assert.equal(refreshTokens.length, 1, "one grant with one refresh token");
  });
});
