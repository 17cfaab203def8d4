import "reflect-metadata";
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { RefreshTokenService } from "../../../src/core/tokens/refresh-token.service.js";
import type { Client } from "../../../src/plugin-sdk/client.js";
import { UNBOUND } from "../../../src/plugin-sdk/sender-binding.js";
import { counterRandom } from "../keys/key-fixtures.js";
import { client, tokenFixture, type TokenFixture } from "./token-fixtures.js";

const CERT = "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2";
const OTHER_CERT = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
const publicClient: Client = { ...client, metadata: { token_endpoint_auth_method: "none" } };

/**
 * Refresh-token binding is generic on SenderBinding: a public client's grant is bound to what its first token request
 * proved, a DPoP key (RFC 9449 §5) or, as here with a constructed binding, a certificate thumbprint (RFC 8705 §4).
 */
describe("RefreshTokenService: bound refresh tokens", () => {
  let f: TokenFixture;
  let refresh: RefreshTokenService;
  beforeEach(async () => {
    f = await tokenFixture();
    refresh = new RefreshTokenService(f.storage, f.revocation, f.clock, counterRandom("grants"), f.config);
  });
  afterEach(() => f.close());

  it("a public client's certificate-bound refresh token needs the same certificate; failures rotate and revoke nothing", async () => {
    const issued = await refresh.issue({ client: publicClient, subject: "alice", scopes: ["offline_access"], resources: [], binding: { x5tS256: CERT } });
    assert.deepEqual((await f.validator.validateRefreshToken(issued.refreshToken))?.claims.cnf, { "x5t#S256": CERT });
    const caller = { client: publicClient, method: "none" };
    for (const proven of [UNBOUND, { x5tS256: OTHER_CERT }, { jkt: CERT }]) {
      await assert.rejects(refresh.rotate(issued.refreshToken, caller, proven), { error: "invalid_grant", description: "the refresh token is bound to a key this request did not prove" });
    }
    assert.ok(await f.validator.validateRefreshToken(issued.refreshToken), "still the active token of a live grant");
    const rotated = await refresh.rotate(issued.refreshToken, caller, { x5tS256: CERT, jkt: "any-dpop-key" });
    assert.notEqual(rotated.refreshToken, issued.refreshToken);
    assert.deepEqual((await f.validator.validateRefreshToken(rotated.refreshToken))?.claims.cnf, { "x5t#S256": CERT }, "the successor keeps the binding");
  });

  it("a confidential client's refresh token is never bound, whatever its token request proved", async () => {
    const issued = await refresh.issue({ client, subject: "alice", scopes: ["offline_access"], resources: [], binding: { x5tS256: CERT } });
    assert.equal((await f.validator.validateRefreshToken(issued.refreshToken))?.claims.cnf, undefined);
    assert.ok(await refresh.rotate(issued.refreshToken, { client, method: "client_secret_basic" }, UNBOUND));
  });

  it("an unbound public grant stays unbound: any request may refresh it", async () => {
    const issued = await refresh.issue({ client: publicClient, subject: "alice", scopes: ["offline_access"], resources: [], binding: UNBOUND });
    assert.ok(await refresh.rotate(issued.refreshToken, { client: publicClient, method: "none" }, { jkt: "some-key" }));
  });
});
