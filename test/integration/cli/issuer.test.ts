import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { JWT_BEARER_GRANT, signAssertion, testKey } from "../../support/jwt-bearer-fixtures.js";
import { cli, cliJson, spawnServer, type SpawnedServer } from "../../support/spawned-server.js";

/** `issuer add/list/delete` from another process reach the running server at once (README "JWT bearer grant"). */
describe("operator CLI: trusted issuers, against a running server", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-issuer-cli-"));
  const env = { DATABASE_URL: `sqlite:${join(dir, "db.sqlite")}`, LOG_LEVEL: "warn" };
  const idp = "https://idp.partner.example";
  const key = testKey("ES256");
  let server: SpawnedServer;

  before(async () => {
    assert.equal((await cli(env, "migrate")).code, 0);
    server = await spawnServer(env);
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("issuer add lets the grant through at once, issuer list shows it, issuer delete stops it at once; bad input exits 1", async () => {
    assert.equal((await cli(env, "user", "create", "--username", "alice", "--password", "correct horse")).code, 0);
    const client = await cliJson<{ client_id: string; client_secret: string }>(env, "client", "create", "--json", JSON.stringify({ grant_types: [JWT_BEARER_GRANT] }));
    const grant = async () =>
      fetch(`${server.url}/token`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: JWT_BEARER_GRANT, assertion: await signAssertion(key, { iss: idp, sub: "alice", aud: server.url, now: Math.floor(Date.now() / 1000) }) }),
      });

    assert.equal((await grant()).status, 400);
    const added = await cliJson<Record<string, unknown>>(env, "issuer", "add", "--iss", idp, "--jwks", JSON.stringify({ keys: [key.publicJwk] }), "--uses", "jwt-bearer", "--clients", client.client_id, "--subject", "username");
    assert.deepEqual([added.issuer, added.uses, added.allowedClients, added.subjectMapping, added.maxLifetime], [idp, ["jwt-bearer"], [client.client_id], "username", 300]);
    assert.equal((await grant()).status, 200, "the running server trusts the issuer on its next request");

    const listed = await cliJson<{ issuer: string }[]>(env, "issuer", "list");
    assert.deepEqual(listed.map((i) => i.issuer), [idp]);
    assert.deepEqual(await cliJson(env, "issuer", "delete", "--iss", idp), { iss: idp, deleted: true });
    const refused = await grant();
    assert.equal(refused.status, 400);
    assert.deepEqual(await refused.json(), { error: "invalid_grant", error_description: "assertion rejected: iss is not a trusted issuer" });

    const bad = await cli(env, "issuer", "add", "--iss", idp, "--jwks-uri", "http://idp.partner.example/jwks", "--uses", "jwt-bearer", "--subject", "username");
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: invalid_request: jwks_uri must be an https URL$/m);
  });
});
