import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import type { Config } from "../../../src/config/config.js";
import { AuthorizationCodeService, type CodeGrant } from "../../../src/core/codes/authorization-code.service.js";
import type { RevocationService } from "../../../src/core/tokens/access-token.js";
import { MemoryEphemeralStore } from "../../../src/storage/memory/memory-ephemeral.store.js";
import { FakeClock } from "../../support/fake-clock.js";

/** The used-code marker lives as long as a reuse can revoke something alive (docs/decisions.md "Used-code marker lifetime"). */
const CODE_TTL_S = 60;
const TOLERANCE_S = 30;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const GRANT: CodeGrant = { clientId: "app", redirectUri: "https://app.example.test/cb", subject: "alice", scopes: ["api:read"], resources: ["https://api.example.test/"] };
const BINDING = { clientId: "app", redirectUri: GRANT.redirectUri, codeVerifier: undefined, publicClient: false, sender: {} };

describe("used-code marker lifetime (RFC 6749 §4.1.2)", () => {
  const clock = new FakeClock();
  const store = new MemoryEphemeralStore(clock, { monotonicNow: () => clock.now() });
  after(() => store.close());
  const revoked: string[] = [];
  const revocation: RevocationService = {
    revokeAccessToken: async () => undefined,
    revokeJti: async (jti) => void revoked.push(`jti:${jti}`),
    revokeGrant: async (grantId) => void revoked.push(`grant:${grantId}`),
  };
  let counter = 0;
  const random = { token: () => `code-${++counter}`, id: () => `id-${++counter}` };
  const config = { authorizationCodeTtl: CODE_TTL_S, clockTolerance: TOLERANCE_S } as Config;
  const codes = new AuthorizationCodeService(store, revocation, random, config, clock);

  /** Issues and redeems a code, records what it issued (`issued(nowSeconds)`), and returns a function that reuses it. */
  const redeemed = async (issued: (nowS: number) => Parameters<AuthorizationCodeService["recordIssued"]>[1]) => {
    const code = await codes.issue(GRANT);
    const { handle } = await codes.redeem(code, BINDING);
    await codes.recordIssued(handle, issued(Math.floor(clock.now() / 1000)));
    return async () => {
      revoked.length = 0;
      await assert.rejects(codes.redeem(code, BINDING), { error: "invalid_grant" });
      return [...revoked];
    };
  };
  const markers = () => store.size;

  it("without a grant: kept until the access token's exp plus clock tolerance, then dropped", async () => {
    const reuse = await redeemed((now) => ({ jti: "j1", exp: now + 3600 }));
    clock.advance(HOUR_MS + TOLERANCE_S * 1000 - 1000);
    assert.deepEqual(await reuse(), ["jti:j1"], "a reuse while the token can still be accepted revokes it");
    clock.advance(1000);
    assert.deepEqual(await reuse(), [], "then nothing is left to revoke, and the marker is gone");
    assert.equal(markers(), 0);
  });

  it("never shorter than the code's own lifetime, even for a token that expires sooner", async () => {
    const reuse = await redeemed((now) => ({ jti: "j2", exp: now + 1 }));
    clock.advance(CODE_TTL_S * 1000 - 1000);
    assert.deepEqual(await reuse(), ["jti:j2"]);
    clock.advance(1000);
    assert.deepEqual(await reuse(), []);
  });

  it("with a grant: until the grant expires when that is later than the access token", async () => {
    const reuse = await redeemed((now) => ({ grantId: "g1", jti: "j3", exp: now + 600, grantExpiresAt: clock.now() + 2 * HOUR_MS }));
    clock.advance(2 * HOUR_MS - 1000);
    assert.deepEqual(await reuse(), ["grant:g1", "jti:j3"]);
    clock.advance(1000);
    assert.deepEqual(await reuse(), []);
  });

  it("at most 24 h (MAX_ACCESS_TOKEN_TTL), for a grant that lives longer or whose expiry is unknown", async () => {
    const longGrant = await redeemed((now) => ({ grantId: "g2", jti: "j4", exp: now + 600, grantExpiresAt: clock.now() + 14 * DAY_MS }));
    const unknownExpiry = await redeemed((now) => ({ grantId: "g3", jti: "j5", exp: now + 600 }));
    clock.advance(DAY_MS - 1000);
    assert.deepEqual(await longGrant(), ["grant:g2", "jti:j4"]);
    assert.deepEqual(await unknownExpiry(), ["grant:g3", "jti:j5"]);
    clock.advance(1000);
    assert.deepEqual(await longGrant(), []);
    assert.deepEqual(await unknownExpiry(), []);
    assert.equal(markers(), 0);
  });
});
