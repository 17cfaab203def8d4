import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { TokenExchangeMetadataField, type TokenExchangeSettings } from "../../../plugins/policies/token-exchange/token-exchange-metadata.field.js";
import { ClientMetadataTokenExchangePolicy } from "../../../plugins/policies/token-exchange/token-exchange.policy.js";
import { TOKEN_EXCHANGE_GRANT_TYPE, TokenTypes, type ExchangedToken, type TokenExchangeQuery } from "../../../src/plugin-sdk/index.js";
import { testClient } from "../../../src/plugin-sdk/testing/index.js";

const API = "https://api.example.test/";
const field = new TokenExchangeMetadataField();
const policy = new ClientMetadataTokenExchangePolicy();

const token = (overrides: Partial<ExchangedToken> = {}): ExchangedToken => ({
  type: TokenTypes.accessToken,
  issuer: "https://as.example.test",
  subject: "alice",
  clientId: "frontend",
  scopes: ["api:read"],
  audiences: [API],
  expiresAt: 2_000_000_000,
  claims: {},
  ...overrides,
});

const query = (settings: Partial<TokenExchangeSettings> | undefined, overrides: Partial<TokenExchangeQuery> = {}): TokenExchangeQuery => ({
  client: testClient(settings === undefined ? {} : { token_exchange: field.parse({ audiences: [API], impersonation: true, ...settings }) }, "gateway"),
  subjectToken: token(),
  requestedTokenType: TokenTypes.accessToken,
  scopes: ["api:read"],
  audiences: [API],
  refreshToken: false,
  ...overrides,
});

describe("token_exchange client metadata", () => {
  it("fills the defaults: access tokens only, nothing beyond what is named", () => {
    assert.deepEqual(field.parse({ audiences: [API, API], delegation: true }), {
      audiences: [API],
      subject_token_types: [TokenTypes.accessToken],
      actor_token_types: [TokenTypes.accessToken],
      impersonation: false,
      delegation: true,
      refresh_tokens: false,
      release_sender_constraint: false,
    });
    assert.equal(field.setBy, "operator", "a client cannot grant itself exchanges at /register");
  });

  it("refuses malformed settings with invalid_client_metadata naming the field", () => {
    for (const bad of [
      "yes",
      [],
      { audiences: [] },
      { audiences: [API] },
      { audiences: [API], impersonation: "true" },
      { audiences: [API], impersonation: true, subject_token_types: ["urn:ietf:params:oauth:token-type:saml2"] },
      { audiences: [API], impersonation: true, subject_token_types: [] },
      { audiences: [API], impersonation: true, audience: [API] },
    ]) {
      assert.throws(() => field.parse(bad), (e: { error: string; description: string }) => e.error === "invalid_client_metadata" && e.description.startsWith("token_exchange: "), JSON.stringify(bad));
    }
  });

  it("needs the token-exchange grant type", () => {
    assert.throws(() => field.validate({ grant_types: ["client_credentials"] }), { error: "invalid_client_metadata" });
    field.validate({ grant_types: [TOKEN_EXCHANGE_GRANT_TYPE] });
  });
});

describe("the client-metadata token-exchange policy", () => {
  it("refuses a client without token_exchange metadata with unauthorized_client", async () => {
    await assert.rejects(policy.evaluate(query(undefined)), { error: "unauthorized_client" });
  });

  it("permits what the metadata allows, and releases a sender constraint only when it says so", async () => {
    assert.deepEqual(await policy.evaluate(query({})), { releaseSenderConstraint: false });
    assert.deepEqual(await policy.evaluate(query({ release_sender_constraint: true })), { releaseSenderConstraint: true });
  });

  it("refuses a subject token type it does not list (invalid_request)", async () => {
    await assert.rejects(policy.evaluate(query({}, { subjectToken: token({ type: TokenTypes.idToken }) })), { error: "invalid_request", message: /subject_token_type/ });
    await policy.evaluate(query({ subject_token_types: [TokenTypes.idToken] }, { subjectToken: token({ type: TokenTypes.idToken }) }));
  });

  it("impersonation and delegation each need their flag", async () => {
    const actorToken = token({ subject: "gateway", clientId: "gateway" });
    await assert.rejects(policy.evaluate(query({ impersonation: false, delegation: true })), { error: "invalid_request", message: /impersonation/ });
    await assert.rejects(policy.evaluate(query({}, { actorToken })), { error: "invalid_request", message: /delegation/ });
    await policy.evaluate(query({ impersonation: false, delegation: true }, { actorToken }));
  });

  it("an actor token must be of an allowed type and issued to the requesting client", async () => {
    const settings = { impersonation: false, delegation: true };
    await assert.rejects(policy.evaluate(query(settings, { actorToken: token({ subject: "gateway", clientId: "someone-else" }) })), { error: "invalid_request", message: /not issued to this client/ });
    await assert.rejects(policy.evaluate(query(settings, { actorToken: token({ type: TokenTypes.idToken, clientId: "gateway" }) })), { error: "invalid_request", message: /actor_token_type/ });
  });

  it("every audience of the issued token must be listed (invalid_target)", async () => {
    await assert.rejects(policy.evaluate(query({}, { audiences: [API, "https://other.example.test/"] })), { error: "invalid_target", message: /other\.example\.test/ });
  });

  it("a refresh token needs refresh_tokens", async () => {
    await assert.rejects(policy.evaluate(query({}, { refreshToken: true })), { error: "invalid_request", message: /refresh tokens/ });
    await policy.evaluate(query({ refresh_tokens: true }, { refreshToken: true }));
  });
});
