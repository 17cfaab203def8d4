import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createLocalJWKSet, jwtVerify } from "jose";
import { JwtSigner } from "../../../src/core/keys/jwt-signer.js";
import { JwtVerifier } from "../../../src/core/keys/jwt-verifier.js";
import type { SigningKeyService } from "../../../src/core/keys/signing-key.service.js";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import { ALL_ALGS, ISSUER, openStorage, startedKeys } from "./key-fixtures.js";

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

describe("JwtSigner and JwtVerifier", () => {
  let storage: DurableStorage;
  let keys: SigningKeyService;
  let signer: JwtSigner;
  let verifier: JwtVerifier;
  const payload = { iss: ISSUER, sub: "alice", aud: "https://api.example", exp: 4_102_444_800, iat: 1_893_456_000 };

  before(async () => {
    storage = await openStorage();
    keys = await startedKeys(storage);
    signer = new JwtSigner(keys);
    verifier = new JwtVerifier(keys);
  });
  after(async () => {
    keys.stop();
    await storage.close();
  });

  for (const alg of ALL_ALGS) {
    it(`${alg}: round-trips, and jose verifies it against the published JWKS`, async () => {
      const token = signer.sign(alg, "at+jwt", payload);
      const kid = keys.activeKey(alg).kid;
      const result = await verifier.verify(token, { typ: "at+jwt" });
      assert.deepEqual(result, { valid: true, alg, kid, payload });
      const verified = await jwtVerify(token, createLocalJWKSet(keys.jwks()), { issuer: ISSUER, typ: "at+jwt", algorithms: [alg], currentDate: new Date(1_893_456_000_000) });
      assert.deepEqual(verified.protectedHeader, { alg, typ: "at+jwt", kid });
      assert.deepEqual(verified.payload, payload);
    });
  }

  it("encodes the header once per key and typ", () => {
    const header = (token: string) => token.split(".")[0];
    assert.equal(header(signer.sign("ES256", "at+jwt", { a: 1 })), header(signer.sign("ES256", "at+jwt", { b: 2 })));
    assert.notEqual(header(signer.sign("ES256", "at+jwt", {})), header(signer.sign("ES256", "JWT", {})));
  });

  it("checks typ only when asked, accepting the application/ prefix", async () => {
    const token = signer.sign("ES256", "application/at+jwt", payload);
    assert.equal((await verifier.verify(token, { typ: "at+jwt" })).valid, true);
    assert.equal((await verifier.verify(signer.sign("ES256", "JWT", payload), { typ: "at+jwt" })).valid, false);
    assert.equal((await verifier.verify(signer.sign("ES256", "JWT", payload))).valid, true);
  });

  it("rejects tampered payload, header and signature", async () => {
    const [header, body, signature] = signer.sign("RS256", "at+jwt", payload).split(".") as [string, string, string];
    const forged = [
      `${header}.${b64({ ...payload, sub: "mallory" })}.${signature}`,
      `${b64({ alg: "RS256", typ: "JWT", kid: keys.activeKey("RS256").kid })}.${body}.${signature}`,
      `${header}.${body}.${signature.slice(0, -4)}AAAA`,
      `${header}.${body}.${signer.sign("RS256", "at+jwt", { other: true }).split(".")[2]}`,
    ];
    for (const token of forged) assert.equal((await verifier.verify(token)).valid, false, token);
  });

  it("rejects alg none, alg swapped to another key's alg, and unknown kid", async () => {
    const body = b64(payload);
    const es256Kid = keys.activeKey("ES256").kid;
    const rs = signer.sign("RS256", "at+jwt", payload).split(".");
    const cases: [string, string][] = [
      [`${b64({ alg: "none", kid: es256Kid })}.${body}.`, "not a compact JWS"],
      [`${b64({ alg: "none", kid: es256Kid })}.${body}.AAAA`, "unsupported alg"],
      [`${b64({ alg: "HS256", kid: es256Kid })}.${body}.AAAA`, "unsupported alg"],
      [`${b64({ alg: "RS256", typ: "at+jwt", kid: es256Kid })}.${rs[1]}.${rs[2]}`, "alg does not match the key"],
      [`${b64({ alg: "PS256", typ: "at+jwt", kid: keys.activeKey("RS256").kid })}.${rs[1]}.${rs[2]}`, "alg does not match the key"],
      [`${b64({ alg: "ES256", kid: "no-such-kid" })}.${body}.AAAA`, "unknown kid"],
      [`${b64({ alg: "ES256" })}.${body}.AAAA`, "missing kid"],
      [`${b64({ alg: "ES256", kid: es256Kid, crit: ["exp"] })}.${body}.AAAA`, "unsupported crit header"],
    ];
    for (const [token, reason] of cases) assert.deepEqual(await verifier.verify(token), { valid: false, reason }, token);
  });

  it("returns a failure, never throws, for garbage of every kind", async () => {
    const valid = signer.sign("ES256", "at+jwt", payload);
    const [header, body] = valid.split(".") as [string, string];
    const garbage: unknown[] = [
      "",
      ".",
      "..",
      "a.b.c",
      "a.b.c.d",
      "!!!.###.$$$",
      "x".repeat(10_240),
      `${"A".repeat(5000)}.${"A".repeat(5000)}.${"A".repeat(200)}`,
      ".".repeat(10_240),
      `${b64([1, 2])}.${body}.AAAA`,
      `${b64(null)}.${body}.AAAA`,
      `${b64("string")}.${body}.AAAA`,
      `${Buffer.from("{not json").toString("base64url")}.${body}.AAAA`,
      `${header}.${Buffer.from("not json").toString("base64url")}.AAAA`,
      `${header}.${body}.A`,
      `${header}.${body}.${"A".repeat(4000)}`,
      `${b64({ alg: "ES256", kid: { $ne: 1 } })}.${body}.AAAA`,
      `${b64({ alg: { toString: 1 }, kid: "x" })}.${body}.AAAA`,
      `${b64({ alg: "__proto__", kid: "x" })}.${body}.AAAA`,
      `${b64({ alg: "constructor", kid: "x" })}.${body}.AAAA`,
      ` ${valid}`,
      `${valid}\n`,
      undefined,
      null,
      42,
    ];
    for (const token of garbage) {
      const result = await verifier.verify(token as string, { typ: "at+jwt" });
      assert.equal(result.valid, false, String(token).slice(0, 80));
    }
  });

  it("accepts a payload that signs correctly only if it is a JSON object", async () => {
    const token = signer.sign("EdDSA", "JWT", [1, 2, 3]);
    assert.deepEqual(await verifier.verify(token), { valid: false, reason: "malformed payload" });
  });
});
