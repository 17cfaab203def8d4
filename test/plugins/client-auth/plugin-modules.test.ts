import assert from "node:assert/strict";
import { describe, it } from "node:test";
import clientSecretBasic from "../../../plugins/client-auth/client-secret-basic/index.js";
import clientSecretJwt from "../../../plugins/client-auth/client-secret-jwt/index.js";
import clientSecretPost from "../../../plugins/client-auth/client-secret-post/index.js";
import none from "../../../plugins/client-auth/none/index.js";
import privateKeyJwt from "../../../plugins/client-auth/private-key-jwt/index.js";
import type { ClientAuthenticator } from "../../../src/plugin-sdk/client-auth.js";
import { ExtensionPoints, type Contribution, type ExtensionPoint, type PluginModule } from "../../../src/plugin-sdk/plugin-module.js";

/** Runs register() and returns what the module contributed, instantiated. */
function contributions(module: PluginModule): { point: string; value: ClientAuthenticator }[] {
  const out: { point: string; value: ClientAuthenticator }[] = [];
  module.register({
    options: {},
    contribute<T>(point: ExtensionPoint<T>, contribution: Contribution<T>) {
      const value = typeof contribution === "function" ? new (contribution as new () => T)() : contribution;
      out.push({ point: point.id, value: value as ClientAuthenticator });
    },
  });
  return out;
}

describe("client-auth plugin modules", () => {
  const expected: [PluginModule, string, string][] = [
    [clientSecretBasic, "client-auth.client-secret-basic", "client_secret_basic"],
    [clientSecretPost, "client-auth.client-secret-post", "client_secret_post"],
    [clientSecretJwt, "client-auth.client-secret-jwt", "client_secret_jwt"],
    [privateKeyJwt, "client-auth.private-key-jwt", "private_key_jwt"],
    [none, "client-auth.none", "none"],
  ];

  for (const [module, id, method] of expected) {
    it(`${id} (apiVersion 1) contributes one authenticator for ${method}`, () => {
      assert.equal(module.id, id);
      assert.equal(module.apiVersion, 1);
      const [only, ...rest] = contributions(module);
      assert.equal(rest.length, 0);
      assert.equal(only?.point, ExtensionPoints.clientAuthenticators.id);
      assert.equal(only?.value.method, method);
    });
  }
});
