import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { InitialAccessTokens } from "../../src/core/clients/initial-access-tokens.js";
import { DI } from "../../src/core/di-tokens.js";
import { TokenTypes } from "../../src/plugin-sdk/index.js";
import { FakeClock } from "../support/fake-clock.js";
import { DpopTestKey } from "../support/dpop.js";
import { basic } from "../support/test-app.js";
import { actor, API, assertError, GRANT, OTHER, payloadOf, startExchangeFixture, subject, type ExchangeFixture } from "../integration/http/token-exchange-fixture.js";

/** Security corpus group M (token exchange, RFC 8693), exact status and error bodies. */
describe("token exchange (corpus M 75–78)", () => {
  let f: ExchangeFixture;
  const clock = new FakeClock();
  before(async () => {
    f = await startExchangeFixture({ clock });
  });
  /** A fresh subject token: the machine client's own, scope api:read, audience API. */
  const source = () => f.clientToken(f.machine, "api:read");
  after(() => f.t.stop());

  /** An access token of the machine client bound to a DPoP key (RFC 9449 §6 `cnf.jkt`). */
  const boundToken = async (jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I") => {
    const client = (await f.t.app.container.resolve(DI.ClientRegistry).get(f.machine.client_id))!;
    const minted = await f.t.app.container.resolve(DI.AccessTokenMinter).mint({
      client,
      grantType: "client_credentials",
      subject: client.clientId,
      scopes: ["api:read"],
      audiences: [API],
      confirmation: { jkt },
      ttl: 300,
      format: "jwt",
    });
    return minted.token;
  };

  describe("M75: malformed, unsupported, invalid, expired or revoked tokens → 400 invalid_request", () => {
    for (const [name, params, description] of [
      ["subject_token missing", { subject_token_type: TokenTypes.accessToken }, "subject_token is required"],
      ["subject_token_type missing", { subject_token: "x" }, "subject_token_type is required"],
      ["an unsupported subject_token_type", subject("x", "urn:ietf:params:oauth:token-type:saml2"), "unsupported subject_token_type"],
      ["a malformed jwt subject_token", subject("a.b.c", TokenTypes.jwt), "subject_token rejected: not a well-formed signed JWT"],
      ["an unsupported requested_token_type", { ...subject("x"), requested_token_type: TokenTypes.idToken }, "unsupported requested_token_type"],
      ["an invalid subject_token", subject("not-a-token"), "subject_token is invalid, expired or revoked"],
    ] as const) {
      test(name, async () => {
        await assertError(await f.exchange(f.gateway, params), 400, "invalid_request", description);
      });
    }

    test("an invalid, unsupported or lone actor_token_type", async () => {
      await assertError(await f.exchange(f.gateway, { ...subject(await source()), ...actor("not-a-token") }), 400, "invalid_request", "actor_token is invalid, expired or revoked");
      await assertError(await f.exchange(f.gateway, { ...subject(await source()), ...actor("y", "urn:example:token-type:ticket") }), 400, "invalid_request", "unsupported actor_token_type");
      await assertError(await f.exchange(f.gateway, { ...subject(await source()), actor_token_type: TokenTypes.accessToken }), 400, "invalid_request", "actor_token_type must not be sent without actor_token");
    });

    test("a subject_token of another type than declared", async () => {
      await assertError(await f.exchange(f.gateway, subject(await source(), TokenTypes.refreshToken)), 400, "invalid_request", "subject_token is invalid, expired or revoked");
    });

    test("a revoked subject_token", async () => {
      const token = await f.clientToken(f.machine, "api:read");
      await f.revoke(f.machine, token);
      await assertError(await f.exchange(f.gateway, { ...subject(token), audience: API }), 400, "invalid_request", "subject_token is invalid, expired or revoked");
    });

    test("an expired subject_token and actor_token", async () => {
      const token = await f.clientToken(f.machine, "api:read");
      const actorToken = await f.clientToken(f.gateway);
      clock.advance(3601_000);
      await assertError(await f.exchange(f.gateway, { ...subject(token), audience: API }), 400, "invalid_request", "subject_token is invalid, expired or revoked");
      await assertError(await f.exchange(f.gateway, { ...subject(await source()), ...actor(actorToken), audience: API }), 400, "invalid_request", "actor_token is invalid, expired or revoked");
    });
  });

  describe("M76: no privilege escalation", () => {
    test("an audience the policy does not allow → 400 invalid_target", async () => {
      await assertError(await f.exchange(f.limited, { ...subject(await source()), audience: OTHER }), 400, "invalid_target", `audience '${OTHER}' is not allowed for this client`);
    });

    test("a resource the policy does not allow → 400 invalid_target", async () => {
      await assertError(await f.exchange(f.limited, { ...subject(await source()), resource: OTHER }), 400, "invalid_target", `audience '${OTHER}' is not allowed for this client`);
    });

    test("an inferred audience must be allowed too", async () => {
      const other = await f.t.createClient({ grant_types: ["client_credentials"], scope: "other:read" });
      await assertError(await f.exchange(f.limited, subject(await f.clientToken(other))), 400, "invalid_target", `audience '${OTHER}' is not allowed for this client`);
    });

    test("an audience or resource naming nothing registered → 400 invalid_target", async () => {
      await assertError(await f.exchange(f.gateway, { ...subject(await source()), audience: "urn:nowhere" }), 400, "invalid_target", "unknown audience 'urn:nowhere'");
      await assertError(await f.exchange(f.gateway, { ...subject(await source()), resource: "https://nowhere.example.test/" }), 400, "invalid_target", "unknown resource 'https://nowhere.example.test/'");
    });

    test("a scope wider than the subject_token's → 400 invalid_scope", async () => {
      await assertError(await f.exchange(f.gateway, { ...subject(await source()), audience: API, scope: "api:read api:write" }), 400, "invalid_scope", "scope 'api:write' exceeds the original grant");
    });

    test("without scope the exchange keeps the subject_token's scopes", async () => {
      const body = await f.exchanged(f.limited, { ...subject(await source()), audience: API });
      assert.equal(body.scope, "api:read");
    });
  });

  describe("M77: a sender-constrained subject_token", () => {
    test("exchanged without proof of its key → 400 invalid_request", async () => {
      const res = await f.exchange(f.limited, { ...subject(await boundToken()), audience: API });
      await assertError(res, 400, "invalid_request", "subject_token is sender-constrained and no proof of its key was presented");
    });

    test("exchanged with a DPoP proof of its key → accepted, and the new token is bound to that key; another key → 400", async () => {
      const key = new DpopTestKey();
      const token = await boundToken(key.jkt);
      const exchangeWith = (signer: DpopTestKey) =>
        f.t.postForm("/token", { grant_type: GRANT, ...subject(token), audience: API }, { ...basic(f.limited.client_id, f.limited.client_secret!), dpop: signer.proof("POST", `${f.t.issuer}/token`, clock.now()) });
      await assertError(await exchangeWith(new DpopTestKey()), 400, "invalid_request", "subject_token is sender-constrained to another key");
      const res = await exchangeWith(key);
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as { access_token: string; token_type: string };
      assert.equal(body.token_type, "DPoP");
      assert.deepEqual(payloadOf(body.access_token).cnf, { jkt: key.jkt });
    });

    test("only a policy that releases the constraint yields an unbound token", async () => {
      const body = await f.exchanged(f.releaser, { ...subject(await boundToken()), audience: API });
      assert.equal(payloadOf(body.access_token).cnf, undefined);
      assert.equal(body.token_type, "Bearer");
    });
  });

  describe("M78: delegation and who may exchange", () => {
    test("an act chain is preserved, nested", async () => {
      const first = await f.exchanged(f.gateway, { ...subject(await source()), ...actor(await f.clientToken(f.gateway)), audience: f.svcB.client_id });
      const second = await f.exchanged(f.svcB, { ...subject(first.access_token), ...actor(await f.clientToken(f.svcB)), resource: OTHER });
      assert.deepEqual(payloadOf(second.access_token).act, { sub: f.svcB.client_id, act: { sub: f.gateway.client_id } });
    });

    test("may_act not satisfied → 400 invalid_request", async () => {
      const client = (await f.t.app.container.resolve(DI.ClientRegistry).get(f.machine.client_id))!;
      const { token } = await f.t.app.container.resolve(DI.AccessTokenMinter).mint({
        client,
        grantType: "client_credentials",
        subject: client.clientId,
        scopes: ["api:read"],
        audiences: [API],
        extraClaims: { may_act: { sub: "someone-else" } },
        ttl: 300,
        format: "jwt",
      });
      await assertError(await f.exchange(f.gateway, { ...subject(token), ...actor(await f.clientToken(f.gateway)), audience: API }), 400, "invalid_request", "the actor is not one the subject_token's may_act allows");
      await assertError(await f.exchange(f.gateway, { ...subject(token), audience: API }), 400, "invalid_request", "the actor is not one the subject_token's may_act allows");
    });

    test("an actor_token issued to another client → 400 invalid_request", async () => {
      await assertError(await f.exchange(f.gateway, { ...subject(await source()), ...actor(await f.clientToken(f.svcB)), audience: API }), 400, "invalid_request", "actor_token was not issued to this client");
    });

    test("delegation or impersonation the client is not configured for → 400 invalid_request", async () => {
      await assertError(await f.exchange(f.limited, { ...subject(await source()), ...actor(await f.clientToken(f.limited)), audience: API }), 400, "invalid_request", "delegation (actor_token) is not allowed for this client");
      await assertError(await f.exchange(f.svcB, { ...subject(await source()), resource: OTHER }), 400, "invalid_request", "impersonation (no actor_token) is not allowed for this client");
    });

    test("a client not registered for the grant → 400 unauthorized_client", async () => {
      await assertError(await f.exchange(f.machine, subject(await source())), 400, "unauthorized_client", `the client is not registered for ${GRANT}`);
    });

    test("a client registered for the grant without token_exchange metadata → 400 unauthorized_client", async () => {
      await assertError(await f.exchange(f.unconfigured, { ...subject(await source()), audience: API }), 400, "unauthorized_client", "the client is not configured for token exchange");
    });

    test("a client cannot give itself token_exchange metadata at /register (operator only)", async () => {
      const { token } = await f.t.app.container.resolve(InitialAccessTokens).create();
      const metadata = { grant_types: [GRANT], token_exchange: { audiences: [API, OTHER], impersonation: true, delegation: true } };
      const res = await fetch(`${f.t.publicUrl}/register`, { method: "POST", body: JSON.stringify(metadata), headers: { "content-type": "application/json", authorization: `Bearer ${token}` } });
      assert.equal(res.status, 201, await res.clone().text());
      const registered = (await res.json()) as { client_id: string; client_secret: string; token_exchange?: unknown };
      assert.equal(registered.token_exchange, undefined);
      await assertError(await f.exchange(registered, { ...subject(await source()), audience: API }), 400, "unauthorized_client", "the client is not configured for token exchange");
    });
  });
});
