import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { UserService } from "../../../src/core/users/user.service.js";
import { HttpBrowser } from "../../support/http-browser.js";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";

const CB = "https://app.example.test/cb";
const PKCE = { challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", verifier: "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk" };

/**
 * One owner of the scope rule (issue 8): /authorize, /par, /token and refresh decide alike. A client registered with
 * `"scope": "api:read"` that asks for `openid api:read` used to get a code that /token then refused for `openid`.
 */
describe("the scope policy is the same at /authorize, /par and /token", () => {
  let t: TestApp;
  let rp: { client_id: string; client_secret?: string };
  before(async () => {
    t = await startTestApp();
    await t.createResource("https://api.example.test/", "api:read api:write");
    await t.app.container.resolve(UserService).create({ username: "ivy", password: "ivy-password-1" });
    rp = await t.createClient({ redirect_uris: [CB], grant_types: ["authorization_code", "refresh_token"], response_types: ["code"], scope: "api:read" });
  });
  after(() => t.stop());

  const authorize = async (scope: string) => {
    const query = new URLSearchParams({ client_id: rp.client_id, response_type: "code", redirect_uri: CB, scope, state: "s", nonce: "n", code_challenge: PKCE.challenge, code_challenge_method: "S256" });
    const { location } = await new HttpBrowser().authorize(`${t.publicUrl}/authorize?${query}`, t.issuer, { credentials: { username: "ivy", password: "ivy-password-1" }, consent: "approve" });
    return location!.searchParams;
  };
  const token = (form: Record<string, string>) => t.postForm("/token", form, basic(rp.client_id, rp.client_secret!));

  it("the OpenID scopes are allowed beside the registered ones, at /authorize and again at /token", async () => {
    const code = (await authorize("openid offline_access api:read")).get("code")!;
    const res = await token({ grant_type: "authorization_code", code, redirect_uri: CB, code_verifier: PKCE.verifier });
    assert.equal(res.status, 200, await res.clone().text());
    const body = (await res.json()) as { scope: string; id_token?: string; refresh_token?: string };
    assert.equal(body.scope, "openid offline_access api:read");
    assert.ok(body.id_token && body.refresh_token);
    const refreshed = await token({ grant_type: "refresh_token", refresh_token: body.refresh_token, scope: "openid api:read" });
    assert.equal(refreshed.status, 200, await refreshed.clone().text());
    assert.equal(((await refreshed.json()) as { scope: string }).scope, "openid api:read");
  });

  it("a scope outside the registered ones is refused alike at /authorize, /par and /token", async () => {
    const atAuthorize = await authorize("openid api:write");
    assert.equal(atAuthorize.get("error"), "invalid_scope");
    const atPar = await t.postForm("/par", { response_type: "code", redirect_uri: CB, scope: "openid api:write", code_challenge: PKCE.challenge, code_challenge_method: "S256" }, basic(rp.client_id, rp.client_secret!));
    assert.equal(atPar.status, 400);
    const machine = await t.createClient({ grant_types: ["client_credentials"], scope: "api:read" });
    const atToken = await t.postForm("/token", { grant_type: "client_credentials", scope: "api:write" }, basic(machine.client_id, machine.client_secret!));
    for (const res of [atPar, atToken]) assert.equal(((await res.json()) as { error: string }).error, "invalid_scope");
    const openid = await t.postForm("/token", { grant_type: "client_credentials", scope: "openid api:read" }, basic(machine.client_id, machine.client_secret!));
    assert.equal(openid.status, 200, "the OpenID scopes are allowed at /token as at /authorize");
  });
});
