import "reflect-metadata";
import assert from "node:assert/strict";
import { test } from "node:test";
import { createLocalJWKSet, jwtVerify } from "jose";
import { firstPartyPlugins } from "../../plugins/index.js";
import { DI } from "../../src/core/di-tokens.js";
import { IdTokenMinter } from "../../src/core/tokens/id-token.minter.js";
import { buildRegistries } from "../../src/plugin-host/plugin-registries.js";
import { stubInstantiator } from "../support/plugin-instantiator.js";
import { ExtensionPoints, type ClaimsProvider, type PluginModule } from "../../src/plugin-sdk/index.js";
import { startTestApp } from "../support/test-app.js";

/** A module contributing one global claims provider with id `providerId`. */
const claimsModule = (id: string, providerId: string): PluginModule => ({
  id,
  apiVersion: 1,
  register: (host) =>
    host.contribute(ExtensionPoints.claimsProviders, { id: providerId, global: true, claims: async () => ({ locale: "en" }) } satisfies ClaimsProvider),
});

test("contributed claims providers are registered in order", () => {
  const registries = buildRegistries([claimsModule("claims.a", "a"), claimsModule("claims.b", "b")], {});
  assert.deepEqual(registries.claimsProviders.map((p) => p.id), ["a", "b"]);
  assert.deepEqual(buildRegistries(firstPartyPlugins, {}, stubInstantiator()).claimsProviders, []);
});

test("a duplicate claims provider id fails with both owners named", () => {
  assert.throws(() => buildRegistries([claimsModule("claims.a", "x"), claimsModule("claims.b", "x")], {}), /duplicate claims provider "x": contributed by claims.a and claims.b/);
});

test("the app container wires IdTokenMinter with the contributed providers", async () => {
  const t = await startTestApp({}, { plugins: [...firstPartyPlugins, claimsModule("claims.locale", "locale")] });
  try {
    const client = { clientId: "rp-1", metadata: {}, issuedAt: 0, updatedAt: 0 };
    const token = await t.app.container.resolve(IdTokenMinter).mint({ client, subject: "alice", scopes: ["openid"] });
    const jwks = createLocalJWKSet(t.app.container.resolve(DI.Keys).jwks());
    const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: t.issuer, audience: "rp-1" });
    assert.equal(protectedHeader.alg, "RS256");
    assert.equal(payload.locale, "en");
  } finally {
    await t.stop();
  }
});
