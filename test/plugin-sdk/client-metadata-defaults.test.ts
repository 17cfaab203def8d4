import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import {
  applicationTypeOf,
  authMethodOf,
  authorizationResponseAlgOf,
  grantTypesOf,
  idTokenAlgOf,
  responseTypesOf,
} from "../../src/plugin-sdk/client-metadata-defaults.js";

const root = new URL("../..", import.meta.url).pathname;
function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (path.endsWith(".ts")) yield path;
  }
}

/** Client-metadata defaults have one owner (issue 8): every reader asks the SDK module. */
describe("client metadata defaults", () => {
  it("are those of RFC 7591 §2, OIDC Registration §2 and JARM", () => {
    assert.equal(authMethodOf({}), "client_secret_basic");
    assert.deepEqual(grantTypesOf({}), ["authorization_code"]);
    assert.deepEqual(responseTypesOf({}), ["code"]);
    assert.deepEqual(responseTypesOf({ grant_types: ["client_credentials"] }), [], "no code without the authorization code grant");
    assert.deepEqual(responseTypesOf({ response_types: ["code id_token"] }), ["code id_token"]);
    assert.equal(applicationTypeOf({}), "web");
    assert.equal(idTokenAlgOf({}), "RS256");
    assert.equal(authorizationResponseAlgOf({}), "RS256");
    assert.equal(authMethodOf({ token_endpoint_auth_method: "none" }), "none");
  });

  it("no other module spells a default of its own (`metadata.x ?? <default>`)", () => {
    const fields = ["token_endpoint_auth_method", "grant_types", "response_types", "application_type", "id_token_signed_response_alg", "authorization_signed_response_alg"];
    const pattern = new RegExp(`\\.(${fields.join("|")})\\s*\\?\\?(?!=)`);
    const offenders: string[] = [];
    for (const folder of ["src", "plugins"]) {
      for (const path of sources(join(root, folder))) {
        const file = relative(root, path);
        if (file === "src/plugin-sdk/client-metadata-defaults.ts") continue;
        readFileSync(path, "utf8").split("\n").forEach((line, i) => {
          if (pattern.test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    assert.deepEqual(offenders, []);
  });
});
