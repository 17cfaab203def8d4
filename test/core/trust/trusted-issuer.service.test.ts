import "reflect-metadata";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { TrustedIssuerInput } from "../../../src/core/trust/trusted-issuer.service.js";
import { testKey } from "../../support/jwt-bearer-fixtures.js";
import { openTrustHarness, type TrustHarness } from "./trust-harness.js";

const EC = testKey("ES256");
const VALID: TrustedIssuerInput = { issuer: "https://idp.example.org", uses: ["jwt-bearer"], allowedClients: ["app"], subjectMapping: "username", jwks: { keys: [EC.publicJwk] } };

/** The operator's registry: every field checked before it is stored, `invalid_request` naming the field. */
describe("TrustedIssuerService", () => {
  let t: TrustHarness;
  before(async () => {
    t = await openTrustHarness();
  });
  after(() => t.h.close());

  const rejects = (input: Partial<TrustedIssuerInput>, message: RegExp) => assert.rejects(t.issuers.put({ ...VALID, ...input }), { error: "invalid_request", description: message });

  it("stores, lists, replaces (keeping createdAt) and deletes an issuer", async () => {
    const created = await t.issuers.put({ ...VALID, uses: ["jwt-bearer", "token-exchange", "jwt-bearer"] });
    assert.deepEqual(created, { ...VALID, uses: ["jwt-bearer", "token-exchange"], maxLifetime: 300, createdAt: t.h.clock.ms, updatedAt: t.h.clock.ms });
    t.h.clock.advance(60);
    const replaced = await t.issuers.put({ ...VALID, jwks: undefined, jwksUri: "https://idp.example.org/jwks", allowedClients: ["*"], subjectMapping: "pass-through", maxLifetime: 3600 });
    assert.equal(replaced.createdAt, created.createdAt);
    assert.equal(replaced.updatedAt, t.h.clock.ms);
    assert.equal(replaced.jwks, undefined);
    assert.equal(replaced.jwksUri, "https://idp.example.org/jwks");
    assert.deepEqual(await t.issuers.list(), [replaced]);
    assert.deepEqual(await t.issuers.get(VALID.issuer), replaced);
    assert.equal(await t.issuers.delete(VALID.issuer), true);
    assert.equal(await t.issuers.delete(VALID.issuer), false);
    assert.equal(await t.issuers.get(VALID.issuer), undefined);
  });

  it("iss: 1 to 255 visible ASCII characters", async () => {
    for (const issuer of ["", " https://idp.example.org", "https://idp.example.org\n", "x".repeat(256), "https://idp.example.org/é"]) await rejects({ issuer }, /^iss must be 1 to 255 visible ASCII characters/);
  });

  it("uses: at least one, each known", async () => {
    await rejects({ uses: [] }, /^uses must name at least one of jwt-bearer, token-exchange, software-statement, client-attestation$/);
    await rejects({ uses: ["jwt-bearer", "password"] }, /^uses: unknown use password \(one of/);
  });

  it("allowed clients: client ids, or * alone", async () => {
    await rejects({ allowedClients: ["*", "app"] }, /^allowed clients: \* stands alone$/);
    await rejects({ allowedClients: ["has space"] }, /^allowed clients must be client ids/);
    assert.deepEqual((await t.issuers.put({ ...VALID, issuer: "https://nobody.example", allowedClients: undefined })).allowedClients, []);
  });

  it("subject mapping: username, id or pass-through", async () => {
    await rejects({ subjectMapping: "email" }, /^subject mapping must be one of username, id, pass-through$/);
  });

  it("keys: exactly one of jwks and jwks_uri; public RSA/EC/OKP keys only; a fetchable https jwks_uri", async () => {
    await rejects({ jwksUri: "https://idp.example.org/jwks" }, /^exactly one of jwks and jwks_uri is required$/);
    await rejects({ jwks: undefined }, /^exactly one of jwks and jwks_uri is required$/);
    await rejects({ jwks: { keys: [] } }, /^jwks must be a JWK Set with 1 to 100 keys/);
    await rejects({ jwks: [EC.publicJwk] }, /^jwks must be a JWK Set/);
    await rejects({ jwks: null }, /^jwks must be a JWK Set/);
    const privateJwk = generateKeyPairSync("ec", { namedCurve: "P-256" }).privateKey.export({ format: "jwk" });
    await rejects({ jwks: { keys: [EC.publicJwk, privateJwk] } }, /^jwks.keys\[1\] must be a public key \(it has the private member d\)$/);
    await rejects({ jwks: { keys: [{ kty: "oct", k: "c2VjcmV0" }] } }, /^jwks.keys\[0\] must be an RSA, EC or OKP public key$/);
    await rejects({ jwks: { keys: [{ kty: "EC", crv: "P-256", x: "AAAA", y: "AAAA" }] } }, /^jwks.keys\[0\] is not a valid EC public key$/);
    await rejects({ jwks: undefined, jwksUri: "http://idp.example.org/jwks" }, /^jwks_uri must be an https URL$/);
    await rejects({ jwks: undefined, jwksUri: "https://10.0.0.1/jwks" }, /^jwks_uri must not point at a loopback, private/);
    await rejects({ jwks: undefined, jwksUri: "jwks" }, /^jwks_uri is not an absolute URL$/);
  });

  it("max lifetime: 10 seconds to a year, ASSERTION_MAX_LIFETIME by default", async () => {
    for (const maxLifetime of [9, 31_536_001, 1.5, Number.NaN]) await rejects({ maxLifetime }, /^max lifetime must be 10..31536000 seconds$/);
  });
});
