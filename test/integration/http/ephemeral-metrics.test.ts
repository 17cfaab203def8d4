import assert from "node:assert/strict";
import { after, before, test } from "node:test";
import { basic, startTestApp, type TestApp } from "../../support/test-app.js";

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.stop());

const ephemeralKeys = async () => {
  const text = await (await fetch(`${t.metricsUrl}/metrics`)).text();
  const match = /^portcullis_ephemeral_keys (\d+)$/m.exec(text);
  assert.ok(match, "no portcullis_ephemeral_keys gauge");
  return Number(match[1]);
};

test("portcullis_ephemeral_keys counts the in-process ephemeral store's entries: a revocation adds one (RFC 7009 §2.1)", async () => {
  const client = await t.createClient({ grant_types: ["client_credentials"] });
  const auth = basic(client.client_id, client.client_secret!);
  const { access_token: token } = (await (await t.postForm("/token", { grant_type: "client_credentials" }, auth)).json()) as { access_token: string };
  const before = await ephemeralKeys();
  assert.equal((await t.postForm("/revoke", { token }, auth)).status, 200);
  assert.equal(await ephemeralKeys(), before + 1);
});
