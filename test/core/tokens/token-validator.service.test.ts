import "reflect-metadata";
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import { JwtSigner } from "../../../src/core/keys/jwt-signer.js";
import type { GrantRecord, RefreshTokenRecord } from "../../../src/core/ports/repositories.js";
import { secretDigest } from "../../../src/core/security/digest.js";
import { opaqueTokenKey } from "../../../src/core/tokens/jwt-access-token.minter.js";
import { ISSUER } from "../keys/key-fixtures.js";
import { mintRequest, tokenFixture, type TokenFixture } from "./token-fixtures.js";

describe("TokenValidatorService: access tokens", () => {
  let f: TokenFixture;
  beforeEach(async () => {
    f = await tokenFixture();
  });
  afterEach(() => f.close());

  it("returns the active JWT and caches the verification", async () => {
    const issued = await f.minter.mint(mintRequest({ grantId: "grant-1", confirmation: { jkt: "jkt-1" } }));
    const active = await f.validator.validateAccessToken(issued.token);
    assert.deepEqual(active, {
      kind: "access_token",
      format: "jwt",
      clientId: "client-1",
      subject: "client-1",
      scopes: ["read", "write"],
      audiences: ["https://api.example"],
      issuedAt: issued.claims.iat,
      expiresAt: issued.claims.exp,
      jti: issued.claims.jti,
      grantId: "grant-1",
      tokenType: "DPoP",
      claims: issued.claims,
      digest: undefined,
    });
    assert.ok(Object.isFrozen(active));
    assert.ok(await f.validator.validateAccessToken(issued.token));
    assert.equal(f.verifier.calls, 1);
  });

  it("has no exp leeway for its own tokens, cached or not", async () => {
    const issued = await f.minter.mint(mintRequest({ ttl: 60 }));
    assert.ok(await f.validator.validateAccessToken(issued.token));
    f.clock.advance(59_000);
    assert.ok(await f.validator.validateAccessToken(issued.token));
    f.clock.advance(1_000);
    assert.equal(await f.validator.validateAccessToken(issued.token), undefined);
    assert.equal(await (await f.otherNode()).validateAccessToken(issued.token), undefined);
  });

  it("rejects a revoked jti on every node, and the revocation event evicts the cache", async () => {
    const issued = await f.minter.mint(mintRequest());
    const other = await f.otherNode();
    const active = (await f.validator.validateAccessToken(issued.token))!;
    assert.ok(await other.validateAccessToken(issued.token));
    await f.revocation.revokeAccessToken(active, { cause: "request" });
    assert.equal(await f.validator.validateAccessToken(issued.token), undefined);
    assert.equal(f.verifier.calls, 2, "evicted, so verified again");
    assert.equal(await other.validateAccessToken(issued.token), undefined, "a node that missed the event still checks the index");
  });

  it("rejects every token of a revoked grant, and keeps tokens of other grants", async () => {
    const first = await f.minter.mint(mintRequest({ grantId: "grant-1" }));
    const second = await f.minter.mint(mintRequest({ grantId: "grant-1", format: "opaque" }));
    const unrelated = await f.minter.mint(mintRequest({ grantId: "grant-2" }));
    assert.ok(await f.validator.validateAccessToken(first.token));
    await f.revocation.revokeGrant("grant-1", { cause: "request" });
    assert.equal(await f.validator.validateAccessToken(first.token), undefined);
    assert.equal(await f.validator.validateAccessToken(second.token), undefined);
    assert.ok(await f.validator.validateAccessToken(unrelated.token));
  });

  it("validates opaque tokens by digest and forgets them once revoked", async () => {
    const issued = await f.minter.mint(mintRequest({ format: "opaque", grantId: "grant-9" }));
    const active = (await f.validator.validateAccessToken(issued.token))!;
    assert.equal(active.format, "opaque");
    assert.equal(active.digest, secretDigest(issued.token));
    assert.equal(active.tokenType, "Bearer");
    assert.deepEqual(active.claims, issued.claims);
    await f.revocation.revokeAccessToken(active, { cause: "request" });
    assert.equal(await f.store.get(opaqueTokenKey(active.digest!)), undefined);
    assert.equal(await f.validator.validateAccessToken(issued.token), undefined);
    const short = await f.minter.mint(mintRequest({ format: "opaque", ttl: 10 }));
    f.clock.advance(10_000);
    assert.equal(await f.validator.validateAccessToken(short.token), undefined, "expired");
  });

  it("returns undefined, never throws, for garbage, foreign and mis-typed tokens", async () => {
    const signer = new JwtSigner(f.keys);
    const now = Math.floor(f.clock.now() / 1000);
    const claims = { iss: ISSUER, sub: "s", aud: "a", exp: now + 60, iat: now, jti: "j", client_id: "client-1" };
    const { iss: _iss, ...noIssuer } = claims;
    const valid = (await f.minter.mint(mintRequest())).token;
    const tokens: unknown[] = [
      "",
      "x",
      "x".repeat(20_000),
      "a.b.c",
      "!!!.###.$$$",
      `${valid}x`,
      valid.replace(/\.[^.]+$/, ".AAAA"),
      "A".repeat(43),
      signer.sign("ES256", "JWT", claims),
      signer.sign("ES256", "at+jwt", { ...claims, iss: "https://other.example" }),
      signer.sign("ES256", "at+jwt", noIssuer),
      signer.sign("ES256", "at+jwt", { ...claims, iat: now + 31 }),
      signer.sign("ES256", "at+jwt", { ...claims, iat: now + 120, exp: now + 60 }),
      signer.sign("ES256", "at+jwt", { ...claims, exp: String(now + 60) }),
      signer.sign("ES256", "at+jwt", { ...claims, aud: [1] }),
      signer.sign("ES256", "at+jwt", { ...claims, scope: ["a"] }),
      undefined,
      null,
    ];
    for (const token of tokens) assert.equal(await f.validator.validateAccessToken(token as string), undefined, String(token).slice(0, 60));
    assert.ok(await f.validator.validateAccessToken(signer.sign("ES256", "at+jwt", { ...claims, iat: now + 30 })), "iat inside the clock tolerance");
  });
});

describe("TokenValidatorService: refresh tokens", () => {
  let f: TokenFixture;
  const grant = (now: number): GrantRecord => ({
    id: "grant-r",
    clientId: "client-1",
    subject: "alice",
    scopes: ["openid", "offline_access"],
    resources: ["https://api.example"],
    claims: {},
    createdAt: now,
    expiresAt: now + 86_400_000,
  });
  const refresh = (now: number, id = "rt-1", value = "refresh-value-1"): RefreshTokenRecord => ({
    id,
    grantId: "grant-r",
    clientId: "client-1",
    digest: secretDigest(value),
    status: "active",
    createdAt: now,
    expiresAt: now + 3_600_000,
  });
  beforeEach(async () => {
    f = await tokenFixture();
    await f.storage.grants.create(grant(f.clock.now()), refresh(f.clock.now()));
  });
  afterEach(() => f.close());

  it("returns the active refresh token with the grant's subject, scopes and resources", async () => {
    const now = f.clock.now();
    const active = await f.validator.validateRefreshToken("refresh-value-1");
    assert.deepEqual(
      { ...active, claims: undefined },
      {
        kind: "refresh_token",
        format: "opaque",
        clientId: "client-1",
        subject: "alice",
        scopes: ["openid", "offline_access"],
        audiences: ["https://api.example"],
        issuedAt: now / 1000,
        expiresAt: now / 1000 + 3600,
        jti: "rt-1",
        grantId: "grant-r",
        tokenType: "Bearer",
        claims: undefined,
        digest: undefined,
      },
    );
    assert.equal(active!.claims.scope, "openid offline_access");
    assert.equal(await f.validator.validateAccessToken("refresh-value-1"), undefined, "a refresh token is no access token");
  });

  it("is inactive once rotated, expired, or its grant revoked; unknown and garbage are inactive", async () => {
    assert.equal(await f.validator.validateRefreshToken("unknown"), undefined);
    for (const garbage of ["", "x".repeat(20_000), undefined, null]) assert.equal(await f.validator.validateRefreshToken(garbage as string), undefined);

    const now = f.clock.now();
    assert.ok(await f.storage.grants.rotate("rt-1", now, refresh(now, "rt-2", "refresh-value-2"), "sealed"));
    assert.equal(await f.validator.validateRefreshToken("refresh-value-1"), undefined, "rotated");
    assert.ok(await f.validator.validateRefreshToken("refresh-value-2"));

    f.clock.advance(3_600_000);
    assert.equal(await f.validator.validateRefreshToken("refresh-value-2"), undefined, "expired");
    f.clock.advance(-1_000);
    assert.ok(await f.validator.validateRefreshToken("refresh-value-2"));
    await f.revocation.revokeGrant("grant-r", { cause: "request" });
    assert.equal(await f.validator.validateRefreshToken("refresh-value-2"), undefined, "grant revoked");
  });
});
