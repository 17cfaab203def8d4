import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { generateKeyPair, SignJWT } from "jose";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";
import { FakeClock } from "../support/fake-clock.js";
import { BASIC_CHALLENGE, expectOAuthError } from "../support/oauth-assertions.js";

/** Security corpus group O: introspection (RFC 7662) and revocation (RFC 7009), rows 82–86. */
const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const plugin = fileURLToPath(new URL("../fixtures/plugins/test-delegation.plugin.ts", import.meta.url));
const API = "https://api.example.test/";
const OPAQUE_API = "https://opaque.example.test/";

type Client = { client_id: string; client_secret?: string };
type Tokens = { access_token: string; refresh_token: string };

const INACTIVE = { active: false };

describe("introspection and revocation (corpus O 82–86)", () => {
  const clock = new FakeClock();
  let t: TestApp;
  let owner: Client;
  let other: Client;
  let resourceServer: Client;
  let publicClient: Client;

  before(async () => {
    t = await startTestApp({ plugins: plugin, authFailureLimit: "1000", refreshTokenTtl: "7200" }, { clock });
    await t.createResource(API, "api:read api:write");
    await t.createResource(OPAQUE_API, "opaque:read", { format: "opaque", ttl: 600 });
    owner = await t.createClient({ grant_types: ["client_credentials", GRANT, "refresh_token"] });
    other = await t.createClient({ grant_types: ["client_credentials"] });
    resourceServer = await t.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
    publicClient = await t.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none" });
  });
  after(() => t.stop());

  const auth = (client: Client) => basic(client.client_id, client.client_secret!);

  const clientCredentials = async (client: Client = owner, form: Record<string, string> = { scope: "api:read" }) => {
    const res = await t.postForm("/token", { grant_type: "client_credentials", ...form }, auth(client));
    assert.equal(res.status, 200);
    return ((await res.json()) as { access_token: string }).access_token;
  };
  const startGrant = async (client: Client = owner): Promise<Tokens> => {
    const confidential = client.client_secret !== undefined;
    const res = await t.postForm("/token", { grant_type: GRANT, subject: "alice", scope: "api:read", ...(confidential ? {} : { client_id: client.client_id }) }, confidential ? auth(client) : {});
    assert.equal(res.status, 200);
    return (await res.json()) as Tokens;
  };
  const refresh = (token: string, client: Client = owner) => {
    const confidential = client.client_secret !== undefined;
    return t.postForm("/token", { grant_type: "refresh_token", refresh_token: token, ...(confidential ? {} : { client_id: client.client_id }) }, confidential ? auth(client) : {});
  };
  const revoke = (token: string, client: Client = owner, extra: Record<string, string> = {}) => {
    const confidential = client.client_secret !== undefined;
    return t.postForm("/revoke", { token, ...extra, ...(confidential ? {} : { client_id: client.client_id }) }, confidential ? auth(client) : {});
  };
  const introspect = (token: string, caller: Client = resourceServer, extra: Record<string, string> = {}) => t.postForm("/introspect", { token, ...extra }, auth(caller));
  const introspection = async (token: string, caller: Client = resourceServer, extra: Record<string, string> = {}) => {
    const res = await introspect(token, caller, extra);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get("cache-control"), "no-store");
    return (await res.json()) as Record<string, unknown>;
  };
  const expectInactive = async (token: string, caller: Client = resourceServer, message?: string) => {
    assert.deepEqual(await introspection(token, caller), INACTIVE, message);
  };
  const isActive = async (token: string) => (await introspection(token)).active === true;

  describe("O82: introspection", () => {
    test("without client authentication → 401 invalid_client", async () => {
      const token = await clientCredentials();
      await expectOAuthError(await t.postForm("/introspect", { token }), 401, "invalid_client", { wwwAuthenticate: false });
      // a public client cannot introspect (RFC 7662 §2.1)
      await expectOAuthError(await t.postForm("/introspect", { token, client_id: publicClient.client_id }), 401, "invalid_client", { wwwAuthenticate: false });
      await expectOAuthError(await t.postForm("/introspect", { token }, basic(owner.client_id, "wrong")), 401, "invalid_client", { wwwAuthenticate: BASIC_CHALLENGE });
      await expectOAuthError(await t.postForm("/introspect", { token }, { authorization: "Basic !!!" }), 401, "invalid_client", { wwwAuthenticate: BASIC_CHALLENGE });
      // the token itself as a bearer credential is not client authentication
      await expectOAuthError(await t.postForm("/introspect", { token }, { authorization: `Bearer ${token}` }), 401, "invalid_client");
    });

    test("an active token shows to its client and to a trusted resource server (control)", async () => {
      const token = await clientCredentials();
      for (const caller of [owner, resourceServer]) {
        const body = await introspection(token, caller);
        assert.equal(body.active, true);
        assert.equal(body.client_id, owner.client_id);
      }
    });

    test("an expired access token (JWT and opaque) → exactly {active:false}", async () => {
      const jwt = await clientCredentials();
      const opaque = await clientCredentials(owner, { resource: OPAQUE_API, scope: "opaque:read" });
      assert.equal(await isActive(jwt), true);
      assert.equal(await isActive(opaque), true);
      clock.advance(3601_000);
      for (const token of [jwt, opaque]) {
        await expectInactive(token, owner);
        await expectInactive(token);
      }
    });

    test("an expired refresh token → exactly {active:false}", async () => {
      const { refresh_token } = await startGrant();
      assert.equal(await isActive(refresh_token), true);
      clock.advance(7201_000);
      await expectInactive(refresh_token, owner);
      await expectInactive(refresh_token);
    });

    test("a revoked access token and a revoked refresh token → exactly {active:false}", async () => {
      const access = await clientCredentials();
      assert.equal((await revoke(access)).status, 200);
      await expectInactive(access, owner);
      const grant = await startGrant();
      assert.equal((await revoke(grant.refresh_token)).status, 200);
      await expectInactive(grant.refresh_token, owner);
      await expectInactive(grant.access_token, owner);
    });

    test("unknown and malformed tokens → exactly {active:false}, never an error", async () => {
      const { privateKey } = await generateKeyPair("ES256");
      const now = Math.floor(clock.now() / 1000);
      const foreign = await new SignJWT({ client_id: owner.client_id, scope: "api:read", jti: "x" })
        .setProtectedHeader({ alg: "ES256", typ: "at+jwt", kid: "unknown" })
        .setIssuer(t.issuer)
        .setSubject(owner.client_id)
        .setAudience(API)
        .setIssuedAt(now)
        .setExpirationTime(now + 600)
        .sign(privateKey);
      const samples = [
        randomBytes(32).toString("base64url"),
        "garbage",
        "a.b.c",
        "eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
        foreign,
        "x".repeat(10 * 1024),
        " ",
        "..",
        "null",
        "undefined",
        "{}",
        "%",
        "\u00e9\u4e2d",
      ];
      for (const token of samples) {
        for (const caller of [owner, resourceServer]) {
          const res = await introspect(token, caller);
          assert.equal(res.status, 200, `token ${JSON.stringify(token.slice(0, 40))}`);
          assert.deepEqual(await res.json(), INACTIVE, `token ${JSON.stringify(token.slice(0, 40))}`);
        }
      }
    });

    test("another client's token → exactly {active:false}, whatever the hint", async () => {
      const access = await clientCredentials();
      const { refresh_token } = await startGrant();
      for (const token of [access, refresh_token]) {
        await expectInactive(token, other);
        for (const token_type_hint of ["access_token", "refresh_token"]) assert.deepEqual(await introspection(token, other, { token_type_hint }), INACTIVE);
      }
      assert.equal(await isActive(access), true, "still active for the trusted resource server");
    });

    test("missing token → 400 invalid_request", async () => {
      await expectOAuthError(await t.postForm("/introspect", {}, auth(owner)), 400, "invalid_request");
      await expectOAuthError(await t.postForm("/introspect", { token: "" }, auth(owner)), 400, "invalid_request");
    });
  });

  describe("O83: token_type_hint", () => {
    test("a wrong or unknown token_type_hint still finds the token", async () => {
      const access = await clientCredentials();
      const { refresh_token } = await startGrant();
      for (const token_type_hint of ["refresh_token", "access_token", "id_token", "nonsense"]) {
        const a = await introspection(access, owner, { token_type_hint });
        assert.equal(a.active, true, `access token with hint ${token_type_hint}`);
        assert.equal(a.client_id, owner.client_id);
        const r = await introspection(refresh_token, owner, { token_type_hint });
        assert.equal(r.active, true, `refresh token with hint ${token_type_hint}`);
        assert.equal(r.token_type, "refresh_token");
      }
    });
  });

  describe("O84: revocation", () => {
    test("revoking a valid refresh token → 200, then it and every access token of the grant are inactive", async () => {
      const first = await startGrant();
      const res = await refresh(first.refresh_token);
      assert.equal(res.status, 200);
      const second = (await res.json()) as Tokens;
      for (const token of [first.access_token, second.access_token, second.refresh_token]) assert.equal(await isActive(token), true);

      const revoked = await revoke(second.refresh_token);
      assert.equal(revoked.status, 200);
      assert.equal(await revoked.text(), "", "RFC 7009 §2.2: the content of the response body is ignored; we send none");
      assert.equal(revoked.headers.get("cache-control"), "no-store");

      for (const token of [first.access_token, second.access_token, second.refresh_token, first.refresh_token]) await expectInactive(token);
      await expectOAuthError(await refresh(second.refresh_token), 400, "invalid_grant");
    });

    test("a refresh token revoked with the wrong token_type_hint, and by a public client", async () => {
      const grant = await startGrant();
      assert.equal((await revoke(grant.refresh_token, owner, { token_type_hint: "access_token" })).status, 200);
      await expectInactive(grant.refresh_token);
      await expectInactive(grant.access_token);

      const pub = await startGrant(publicClient);
      assert.equal((await revoke(pub.refresh_token, publicClient)).status, 200);
      await expectInactive(pub.refresh_token);
      await expectInactive(pub.access_token);
      await expectOAuthError(await refresh(pub.refresh_token, publicClient), 400, "invalid_grant");
    });

    test("revoking an access token makes it inactive at /introspect (JWT and opaque)", async () => {
      const jwt = await clientCredentials();
      const opaque = await clientCredentials(owner, { resource: OPAQUE_API, scope: "opaque:read" });
      for (const token of [jwt, opaque]) {
        assert.equal(await isActive(token), true);
        assert.equal((await revoke(token)).status, 200);
        await expectInactive(token);
        await expectInactive(token, owner);
      }
      const grant = await startGrant();
      assert.equal((await revoke(grant.access_token, owner, { token_type_hint: "refresh_token" })).status, 200);
      await expectInactive(grant.access_token);
    });

    test("unknown, malformed or already revoked token → 200", async () => {
      for (const token of [randomBytes(32).toString("base64url"), "garbage", "a.b.c", "x".repeat(10 * 1024)]) {
        const res = await revoke(token);
        assert.equal(res.status, 200, token.slice(0, 20));
      }
      const access = await clientCredentials();
      assert.equal((await revoke(access)).status, 200);
      assert.equal((await revoke(access)).status, 200);
    });

    test("another client's token is not revoked by it", async () => {
      const access = await clientCredentials();
      const res = await revoke(access, other);
      assert.ok(res.status === 200 || res.status === 400, `status ${res.status}`);
      if (res.status === 400) await expectOAuthError(res, 400, "unauthorized_client");
      assert.equal(await isActive(access), true);
    });

    test("missing token → 400 invalid_request", async () => {
      await expectOAuthError(await t.postForm("/revoke", {}, auth(owner)), 400, "invalid_request");
      await expectOAuthError(await t.postForm("/revoke", { token: "" }, auth(owner)), 400, "invalid_request");
      await expectOAuthError(await t.postForm("/revoke", { token: ["a", "b"] }, auth(owner)), 400, "invalid_request");
    });

    test("a confidential client's revocation without authentication → 401 invalid_client", async () => {
      const access = await clientCredentials();
      await expectOAuthError(await t.postForm("/revoke", { token: access }), 401, "invalid_client");
      await expectOAuthError(await t.postForm("/revoke", { token: access, client_id: owner.client_id }), 401, "invalid_client");
      assert.equal(await isActive(access), true);
    });

    for (const method of ["GET", "PUT", "DELETE"]) {
      test(`${method} /revoke → 405 with Allow: POST`, async () => {
        const res = await fetch(`${t.publicUrl}/revoke?token=x`, { method, headers: auth(owner) });
        assert.equal(res.headers.get("allow"), "POST");
        await expectOAuthError(res, 405, "method_not_allowed");
      });
    }

    test("GET /introspect → 405 with Allow: POST", async () => {
      const res = await fetch(`${t.publicUrl}/introspect?token=x`, { headers: auth(owner) });
      assert.equal(res.headers.get("allow"), "POST");
      await expectOAuthError(res, 405, "method_not_allowed");
    });
  });

  describe("O86: revocation racing a refresh of the same grant", () => {
    test("the previous refresh token revoked right after its rotation (reply still in flight) revokes the grant", async () => {
      const first = await startGrant(publicClient);
      const res = await refresh(first.refresh_token, publicClient);
      assert.equal(res.status, 200);
      const successor = (await res.json()) as Tokens;
      assert.equal((await revoke(first.refresh_token, publicClient)).status, 200);
      const problems: string[] = [];
      for (const [name, token] of Object.entries({ first_at: first.access_token, first_rt: first.refresh_token, new_at: successor.access_token, new_rt: successor.refresh_token })) {
        if (await isActive(token)) problems.push(`${name} is still active`);
      }
      // Inside the grace window the rotated token still refreshes (corpus E35), so it is a live credential: revoked, it must stop working.
      const retry = await refresh(first.refresh_token, publicClient);
      if (retry.status !== 400) problems.push(`the revoked refresh token still refreshes (status ${retry.status})`);
      const next = await refresh(successor.refresh_token, publicClient);
      if (next.status !== 400) problems.push(`the successor refresh token still refreshes (status ${next.status})`);
      assert.deepEqual(problems, [], "after revoking the grant's refresh token no token of the grant may work");
    });

    test("50 iterations: once both finish, no token from that grant is active", async () => {
      const survivors: string[] = [];
      for (let i = 0; i < 50; i++) {
        const first = await startGrant(publicClient);
        const [revoked, refreshed] =
          i % 2 === 0
            ? await Promise.all([revoke(first.refresh_token, publicClient), refresh(first.refresh_token, publicClient)])
            : await Promise.all([refresh(first.refresh_token, publicClient), revoke(first.refresh_token, publicClient)]).then(([a, b]) => [b, a] as const);
        assert.equal(revoked.status, 200, `iteration ${i}: revocation`);
        const tokens: Record<string, string> = { first_at: first.access_token, first_rt: first.refresh_token };
        if (refreshed.status === 200) {
          const body = (await refreshed.json()) as Tokens;
          tokens.new_at = body.access_token;
          tokens.new_rt = body.refresh_token;
        } else {
          await expectOAuthError(refreshed, 400, "invalid_grant");
        }
        for (const [name, token] of Object.entries(tokens)) if (await isActive(token)) survivors.push(`iteration ${i} (${i % 2 === 0 ? "revoke sent first" : "refresh sent first"}): ${name}`);
        if (tokens.new_rt) {
          const again = await refresh(tokens.new_rt, publicClient);
          if (again.status === 200) survivors.push(`iteration ${i}: the successor refresh token still refreshes`);
          else await expectOAuthError(again, 400, "invalid_grant");
        }
      }
      assert.deepEqual(survivors, [], `tokens still active after revocation:\n${survivors.join("\n")}`);
    });
  });
});

describe("O83: introspection rate limit against token scanning", () => {
  let t: TestApp;
  let scanner: Client;
  let bystander: Client;

  before(async () => {
    t = await startTestApp({ introspectionLimit: "50" });
    scanner = await t.createClient({ grant_types: ["client_credentials"] });
    bystander = await t.createClient({ grant_types: ["client_credentials"] });
  });
  after(() => t.stop());

  test("60 random tokens from one client → 429 too_many_requests with Retry-After after the threshold", async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 60; i++) {
      const res = await t.postForm("/introspect", { token: randomBytes(32).toString("base64url") }, basic(scanner.client_id, scanner.client_secret!));
      statuses.push(res.status);
      if (res.status === 200) assert.deepEqual(await res.json(), INACTIVE);
      else if (!limited) limited = res;
      else await res.body?.cancel();
    }
    assert.deepEqual(statuses.slice(0, 50), Array(50).fill(200), "under the threshold every request is answered");
    assert.deepEqual(statuses.slice(50), Array(10).fill(429), `after the threshold: ${statuses.slice(50).join(",")}`);
    assert.ok(limited);
    const retryAfter = Number(limited.headers.get("retry-after"));
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0, `Retry-After ${limited.headers.get("retry-after")}`);
    await expectOAuthError(limited, 429, "too_many_requests");
  });

  test("another client is not limited by the scanner's count", async () => {
    const res = await t.postForm("/introspect", { token: "anything" }, basic(bystander.client_id, bystander.client_secret!));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), INACTIVE);
  });
});
