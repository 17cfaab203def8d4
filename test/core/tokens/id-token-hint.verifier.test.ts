import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { JwtSigner } from "../../../src/core/keys/jwt-signer.js";
import { IdTokenHintVerifier } from "../../../src/core/tokens/id-token-hint.verifier.js";
import { IdTokenMinter } from "../../../src/core/tokens/id-token.minter.js";
import { SubjectResolver } from "../../../src/core/users/subject-resolver.js";
import type { Client } from "../../../src/plugin-sdk/client.js";
import { isOAuthError } from "../../../src/plugin-sdk/errors.js";
import { counterRandom, openStorage, startedKeys, testConfig } from "../keys/key-fixtures.js";
import { mintRequest, tokenFixture, type TokenFixture } from "./token-fixtures.js";

const rp: Client = { clientId: "rp-1", metadata: {}, issuedAt: 0, updatedAt: 0 };
const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString("base64url");
const parts = (token: string) => token.split(".") as [string, string, string];

/** id_token_hint verification (OIDC Core §3.1.2.1; OIDC RP-Initiated Logout §2; corpus K67). */
describe("IdTokenHintVerifier", () => {
  let f: TokenFixture;
  let hints: IdTokenHintVerifier;
  let minter: IdTokenMinter;
  let signer: JwtSigner;

  const rejects = async (hint: string) => {
    await assert.rejects(hints.verify(hint), (error: unknown) => {
      assert.ok(isOAuthError(error));
      assert.equal(error.error, "invalid_request");
      assert.equal(error.description, "id_token_hint is invalid");
      return true;
    });
  };

  before(async () => {
    f = await tokenFixture({ signingAlgs: "ES256,RS256", unsignedIdTokens: "true" });
    hints = new IdTokenHintVerifier(f.config, f.verifier);
    signer = new JwtSigner(f.keys);
    minter = new IdTokenMinter(f.config, f.clock, signer, [], new SubjectResolver(f.storage, counterRandom()));
  });
  after(() => f.close());

  it("returns subject, audiences and sid of an ID token this server signed", async () => {
    const token = await minter.mint({ client: rp, subject: "alice", scopes: ["openid"], sessionId: "sid-1", nonce: "n" });
    assert.deepEqual(await hints.verify(token), { subject: "alice", audiences: ["rp-1"], sessionId: "sid-1" });
    const noSid = await minter.mint({ client: { ...rp, metadata: { id_token_signed_response_alg: "ES256" } }, subject: "bob", scopes: ["openid"] });
    assert.deepEqual(await hints.verify(noSid), { subject: "bob", audiences: ["rp-1"] });
  });

  it("accepts an expired ID token (the hint is often one)", async () => {
    const token = await minter.mint({ client: rp, subject: "alice", scopes: ["openid"], ttl: 60 });
    f.clock.advance(24 * 3600 * 1000);
    assert.equal((await hints.verify(token)).subject, "alice");
  });

  it("rejects an unsigned token (alg none), also one the client registered as unsigned", async () => {
    const [header, payload] = parts(await minter.mint({ client: rp, subject: "alice", scopes: ["openid"] }));
    const decodedHeader = JSON.parse(Buffer.from(header, "base64url").toString()) as Record<string, unknown>;
    await rejects(`${b64({ ...decodedHeader, alg: "none" })}.${payload}.`);
    await rejects(`${b64({ ...decodedHeader, alg: "none" })}.${payload}.${parts(await minter.mint({ client: rp, subject: "x", scopes: [] }))[2]}`);
    await rejects(await minter.mint({ client: { ...rp, metadata: { id_token_signed_response_alg: "none" } }, subject: "alice", scopes: ["openid"] }));
  });

  it("rejects a tampered payload, an unknown kid and a foreign key under our kid", async () => {
    const [header, payload, signature] = parts(await minter.mint({ client: rp, subject: "alice", scopes: ["openid"] }));
    const claims = JSON.parse(Buffer.from(payload, "base64url").toString()) as Record<string, unknown>;
    await rejects(`${header}.${b64({ ...claims, sub: "mallory" })}.${signature}`);
    const decodedHeader = JSON.parse(Buffer.from(header, "base64url").toString()) as Record<string, unknown>;
    await rejects(`${b64({ ...decodedHeader, kid: "unknown-kid" })}.${payload}.${signature}`);

    const foreignStorage = await openStorage();
    const foreignKeys = await startedKeys(foreignStorage, testConfig({ signingAlgs: "RS256" }));
    try {
      const foreign = new IdTokenMinter(f.config, f.clock, new JwtSigner(foreignKeys), [], new SubjectResolver(f.storage, counterRandom()));
      const forged = await foreign.mint({ client: rp, subject: "alice", scopes: ["openid"] });
      await rejects(forged);
      const [, forgedPayload, forgedSignature] = parts(forged);
      await rejects(`${header}.${forgedPayload}.${forgedSignature}`);
    } finally {
      foreignKeys.stop();
      await foreignStorage.close();
    }
  });

  it("rejects tokens of another type or issuer, and garbage", async () => {
    const accessToken = (await f.minter.mint(mintRequest({ subject: "alice" }))).token;
    await rejects(accessToken);
    await rejects(signer.sign("RS256", "logout+jwt", { iss: f.config.issuer, sub: "alice", aud: "rp-1" }));
    await rejects(signer.sign("RS256", "JWT", { iss: "https://evil.example", sub: "alice", aud: "rp-1" }));
    await rejects(signer.sign("RS256", "JWT", { iss: f.config.issuer, aud: "rp-1" }));
    await rejects(signer.sign("RS256", "JWT", { iss: f.config.issuer, sub: "alice" }));
    await rejects(signer.sign("RS256", "JWT", { iss: f.config.issuer, sub: "alice", aud: "rp-1", sid: 7 }));
    for (const garbage of ["", "a.b", "not a jwt", "a.b.c"]) await rejects(garbage);
  });
});
