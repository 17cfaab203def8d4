import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenExchangePolicyChain } from "../../../src/core/grants/token-exchange-policies.js";
import { OAuthErrors, TokenTypes, type TokenExchangePermit, type TokenExchangePolicy, type TokenExchangeQuery } from "../../../src/plugin-sdk/index.js";
import { testClient } from "../../../src/plugin-sdk/testing/index.js";

const query: TokenExchangeQuery = {
  client: testClient(),
  subjectToken: { type: TokenTypes.accessToken, issuer: "https://as.example.test", subject: "alice", scopes: [], audiences: [], expiresAt: 1, claims: {} },
  requestedTokenType: TokenTypes.accessToken,
  scopes: [],
  audiences: ["https://as.example.test"],
  refreshToken: false,
};

const policy = (id: string, answer: TokenExchangePermit | Error, asked: string[] = []): TokenExchangePolicy => ({
  id,
  async evaluate() {
    asked.push(id);
    if (answer instanceof Error) throw answer;
    return answer;
  },
});

describe("TokenExchangePolicyChain (RFC 8693 §5)", () => {
  it("refuses everything when no policy is enabled", async () => {
    await assert.rejects(new TokenExchangePolicyChain([]).evaluate(query), { error: "unauthorized_client", description: "no token-exchange policy is enabled" });
  });

  it("asks every policy in order; the first refusal is the answer", async () => {
    const asked: string[] = [];
    const chain = new TokenExchangePolicyChain([policy("a", {}, asked), policy("b", OAuthErrors.invalidTarget("no"), asked), policy("c", {}, asked)]);
    await assert.rejects(chain.evaluate(query), { error: "invalid_target" });
    assert.deepEqual(asked, ["a", "b"]);
  });

  it("releases a sender constraint only when every policy does", async () => {
    const release = policy("release", { releaseSenderConstraint: true });
    assert.deepEqual(await new TokenExchangePolicyChain([release, release]).evaluate(query), { releaseSenderConstraint: true });
    assert.deepEqual(await new TokenExchangePolicyChain([release, policy("keep", {})]).evaluate(query), { releaseSenderConstraint: false });
  });

  it("hands the policies a frozen query", async () => {
    let seen: TokenExchangeQuery | undefined;
    await new TokenExchangePolicyChain([{ id: "x", evaluate: async (q) => ((seen = q), {}) }]).evaluate(query);
    assert.ok(Object.isFrozen(seen));
  });
});
