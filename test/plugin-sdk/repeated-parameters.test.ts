import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { FormParams } from "../../src/plugin-sdk/form-params.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

const root = new URL("../..", import.meta.url).pathname;
const REPEATED = (name: string) => ({ error: "invalid_request", error_description: `parameter '${name}' must not be repeated` });

/** The duplicate-parameter check has one owner (issue 8): FormParams.rejectRepeated, used by every endpoint (RFC 6749 §3.1). */
describe("repeated parameters", () => {
  it("rejectRepeated names the first repeated parameter among `only`, except the repeatable ones", () => {
    const params = FormParams.from({ scope: ["a", "b"], resource: ["x", "y"], state: "s" });
    assert.throws(() => params.rejectRepeated(), { error: "invalid_request", description: "parameter 'scope' must not be repeated" });
    assert.doesNotThrow(() => params.rejectRepeated({ only: ["state", "resource"], repeatable: ["resource"] }));
    assert.throws(() => params.rejectRepeated({ repeatable: ["scope"] }), { description: "parameter 'resource' must not be repeated" });
  });

  it("no other module counts repeated parameters itself", () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith(".ts") && !path.endsWith("form-params.ts") && /\.count\([^)]*\)\s*>\s*1/.test(readFileSync(path, "utf8"))) offenders.push(relative(root, path));
      }
    };
    walk(join(root, "src"));
    walk(join(root, "plugins"));
    assert.deepEqual(offenders, []);
  });

  describe("every endpoint answers a repeated parameter alike", () => {
    let t: TestApp;
    let client: { client_id: string; client_secret?: string };
    before(async () => {
      t = await startTestApp();
      client = await t.createClient({ redirect_uris: ["https://rp.example.test/cb"], grant_types: ["authorization_code", "client_credentials"] });
    });
    after(() => t.stop());

    for (const [path, form, name] of [
      ["/token", { grant_type: ["client_credentials", "client_credentials"] }, "grant_type"],
      ["/token", { grant_type: "client_credentials", scope: ["a", "b"] }, "scope"],
      ["/introspect", { token: ["a", "b"] }, "token"],
      ["/revoke", { token: ["a", "b"] }, "token"],
      ["/par", { response_type: "code", redirect_uri: "https://rp.example.test/cb", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256", state: ["1", "2"] }, "state"],
    ] as const) {
      it(`${path} with a repeated ${name}`, async () => {
        const res = await t.postForm(path, form as unknown as Record<string, string | string[]>, basic(client.client_id, client.client_secret!));
        assert.equal(res.status, 400);
        assert.deepEqual(await res.json(), REPEATED(name));
      });
    }
  });
});
