import "reflect-metadata";
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { InternalCaller } from "../../../src/core/policy/internal-caller.js";
import type { ActiveToken, TokenValidator } from "../../../src/core/tokens/access-token.js";
import { IntrospectionService } from "../../../src/core/tokens/introspection.service.js";
import type { Client, IntrospectionCustomizer } from "../../../src/plugin-sdk/index.js";
import { testConfig } from "../keys/key-fixtures.js";

const token: ActiveToken = {
  kind: "access_token",
  format: "jwt",
  clientId: "owner",
  subject: "alice",
  scopes: ["read"],
  audiences: ["https://api.example"],
  issuedAt: 1_000,
  expiresAt: 1_300,
  jti: "jti-1",
  tokenType: "Bearer",
  claims: { iss: "https://issuer.example", sub: "alice", aud: "https://api.example", exp: 1_300, iat: 1_000, jti: "jti-1", client_id: "owner", cnf: { jkt: "thumb" } },
};
const validator: TokenValidator = {
  validateAccessToken: async (value) => (value === "at" ? token : undefined),
  validateRefreshToken: async () => undefined,
};
const customizer: IntrospectionCustomizer = { id: "dept", customize: async (_response, caller) => ({ department: caller.clientId, sub: "forged" }) };
const client = (clientId: string, hooks?: string[]): Client => ({ clientId, metadata: { hooks }, issuedAt: 0, updatedAt: 0 });
const internal = (scopes: string[], caller?: Client): InternalCaller => ({ kind: "internal", scopes, client: caller });

describe("IntrospectionService: internal callers (RFC 7662 §2.1)", () => {
  const config = testConfig();
  const service = new IntrospectionService(validator, [customizer], config);
  const core = { active: true, client_id: "owner", sub: "alice", exp: 1_300, iat: 1_000, iss: config.issuer, jti: "jti-1", token_type: "Bearer", scope: "read", aud: "https://api.example", cnf: { jkt: "thumb" } };

  it("an internal caller holding portcullis:tokens sees every token; a certificate caller (no client) runs no customizer", async () => {
    assert.deepEqual(await service.introspect("at", undefined, internal(["portcullis:tokens"])), core);
  });

  it("an internal caller without portcullis:tokens sees nothing", async () => {
    assert.deepEqual(await service.introspect("at", undefined, internal(["portcullis:validate"], client("rs", ["dept"]))), { active: false });
  });

  it("the customizers the caller's client opted into add members, never replacing core's", async () => {
    assert.deepEqual(await service.introspect("at", undefined, internal(["portcullis:tokens"], client("rs", ["dept"]))), { ...core, department: "rs" });
    assert.deepEqual(await service.introspect("at", undefined, internal(["portcullis:tokens"], client("rs"))), core);
  });

  it("an authenticated client sees only its own and its audience's tokens, with its customizers (unchanged for /introspect)", async () => {
    assert.deepEqual(await service.introspect("at", undefined, { client: client("owner", ["dept"]), method: "client_secret_basic" }), { ...core, department: "owner" });
    assert.deepEqual(await service.introspect("at", undefined, { client: client("stranger", ["dept"]), method: "client_secret_basic" }), { active: false });
  });
});
