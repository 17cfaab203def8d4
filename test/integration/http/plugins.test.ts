import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp } from "../../../src/app/build-app.js";
import { loadConfig } from "../../../src/config/config.js";
import { DI } from "../../../src/core/di-tokens.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

const fixture = (name: string) => fileURLToPath(new URL(`../../fixtures/plugins/${name}`, import.meta.url));
const GRANT = "urn:example:params:oauth:grant-type:test-delegation";

describe("external plugins named by path in configuration (DESIGN 'Plugin contracts')", () => {
  let t: TestApp;
  before(async () => {
    t = await startTestApp({ plugins: fixture("test-delegation.plugin.ts") });
  });
  after(() => t.stop());

  test("the custom grant appears in discovery", async () => {
    for (const path of ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"]) {
      const metadata = (await (await fetch(`${t.publicUrl}${path}`)).json()) as { grant_types_supported: string[] };
      assert.ok(metadata.grant_types_supported.includes(GRANT), path);
      assert.ok(metadata.grant_types_supported.includes("client_credentials"));
    }
  });

  test("a token is issued through the custom grant", async () => {
    const client = await t.createClient({ grant_types: [GRANT], token_endpoint_auth_method: "none" });
    const res = await t.postForm("/token", { grant_type: GRANT, client_id: client.client_id, subject: "alice" });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { access_token: string; refresh_token: string };
    const payload = JSON.parse(Buffer.from(body.access_token.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;
    assert.equal(payload.sub, "alice");
    assert.equal(payload.delegated, true);
    assert.ok(body.refresh_token);
  });

  test("parameters the grant did not declare are stripped; declared ones may not repeat", async () => {
    const client = await t.createClient({ grant_types: [GRANT], token_endpoint_auth_method: "none" });
    const stripped = await t.postForm("/token", { grant_type: GRANT, client_id: client.client_id, subject: "bob", code: "ignored" });
    assert.equal(stripped.status, 200);
    const repeated = await t.postForm("/token", { grant_type: GRANT, client_id: client.client_id, subject: ["a", "b"] });
    assert.equal(repeated.status, 400);
    assert.deepEqual(await repeated.json(), { error: "invalid_request", error_description: "parameter 'subject' must not be repeated" });
  });
});

describe("plugin boot validation", () => {
  const config = (plugins: string, disabled = "") => loadConfig({}, { databaseUrl: "sqlite::memory:", logLevel: "silent", plugins, disabledPlugins: disabled });

  test("a duplicate grant type fails the boot with a clear message", async () => {
    await assert.rejects(buildApp({ config: config(fixture("duplicate-grant.plugin.ts")) }), /duplicate grant type "client_credentials": contributed by grants.client-credentials and grants.duplicate-client-credentials/);
  });

  test("a missing module fails the boot naming the path", async () => {
    await assert.rejects(buildApp({ config: config("./no/such/plugin.ts") }), /plugin \.\/no\/such\/plugin\.ts: cannot be loaded/);
  });

  test("disabling an unknown plugin fails the boot", async () => {
    await assert.rejects(buildApp({ config: config("", "grants.nope") }), /DISABLED_PLUGINS names unknown plugin "grants.nope"/);
  });
});

describe("stored clients must resolve to enabled plugins", () => {
  test("a client whose auth method's plugin was disabled fails the next boot", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-boot-"));
    const overrides = { databaseUrl: `sqlite:${join(dir, "db.sqlite")}`, logLevel: "silent" };
    const first = await buildApp({ config: loadConfig({}, overrides) });
    const registry = first.container.resolve(DI.ClientRegistry);
    const { client } = await registry.register({ grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_post" }, "operator");
    await first.stop();
    await assert.rejects(
      buildApp({ config: loadConfig({}, { ...overrides, disabledPlugins: "client-auth.client-secret-post" }) }),
      new RegExp(`client ${client.clientId} uses auth method "client_secret_post"`),
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
