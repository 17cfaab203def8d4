import assert from "node:assert/strict";
import { test } from "node:test";
import { firstPartyPlugins } from "../../plugins/index.js";
import { assertPluginModule } from "../../src/plugin-host/plugin-loader.js";
import { buildRegistries } from "../../src/plugin-host/plugin-registries.js";
import { stubInstantiator } from "../support/plugin-instantiator.js";
import { ExtensionPoints, type ClientAuthenticator, type PluginModule } from "../../src/plugin-sdk/index.js";

const authModule = (id: string, method: string): PluginModule => ({
  id,
  apiVersion: 1,
  register: (host) =>
    host.contribute(ExtensionPoints.clientAuthenticators, {
      method,
      parameters: [],
      detect: () => false,
      claimedClientId: () => undefined,
      authenticate: async () => {
        throw new Error("unused");
      },
    } satisfies ClientAuthenticator),
});

test("the first-party plugins build registries with every grant and auth method", () => {
  const registries = buildRegistries(firstPartyPlugins, {}, stubInstantiator());
  assert.deepEqual([...registries.grants.keys()], ["authorization_code", "client_credentials", "refresh_token", "urn:ietf:params:oauth:grant-type:token-exchange", "urn:ietf:params:oauth:grant-type:jwt-bearer", "urn:ietf:params:oauth:grant-type:device_code"]);
  assert.deepEqual(registries.tokenExchangePolicies.map((p) => p.id), ["client-metadata"]);
  assert.deepEqual(registries.clientAuthenticators.map((a) => a.method), ["client_secret_basic", "client_secret_post", "client_secret_jwt", "private_key_jwt", "none", "attest_jwt_client_auth", "tls_client_auth", "self_signed_tls_client_auth"]);
  assert.deepEqual([...registries.attestationVerifiers.keys()], ["oauth-client-attestation+jwt"]);
});

test("an attestation format claimed twice, or a verifier without formats, fails the boot", () => {
  const verifierModule = (id: string, formats: string[]): PluginModule => ({
    id,
    apiVersion: 1,
    register: (host) => host.contribute(ExtensionPoints.attestationVerifiers, { id: id.split(".")[1]!, formats, verify: async () => ({ ok: false, reason: "invalid", description: "unused" }) }),
  });
  assert.throws(() => buildRegistries([verifierModule("attestation.a", ["x", "y"]), verifierModule("attestation.b", ["y"])], {}), /duplicate attestation format "y": contributed by attestation.a and attestation.b/);
  assert.throws(() => buildRegistries([verifierModule("attestation.a", [])], {}), /plugin attestation.a: attestation verifier "a" names no evidence format/);
});

test("a duplicate auth method fails with both owners named", () => {
  assert.throws(() => buildRegistries([authModule("client-auth.a", "x"), authModule("client-auth.b", "x")], {}), /duplicate client authentication method "x": contributed by client-auth.a and client-auth.b/);
});

test("a duplicate token-exchange policy id fails with both owners named", () => {
  const policyModule = (id: string): PluginModule => ({ id, apiVersion: 1, register: (host) => host.contribute(ExtensionPoints.tokenExchangePolicies, { id: "same", evaluate: async () => ({}) }) });
  assert.throws(() => buildRegistries([policyModule("policies.a"), policyModule("policies.b")], {}), /duplicate token-exchange policy "same": contributed by policies.a and policies.b/);
});

test("a module loaded twice fails", () => {
  assert.throws(() => buildRegistries([authModule("client-auth.a", "x"), authModule("client-auth.a", "y")], {}), /plugin client-auth.a: loaded twice/);
});

test("module shape: id pattern, apiVersion, register", () => {
  assert.throws(() => assertPluginModule({ id: "NoKind", apiVersion: 1, register() {} }, "m"), /must look like "<kind>.<kebab-name>"/);
  assert.throws(() => assertPluginModule({ id: "grants.x", apiVersion: 2, register() {} }, "m"), /unsupported apiVersion 2/);
  assert.throws(() => assertPluginModule({ id: "grants.x", apiVersion: 1 }, "m"), /register is not a function/);
  assert.throws(() => assertPluginModule(undefined, "./p.ts"), /plugin \.\/p\.ts: does not export a plugin module/);
});

test("plugin options reach the module's host", () => {
  let seen: unknown;
  buildRegistries([{ id: "hooks.probe", apiVersion: 1, register: (host) => void (seen = host.options) }], { "hooks.probe": { level: 3 } });
  assert.deepEqual(seen, { level: 3 });
});

test("the first-party login steps register as authenticators, first factor before second", () => {
  const registries = buildRegistries(firstPartyPlugins, {}, stubInstantiator());
  assert.deepEqual(registries.authenticators.map((a) => [a.id, a.factor]), [["password", "first"], ["totp", "second"]]);
});

test("a duplicate authenticator id fails with both owners named", () => {
  const step = (id: string): PluginModule => ({
    id,
    apiVersion: 1,
    register: (host) => host.contribute(ExtensionPoints.authenticators, { id: "password", factor: "first", amr: ["pwd"], fields: [], authenticate: async () => ({ ok: false }) }),
  });
  assert.throws(() => buildRegistries([step("authn.a"), step("authn.b")], {}), /duplicate authenticator "password": contributed by authn.a and authn.b/);
});

test("the authorization_code grant without a first-factor authenticator fails at boot", () => {
  const withoutPassword = firstPartyPlugins.filter((m) => m.id !== "authn.password");
  assert.throws(() => buildRegistries(withoutPassword, {}, stubInstantiator()), /authorization_code grant needs a first-factor authenticator/);
  assert.doesNotThrow(() => buildRegistries(withoutPassword.filter((m) => m.id !== "grants.authorization-code"), {}, stubInstantiator()));
});
