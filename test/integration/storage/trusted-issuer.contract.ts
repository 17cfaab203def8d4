import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { it } from "node:test";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import type { TrustedIssuer } from "../../../src/core/trust/trusted-issuer.js";

const T0 = 1_700_000_000_000;

function trustedIssuer(overrides: Partial<TrustedIssuer> = {}): TrustedIssuer {
  return {
    issuer: `https://${randomUUID()}.idp.example/Tenant`,
    uses: ["jwt-bearer", "token-exchange"],
    allowedClients: ["app-1", "app-2"],
    subjectMapping: "username",
    jwks: { keys: [{ kty: "EC", crv: "P-256", x: "x", y: "y", kid: "k1" }] },
    maxLifetime: 300,
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

/** The trusted-issuer repository's part of the DurableStorage contract (RFC 7523 §3 registry), on the storage under test. */
export function trustedIssuerContract(storage: () => DurableStorage): void {
  it("trusted issuers: upsert, find, list, replace keeping createdAt, delete", async () => {
    const issuers = storage().trustedIssuers;
    const first = trustedIssuer();
    await issuers.upsert(first);
    assert.deepEqual(await issuers.find(first.issuer), first);
    assert.equal(await issuers.find(first.issuer.toLowerCase()), undefined, "iss compares case-sensitively");
    const replaced = trustedIssuer({ ...first, uses: ["software-statement"], allowedClients: ["*"], subjectMapping: "pass-through", jwks: undefined, jwksUri: "https://idp.example/jwks", maxLifetime: 86_400, createdAt: T0 + 5, updatedAt: T0 + 5 });
    delete replaced.jwks;
    await issuers.upsert(replaced);
    assert.deepEqual(await issuers.find(first.issuer), { ...replaced, createdAt: T0 });
    const none = trustedIssuer({ allowedClients: [] });
    await issuers.upsert(none);
    const listed = (await issuers.list()).filter((i) => i.issuer === first.issuer || i.issuer === none.issuer);
    assert.deepEqual(listed, [{ ...replaced, createdAt: T0 }, none].sort((a, b) => (a.issuer < b.issuer ? -1 : 1)));
    assert.equal(await issuers.delete(first.issuer), true);
    assert.equal(await issuers.delete(first.issuer), false);
    assert.equal(await issuers.find(first.issuer), undefined);
  });

  it("trusted issuers: every write is in the change log, misses are not", async () => {
    const start = await storage().changes.head();
    const issuer = trustedIssuer();
    await storage().trustedIssuers.upsert(issuer);
    await storage().trustedIssuers.upsert({ ...issuer, updatedAt: T0 + 1 });
    await storage().trustedIssuers.delete(issuer.issuer);
    await storage().trustedIssuers.delete(issuer.issuer);
    const changes = await storage().changes.since(start, 10);
    assert.deepEqual(changes.map((change) => [change.topic, change.key]), [
      ["trusted-issuer", issuer.issuer],
      ["trusted-issuer", issuer.issuer],
      ["trusted-issuer", issuer.issuer],
    ]);
  });
}
