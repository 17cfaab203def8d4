import "reflect-metadata";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { JwtSigner } from "../../../src/core/keys/jwt-signer.js";
import { IdTokenMinter, type IdTokenMintRequest } from "../../../src/core/tokens/id-token.minter.js";
import { SubjectResolver } from "../../../src/core/users/subject-resolver.js";
import type { Client, ClientMetadata } from "../../../src/plugin-sdk/client.js";
import type { ClaimsProvider, ClaimsRequest } from "../../../src/plugin-sdk/hooks.js";
import { ALL_ALGS, counterRandom, ISSUER } from "../keys/key-fixtures.js";
import { tokenFixture, type TokenFixture } from "./token-fixtures.js";

const clientWith = (clientId: string, metadata: ClientMetadata = {}): Client => ({ clientId, metadata, issuedAt: 0, updatedAt: 0 });
const decode = (token: string) => JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

/** Independent at_hash/c_hash: left half of SHA-256 or SHA-512 of the ASCII value, base64url (OIDC Core §3.1.3.6). */
const halfHash = (value: string, digest: "sha256" | "sha512") => {
  const hash = createHash(digest).update(Buffer.from(value, "ascii")).digest();
  return hash.subarray(0, hash.length / 2).toString("base64url");
};

/** A provider returning fixed claims and recording what it was asked. */
class FixedProvider implements ClaimsProvider {
  readonly requests: ClaimsRequest[] = [];
  constructor(
    readonly id: string,
    private readonly result: Record<string, unknown>,
    readonly global?: boolean,
  ) {}
  async claims(request: ClaimsRequest) {
    this.requests.push(request);
    return this.result;
  }
}

describe("IdTokenMinter", () => {
  let f: TokenFixture;
  let minter: IdTokenMinter;
  let subjects: SubjectResolver;
  const emailProvider = new FixedProvider("claims.email", { email: "alice@example.com" }, true);
  const nameProvider = new FixedProvider("claims.name", { name: "Alice" });
  const hostileProvider = new FixedProvider("claims.hostile", { sub: "mallory", iss: "https://evil.example", nonce: "forged", at_hash: "x", jti: "j", cnf: {} }, true);
  const mint = (client: Client, extra: Partial<IdTokenMintRequest> = {}) => minter.mint({ client, subject: "alice", scopes: ["openid"], ...extra });
  const verify = async (token: string, clientId: string) =>
    (await jwtVerify(token, createLocalJWKSet(f.keys.jwks()), { issuer: ISSUER, audience: clientId, currentDate: new Date(f.clock.now()) })).payload;

  before(async () => {
    f = await tokenFixture({ signingAlgs: ALL_ALGS.join(","), unsignedIdTokens: "true" });
    subjects = new SubjectResolver(f.storage, counterRandom("salt"));
    minter = new IdTokenMinter(f.config, f.clock, new JwtSigner(f.keys), [emailProvider, nameProvider, hostileProvider], subjects);
  });
  after(() => f.close());

  it("signs with RS256 and typ JWT when the client registered no alg (OIDC Registration §2)", async () => {
    const token = await mint(clientWith("rp-default"));
    const header = decodeProtectedHeader(token);
    assert.equal(header.alg, "RS256");
    assert.equal(header.typ, "JWT");
    assert.equal(typeof header.kid, "string");
    const iat = Math.floor(f.clock.now() / 1000);
    assert.deepEqual(await verify(token, "rp-default"), {
      iss: ISSUER,
      sub: "alice",
      aud: "rp-default",
      exp: iat + 3600,
      iat,
      azp: "rp-default",
      email: "alice@example.com",
    });
  });

  for (const alg of ALL_ALGS) {
    it(`signs with the client's registered ${alg} and verifies against the JWKS`, async () => {
      const token = await mint(clientWith(`rp-${alg}`, { id_token_signed_response_alg: alg }));
      assert.equal(decodeProtectedHeader(token).alg, alg);
      const claims = await verify(token, `rp-${alg}`);
      assert.equal(claims.sub, "alice");
    });
  }

  it("signs with RS256 for a client that registered none once the operator switched unsigned ID tokens off", async () => {
    const strict = new IdTokenMinter({ ...f.config, unsignedIdTokens: false }, f.clock, new JwtSigner(f.keys), [], subjects);
    const token = await strict.mint({ client: clientWith("rp-none", { id_token_signed_response_alg: "none" }), subject: "alice", scopes: ["openid"] });
    assert.equal(decodeProtectedHeader(token).alg, "RS256");
    assert.equal((await verify(token, "rp-none")).sub, "alice");
  });

  it("issues an unsigned token only for a client that registered none (OIDC Core §10.1)", async () => {
    const token = await mint(clientWith("rp-none", { id_token_signed_response_alg: "none" }), { nonce: "n-1" });
    const [header, , signature] = token.split(".");
    assert.equal(signature, "");
    assert.deepEqual(JSON.parse(Buffer.from(header!, "base64url").toString()), { alg: "none", typ: "JWT" });
    assert.equal(decode(token).nonce, "n-1");
    await assert.rejects(verify(token, "rp-none"));
    assert.notEqual((await mint(clientWith("rp-other"))).split(".")[2], "");
  });

  it("rejects an alg it does not sign with", async () => {
    await assert.rejects(mint(clientWith("rp-hs", { id_token_signed_response_alg: "HS256" })), /not supported/);
  });

  it("reproduces the at_hash and c_hash of the OIDC Core Appendix A examples (RS256)", async () => {
    const token = await mint(clientWith("rp-a"), {
      accessToken: "jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y",
      code: "Qcb0Orv1zh30vL1MPRsbm-diHiMwcLyZvn1arpZv-Jxf_11jnpEX3Tgfvk",
    });
    const claims = await verify(token, "rp-a");
    assert.equal(claims.at_hash, "77QmUPtjPfzWtF2AnpK9RQ");
    assert.equal(claims.c_hash, "LDktKdoQak3Pk0cnXxCltA");
  });

  for (const [alg, digest] of [["ES256", "sha256"], ["PS256", "sha256"], ["EdDSA", "sha512"]] as const) {
    it(`hashes at_hash and c_hash with ${digest} for ${alg}`, async () => {
      const token = await mint(clientWith(`rp-h-${alg}`, { id_token_signed_response_alg: alg }), { accessToken: "access-value", code: "code-value" });
      const claims = await verify(token, `rp-h-${alg}`);
      assert.equal(claims.at_hash, halfHash("access-value", digest));
      assert.equal(claims.c_hash, halfHash("code-value", digest));
      assert.equal(Buffer.from(claims.at_hash as string, "base64url").length, digest === "sha256" ? 16 : 32);
    });
  }

  it("includes nonce, auth_time, acr, amr and sid when given, and the ttl", async () => {
    const iat = Math.floor(f.clock.now() / 1000);
    const given = { nonce: "n-0S6", authTime: iat - 60, acr: "urn:acr:mfa", amr: ["pwd", "otp"], sessionId: "sid-1", ttl: 300 };
    const claims = await verify(await mint(clientWith("rp-full"), given), "rp-full");
    assert.equal(claims.nonce, "n-0S6");
    assert.equal(claims.auth_time, iat - 60);
    assert.equal(claims.acr, "urn:acr:mfa");
    assert.deepEqual(claims.amr, ["pwd", "otp"]);
    assert.equal(claims.sid, "sid-1");
    assert.equal(claims.azp, "rp-full");
    assert.equal(claims.exp, iat + 300);
  });

  it("omits optional claims that were not given", async () => {
    const claims = await verify(await mint(clientWith("rp-min")), "rp-min");
    for (const name of ["nonce", "auth_time", "acr", "amr", "sid", "at_hash", "c_hash", "jti", "cnf"]) assert.equal(name in claims, false, name);
    assert.equal(claims.azp, "rp-min");
  });

  it("runs global providers for every client and opted-in providers only for clients whose hooks list them", async () => {
    const optedIn = await verify(await mint(clientWith("rp-hooks", { hooks: ["claims.name"] }), { scopes: ["openid", "profile"] }), "rp-hooks");
    const plain = await verify(await mint(clientWith("rp-plain")), "rp-plain");
    assert.equal(optedIn.email, "alice@example.com");
    assert.equal(optedIn.name, "Alice");
    assert.equal(plain.email, "alice@example.com");
    assert.equal("name" in plain, false);
    const asked = nameProvider.requests.at(-1)!;
    assert.equal(asked.target, "id_token");
    assert.equal(asked.subject, "alice");
    assert.equal(asked.client.clientId, "rp-hooks");
    assert.deepEqual(asked.scopes, ["openid", "profile"]);
    assert.equal(nameProvider.requests.every((r) => r.client.clientId === "rp-hooks"), true);
  });

  it("passes requested claims to providers", async () => {
    const requestedClaims = { email: { essential: true } };
    await mint(clientWith("rp-req"), { requestedClaims });
    assert.deepEqual(emailProvider.requests.at(-1)!.requestedClaims, requestedClaims);
  });

  it("never lets a provider override reserved claims", async () => {
    const claims = await verify(await mint(clientWith("rp-r"), { nonce: "real", accessToken: "at" }), "rp-r");
    assert.equal(claims.sub, "alice");
    assert.equal(claims.iss, ISSUER);
    assert.equal(claims.nonce, "real");
    assert.equal(claims.at_hash, halfHash("at", "sha256"));
    assert.equal("jti" in claims, false);
    assert.equal("cnf" in claims, false);
  });

  it("maps the local user id through SubjectResolver: unchanged for public clients, pairwise per sector (OIDC Core §8)", async () => {
    const pairwise = clientWith("rp-pairwise", { subject_type: "pairwise", redirect_uris: ["https://rp.example.org/cb"] });
    const claims = await verify(await mint(pairwise), "rp-pairwise");
    assert.equal(claims.sub, await subjects.forClient(pairwise, "alice"));
    assert.notEqual(claims.sub, "alice");
    assert.match(claims.sub!, /^[A-Za-z0-9_-]{43}$/);
    assert.equal((await verify(await mint(clientWith("rp-public", { subject_type: "public" })), "rp-public")).sub, "alice");
    assert.equal(emailProvider.requests.at(-1)!.subject, "alice", "providers get the local user id");
  });
});
