import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenExchangeGrant } from "../../../plugins/grants/token-exchange/token-exchange.grant.js";
import {
  MAX_ACTOR_CHAIN,
  OAuthErrors,
  TOKEN_EXCHANGE_GRANT_TYPE,
  TokenTypes,
  type ActorClaim,
  type IssuedTokenFacts,
  type TokenExchangePermit,
  type TokenExchangeQuery,
} from "../../../src/plugin-sdk/index.js";
import { grantRequest, recordingGrantContext, testClient } from "../../../src/plugin-sdk/testing/index.js";

const ISSUER = "https://as.example.test";
const API = "https://api.example.test/";
const gateway = { client: testClient({}, "gateway"), method: "client_secret_basic" };

const facts = (overrides: Partial<IssuedTokenFacts> = {}): IssuedTokenFacts => ({
  kind: "access_token",
  subject: "alice",
  clientId: "frontend",
  scopes: ["api:read", "api:write"],
  audiences: [API],
  issuedAt: 0,
  expiresAt: 3600,
  grantId: "g-alice",
  claims: {},
  ...overrides,
});

const tokens: Record<string, IssuedTokenFacts> = {
  "at-alice": facts(),
  "at-bound": facts({ confirmation: { jkt: "thumbprint" } }),
  "at-gateway": facts({ subject: "gateway", clientId: "gateway", grantId: undefined, scopes: [] }),
  "at-delegated": facts({ claims: { act: { sub: "svc-a", act: { sub: "svc-0" } } } }),
  "at-may-act": facts({ claims: { may_act: { sub: "gateway" } } }),
  "rt-frontend": facts({ kind: "refresh_token" }),
  "rt-gateway": facts({ kind: "refresh_token", clientId: "gateway" }),
  "id-alice": facts({ kind: "id_token", clientId: "gateway", scopes: [], grantId: undefined }),
  "id-pairwise": facts({ kind: "id_token", subject: "pairwise-sub", clientId: "gateway", scopes: [], grantId: undefined }),
  "id-disabled": facts({ kind: "id_token", subject: "mallory", clientId: "gateway", scopes: [], grantId: undefined }),
};

/** A policy that records what it is asked and permits (or refuses with `refusal`). */
function fakePolicy(permit: TokenExchangePermit = {}, refusal?: Error) {
  const queries: TokenExchangeQuery[] = [];
  return {
    queries,
    evaluate: async (query: TokenExchangeQuery) => {
      queries.push(query);
      if (refusal) throw refusal;
      return permit;
    },
  };
}

const context = () => recordingGrantContext({ tokens, users: [{ id: "alice", username: "alice", disabled: false }, { id: "mallory", username: "mallory", disabled: true }] });

async function exchange(params: Record<string, string | string[]>, policy = fakePolicy(), ctx = context()) {
  const decision = await new TokenExchangeGrant(ISSUER, policy).handle(grantRequest(TOKEN_EXCHANGE_GRANT_TYPE, params, gateway), ctx);
  return { decision, policy, ctx };
}

const subject = (token: string, type: string = TokenTypes.accessToken) => ({ subject_token: token, subject_token_type: type });

describe("token exchange grant: request (corpus M75)", () => {
  it("declares its parameters; audience and resource repeat; the client must authenticate", () => {
    const grant = new TokenExchangeGrant(ISSUER, fakePolicy());
    assert.equal(grant.grantType, "urn:ietf:params:oauth:grant-type:token-exchange");
    assert.deepEqual([...grant.repeatable], ["audience", "resource"]);
    assert.equal(grant.clientAuthentication, "required");
  });

  for (const [name, params, description] of [
    ["subject_token missing", { subject_token_type: TokenTypes.accessToken }, "subject_token is required"],
    ["subject_token_type missing", { subject_token: "at-alice" }, "subject_token_type is required"],
    ["unsupported subject_token_type", subject("at-alice", "urn:ietf:params:oauth:token-type:saml2"), "unsupported subject_token_type"],
    ["a jwt subject_token the trusted issuers reject", subject("at-alice", TokenTypes.jwt), "subject_token rejected: iss is not a trusted issuer"],
    ["an unknown subject_token", subject("nope"), "subject_token is invalid, expired or revoked"],
    ["a token of another type than declared", subject("rt-gateway"), "subject_token is invalid, expired or revoked"],
    ["another client's refresh token", subject("rt-frontend", TokenTypes.refreshToken), "subject_token was issued to another client"],
    ["a pairwise ID token", subject("id-pairwise", TokenTypes.idToken), "subject_token does not name an active user"],
    ["a disabled user's ID token", subject("id-disabled", TokenTypes.idToken), "subject_token does not name an active user"],
    ["actor_token without its type", { ...subject("at-alice"), actor_token: "at-gateway" }, "actor_token_type is required"],
    ["actor_token_type without actor_token", { ...subject("at-alice"), actor_token_type: TokenTypes.accessToken }, "actor_token_type must not be sent without actor_token"],
    ["an invalid actor_token", { ...subject("at-alice"), actor_token: "nope", actor_token_type: TokenTypes.accessToken }, "actor_token is invalid, expired or revoked"],
    ["an unsupported requested_token_type", { ...subject("at-alice"), requested_token_type: TokenTypes.idToken }, "unsupported requested_token_type"],
  ] as const) {
    it(`${name} → invalid_request`, async () => {
      const policy = fakePolicy();
      await assert.rejects(exchange(params, policy), { error: "invalid_request", description });
      assert.equal(policy.queries.length, 0, "nothing reaches the policy");
    });
  }
});

describe("token exchange grant: impersonation", () => {
  it("keeps the subject, narrows scopes, derives from the subject token and answers issued_token_type", async () => {
    const { decision, policy, ctx } = await exchange({ ...subject("at-alice"), scope: "api:read", audience: "svc-b" });
    assert.deepEqual(ctx.accessCalls[0]!.options, { maxScopes: ["api:read", "api:write"], audiences: ["svc-b"] });
    assert.equal(decision.subject, "alice");
    assert.deepEqual(decision.access, { scopes: ["api:read"], resources: ["svc-b"] });
    assert.equal(decision.derivedFrom, tokens["at-alice"]);
    assert.equal(decision.actor, undefined);
    assert.equal(decision.issueRefreshToken, false);
    assert.deepEqual(decision.response, { issued_token_type: TokenTypes.accessToken });
    const asked = policy.queries[0]!;
    assert.equal(asked.client.clientId, "gateway");
    assert.equal(asked.subjectToken.subject, "alice");
    assert.equal(asked.subjectToken.issuer, ISSUER);
    assert.equal(asked.actorToken, undefined);
    assert.deepEqual([asked.requestedTokenType, asked.scopes, asked.audiences, asked.refreshToken], [TokenTypes.accessToken, ["api:read"], ["svc-b"], false]);
  });

  it("a scope wider than the subject token's is invalid_scope", async () => {
    await assert.rejects(exchange({ ...subject("at-alice"), scope: "api:read api:admin" }), { error: "invalid_scope" });
  });

  it("without a target the policy sees the issuer as the audience", async () => {
    const { policy } = await exchange(subject("id-alice", TokenTypes.idToken), undefined, recordingGrantContext({ tokens, users: [{ id: "alice", username: "alice", disabled: false }] }));
    assert.deepEqual(policy.queries[0]!.audiences, [ISSUER]);
  });

  it("requested_token_type jwt asks core for a JWT and answers jwt; refresh_token adds a refresh token", async () => {
    const jwt = (await exchange({ ...subject("at-alice"), requested_token_type: TokenTypes.jwt })).decision;
    assert.equal(jwt.accessTokenFormat, "jwt");
    assert.deepEqual(jwt.response, { issued_token_type: TokenTypes.jwt });
    const { decision, policy } = await exchange({ ...subject("rt-gateway", TokenTypes.refreshToken), requested_token_type: TokenTypes.refreshToken });
    assert.equal(decision.issueRefreshToken, true);
    assert.equal(policy.queries[0]!.refreshToken, true);
    assert.deepEqual(decision.response, { issued_token_type: TokenTypes.accessToken }, "access_token still holds an access token");
  });

  it("a policy's refusal is the answer", async () => {
    await assert.rejects(exchange(subject("at-alice"), fakePolicy({}, OAuthErrors.invalidTarget("no"))), { error: "invalid_target" });
  });

  it("a delegated subject token keeps its act chain: no actor token never turns delegation into impersonation", async () => {
    const { decision } = await exchange(subject("at-delegated"));
    assert.deepEqual(decision.actor, { sub: "svc-a", act: { sub: "svc-0" } });
  });
});

describe("token exchange grant: delegation (corpus M78)", () => {
  const delegate = (token: string, extra: Record<string, string> = {}) => exchange({ ...subject(token), actor_token: "at-gateway", actor_token_type: TokenTypes.accessToken, ...extra });

  it("the actor becomes act, on top of the subject token's chain", async () => {
    assert.deepEqual((await delegate("at-alice")).decision.actor, { sub: "gateway" });
    const nested = await delegate("at-delegated");
    assert.deepEqual(nested.decision.actor, { sub: "gateway", act: { sub: "svc-a", act: { sub: "svc-0" } } });
    assert.equal(nested.decision.subject, "alice");
    assert.equal(nested.policy.queries[0]!.actorToken?.subject, "gateway");
  });

  it("a chain that would exceed MAX_ACTOR_CHAIN is refused", async () => {
    let deep: ActorClaim = { sub: "svc-0" };
    for (let i = 1; i < MAX_ACTOR_CHAIN; i++) deep = { sub: `svc-${i}`, act: deep };
    const ctx = recordingGrantContext({ tokens: { ...tokens, "at-deep": facts({ claims: { act: deep } }) } });
    await assert.rejects(exchange({ ...subject("at-deep"), actor_token: "at-gateway", actor_token_type: TokenTypes.accessToken }, fakePolicy(), ctx), { error: "invalid_request", message: /delegation chain/ });
  });

  it("may_act: the actor it names passes, any other actor is refused", async () => {
    assert.deepEqual((await delegate("at-may-act")).decision.actor, { sub: "gateway" });
    const ctx = recordingGrantContext({ tokens: { ...tokens, "at-may-act-b": facts({ claims: { may_act: { sub: "svc-b" } } }) } });
    await assert.rejects(exchange({ ...subject("at-may-act-b"), actor_token: "at-gateway", actor_token_type: TokenTypes.accessToken }, fakePolicy(), ctx), {
      error: "invalid_request",
      description: "the actor is not one the subject_token's may_act allows",
    });
  });

  it("may_act without an actor token names the requesting client", async () => {
    await exchange(subject("at-may-act"));
    const ctx = recordingGrantContext({ tokens: { "at-x": facts({ claims: { may_act: { client_id: "someone-else" } } }), "at-empty": facts({ claims: { may_act: { iss: ISSUER } } }) } });
    await assert.rejects(exchange(subject("at-x"), fakePolicy(), ctx), { error: "invalid_request" });
    await assert.rejects(exchange(subject("at-empty"), fakePolicy(), ctx), { error: "invalid_request" }, "may_act must name a sub or client_id");
  });
});

describe("token exchange grant: sender constraint (corpus M77)", () => {
  it("a bound subject token is refused without proof of its key", async () => {
    await assert.rejects(exchange(subject("at-bound")), { error: "invalid_request", description: "subject_token is sender-constrained and no proof of its key was presented" });
  });

  it("unless every policy releases the constraint", async () => {
    const { decision } = await exchange(subject("at-bound"), fakePolicy({ releaseSenderConstraint: true }));
    assert.equal(decision.subject, "alice");
  });
});
