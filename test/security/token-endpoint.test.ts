import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";
import { DESCRIPTION_CHARSET, expectOAuthError } from "../support/oauth-assertions.js";

/** Security corpus group C, rows 19–22: the token endpoint's request checks and response shape (RFC 6749 §3.2, §4.4, §5). */
const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const plugin = fileURLToPath(new URL("../fixtures/plugins/test-delegation.plugin.ts", import.meta.url));
const API = "https://api.example.test/";

type Client = { client_id: string; client_secret?: string };

describe("token endpoint (corpus C 19–22)", () => {
  let t: TestApp;
  let cc: Client;
  let limited: Client;
  let publicClient: Client;
  let ccWithRefresh: Client;

  before(async () => {
    t = await startTestApp({ plugins: plugin, authFailureLimit: "1000" });
    await t.createResource(API, "api:read api:write");
    cc = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic" });
    limited = await t.createClient({ grant_types: ["client_credentials"], scope: "api:read" });
    publicClient = await t.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none" });
    ccWithRefresh = await t.createClient({ grant_types: ["client_credentials", "refresh_token", GRANT] });
  });
  after(() => t.stop());

  const token = (form: Record<string, string | string[]>, client: Client = cc) => t.postForm("/token", form, basic(client.client_id, client.client_secret!));

  describe("C19: grant_type", () => {
    test("missing grant_type → 400 invalid_request", async () => {
      await expectOAuthError(await token({ scope: "api:read" }), 400, "invalid_request");
    });

    test("empty grant_type → 400 invalid_request", async () => {
      await expectOAuthError(await token({ grant_type: "" }), 400, "invalid_request");
    });

    test("grant_type=password (not supported here; RFC 9700 §2.4) → 400 unsupported_grant_type", async () => {
      await expectOAuthError(await token({ grant_type: "password", username: "alice", password: "secret" }), 400, "unsupported_grant_type");
    });

    test("unknown grant_type values → 400 unsupported_grant_type", async () => {
      for (const grantType of ["urn:example:unknown", "authorization_code_x", "CLIENT_CREDENTIALS", "implicit"]) {
        await expectOAuthError(await token({ grant_type: grantType }), 400, "unsupported_grant_type");
      }
    });

    test("a grant the client is not registered for → 400 unauthorized_client", async () => {
      await expectOAuthError(await token({ grant_type: "refresh_token", refresh_token: "x".repeat(43) }), 400, "unauthorized_client");
      await expectOAuthError(await token({ grant_type: GRANT, subject: "alice" }), 400, "unauthorized_client");
    });

    test("duplicated grant_type (same or different values) → 400 invalid_request", async () => {
      await expectOAuthError(await token({ grant_type: ["client_credentials", "client_credentials"] }), 400, "invalid_request");
      await expectOAuthError(await token({ grant_type: ["client_credentials", "refresh_token"] }), 400, "invalid_request");
    });

    test("a duplicated grant parameter that is not repeatable → 400 invalid_request", async () => {
      await expectOAuthError(await token({ grant_type: "client_credentials", scope: ["api:read", "api:write"] }), 400, "invalid_request");
    });
  });

  describe("C20: method and body type", () => {
    for (const method of ["GET", "PUT", "DELETE", "PATCH"]) {
      test(`${method} /token → 405 with Allow: POST`, async () => {
        const res = await fetch(`${t.publicUrl}/token?grant_type=client_credentials`, {
          method,
          headers: { ...basic(cc.client_id, cc.client_secret!), ...(method === "GET" || method === "DELETE" ? {} : { "content-type": "application/x-www-form-urlencoded" }) },
          body: method === "GET" || method === "DELETE" ? undefined : "grant_type=client_credentials",
        });
        assert.equal(res.headers.get("allow"), "POST");
        await expectOAuthError(res, 405, "method_not_allowed");
      });
    }

    test("JSON body → 400 invalid_request", async () => {
      const res = await fetch(`${t.publicUrl}/token`, {
        method: "POST",
        headers: { ...basic(cc.client_id, cc.client_secret!), "content-type": "application/json" },
        body: JSON.stringify({ grant_type: "client_credentials" }),
      });
      await expectOAuthError(res, 400, "invalid_request");
    });

    test("multipart/form-data body → 400 invalid_request", async () => {
      const form = new FormData();
      form.append("grant_type", "client_credentials");
      const res = await fetch(`${t.publicUrl}/token`, { method: "POST", headers: basic(cc.client_id, cc.client_secret!), body: form });
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      await expectOAuthError(res, 400, "invalid_request");
    });

    test("a form body sent as text/plain → 400 invalid_request", async () => {
      const res = await t.postForm("/token", { grant_type: "client_credentials" }, { ...basic(cc.client_id, cc.client_secret!), "content-type": "text/plain" });
      await expectOAuthError(res, 400, "invalid_request");
    });

    test("the form content type with a charset parameter is accepted", async () => {
      const res = await t.postForm("/token", { grant_type: "client_credentials" }, { ...basic(cc.client_id, cc.client_secret!), "content-type": "application/x-www-form-urlencoded; charset=UTF-8" });
      assert.equal(res.status, 200);
    });
  });

  describe("C21: response shape", () => {
    test("success: no-store, application/json, token_type Bearer, expires_in", async () => {
      const res = await token({ grant_type: "client_credentials", scope: "api:read" });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get("cache-control"), "no-store");
      assert.match(res.headers.get("content-type") ?? "", /^application\/json/);
      const body = (await res.json()) as Record<string, unknown>;
      assert.equal(body.token_type, "Bearer");
      assert.ok(typeof body.access_token === "string" && body.access_token.length > 0);
      assert.ok(Number.isInteger(body.expires_in) && (body.expires_in as number) > 0, `expires_in ${String(body.expires_in)}`);
      assert.equal(body.scope, "api:read");
    });

    test("error responses carry no-store and JSON, for every error status", async () => {
      await expectOAuthError(await token({}), 400, "invalid_request");
      await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }, basic(cc.client_id, "wrong")), 401, "invalid_client");
      await expectOAuthError(await token({ grant_type: "nope" }), 400, "unsupported_grant_type");
      await expectOAuthError(await token({ grant_type: "client_credentials", resource: "https://unknown.example.test/" }), 400, "invalid_target");
    });

    test("reflected input never puts CR, LF, TAB, quote or backslash into error_description", async () => {
      // NUL is refused earlier by the form parser (corpus R98); every other awkward character reaches the grant lookup.
      const hostile = 'x"\\\r\n\t\u0001\u007f\u00e9\u2028y';
      const body = await expectOAuthError(await token({ grant_type: hostile }), 400, "unsupported_grant_type");
      assert.ok(body.error_description === undefined || DESCRIPTION_CHARSET.test(body.error_description));
      const scoped = await expectOAuthError(await token({ grant_type: "client_credentials", scope: `api:read ${hostile}` }), 400, "invalid_scope");
      assert.ok(scoped.error_description === undefined || DESCRIPTION_CHARSET.test(scoped.error_description));
      const targeted = await expectOAuthError(await token({ grant_type: "client_credentials", resource: `https://x.example.test/${hostile}` }), 400, "invalid_target");
      assert.ok(targeted.error_description === undefined || DESCRIPTION_CHARSET.test(targeted.error_description));
    });
  });

  describe("C22: client_credentials", () => {
    test("a public client cannot be registered for client_credentials (invalid_client_metadata)", async () => {
      await assert.rejects(t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "none" }), (error: { error?: string }) => {
        assert.equal(error.error, "invalid_client_metadata");
        return true;
      });
    });

    test("client_credentials from a public client → 400 unauthorized_client, no token", async () => {
      const res = await t.postForm("/token", { grant_type: "client_credentials", client_id: publicClient.client_id });
      await expectOAuthError(res, 400, "unauthorized_client", { wwwAuthenticate: false });
    });

    test("scope beyond what the client may request → 400 invalid_scope", async () => {
      await expectOAuthError(await token({ grant_type: "client_credentials", scope: "api:write" }, limited), 400, "invalid_scope");
      await expectOAuthError(await token({ grant_type: "client_credentials", scope: "api:read api:write" }, limited), 400, "invalid_scope");
      await expectOAuthError(await token({ grant_type: "client_credentials", scope: "unknown:scope" }), 400, "invalid_scope");
      await expectOAuthError(await token({ grant_type: "client_credentials", scope: "portcullis:tokens" }), 400, "invalid_scope");
    });

    test("unknown resource → 400 invalid_target", async () => {
      await expectOAuthError(await token({ grant_type: "client_credentials", resource: "https://unknown.example.test/" }), 400, "invalid_target");
      await expectOAuthError(await token({ grant_type: "client_credentials", resource: [API, "https://unknown.example.test/"] }), 400, "invalid_target");
    });

    test("a resource that is not an absolute URI (or has a fragment) → 400 invalid_target", async () => {
      // An empty value counts as absent (RFC 6749 §3.1), so it is not in this list.
      for (const resource of ["/relative/path", "api.example.test", "//api.example.test/", `${API}#fragment`]) {
        await expectOAuthError(await token({ grant_type: "client_credentials", resource }), 400, "invalid_target");
      }
    });

    test("never a refresh_token, even for a client also registered for refresh_token", async () => {
      for (const client of [cc, ccWithRefresh]) {
        const res = await token({ grant_type: "client_credentials", scope: "api:read", resource: API }, client);
        assert.equal(res.status, 200);
        const body = (await res.json()) as Record<string, unknown>;
        assert.equal(body.refresh_token, undefined);
        assert.ok(!("refresh_token" in body));
      }
    });
  });
});
