import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { secretDigest } from "../../../src/core/security/digest.js";
import { openSqlStorage } from "../../../src/storage/sql/open-sql-storage.js";
import { cli, spawnServer, type SpawnedServer } from "../../support/spawned-server.js";

describe("operator CLI (issue 2 item 2), against a running server", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-cli-"));
  const env = { DATABASE_URL: `sqlite:${join(dir, "db.sqlite")}`, LOG_LEVEL: "warn" };
  let server: SpawnedServer;
  let baseUrl = "";

  before(async () => {
    assert.equal((await cli(env, "migrate")).code, 0);
    server = await spawnServer(env);
    baseUrl = server.url;
  });
  after(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  test("client create prints the RFC 7591 response and the running server issues tokens to it", async () => {
    assert.equal((await cli(env, "resource", "create", "--id", "https://api.example.test/", "--scopes", "api:read api:write")).code, 0);
    const created = await cli(env, "client", "create", "--json", JSON.stringify({ grant_types: ["client_credentials"], client_name: "billing" }));
    assert.equal(created.code, 0, created.stderr);
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string; client_secret_expires_at: number; client_name: string };
    assert.equal(client.client_name, "billing");
    assert.equal(client.client_secret_expires_at, 0);
    const res = await fetch(`${baseUrl}/token`, {
      method: "POST",
      headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
      body: "grant_type=client_credentials&resource=https%3A%2F%2Fapi.example.test%2F&scope=api%3Aread",
    });
    assert.equal(res.status, 200);
  });

  test("user create prints the user without its password hash", async () => {
    const out = await cli(env, "user", "create", "--username", "alice", "--password", "correct horse", "--email", "alice@example.test", "--name", "Alice");
    assert.equal(out.code, 0, out.stderr);
    const user = JSON.parse(out.stdout) as Record<string, unknown>;
    assert.equal(user.username, "alice");
    assert.equal(user.passwordHash, undefined);
    const again = await cli(env, "user", "create", "--username", "alice", "--password", "correct horse");
    assert.equal(again.code, 1);
    assert.match(again.stderr, /already exists/);
  });

  test("user totp enable prints a base32 secret and an otpauth URI and stores it sealed; disable removes it", async () => {
    assert.equal((await cli(env, "user", "create", "--username", "dave", "--password", "correct horse")).code, 0);
    const out = await cli({ ...env, ISSUER: "https://login.example.test" }, "user", "totp", "enable", "--username", "dave");
    assert.equal(out.code, 0, out.stderr);
    const enrollment = JSON.parse(out.stdout) as { secret: string; uri: string };
    assert.match(enrollment.secret, /^[A-Z2-7]{32}$/, "20 bytes, base32 (RFC 4648 §6)");
    assert.equal(enrollment.uri, `otpauth://totp/login.example.test:dave?secret=${enrollment.secret}&issuer=login.example.test&algorithm=SHA1&digits=6&period=30`);
    const storage = await openSqlStorage(env.DATABASE_URL);
    try {
      const sealed = (await storage.users.findByUsername("dave"))!.totpSecret;
      assert.match(sealed ?? "", /^v1\./, "sealed with AES-256-GCM");
      assert.ok(!sealed!.includes(enrollment.secret));
      const disabled = await cli(env, "user", "totp", "disable", "--username", "dave");
      assert.equal(disabled.code, 0, disabled.stderr);
      assert.deepEqual(JSON.parse(disabled.stdout), { totp: "disabled" });
      assert.equal((await storage.users.findByUsername("dave"))!.totpSecret, undefined);
    } finally {
      await storage.close();
    }
    const unknown = await cli(env, "user", "totp", "enable", "--username", "nobody");
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown user "nobody"/);
  });

  test("consents list and consents revoke: the consent is forgotten and the user's refresh tokens for the client stop working", async () => {
    assert.equal((await cli(env, "user", "create", "--username", "carol", "--password", "correct horse")).code, 0);
    const created = await cli(env, "client", "create", "--json", JSON.stringify({ grant_types: ["client_credentials", "refresh_token"], client_name: "rp" }));
    const client = JSON.parse(created.stdout) as { client_id: string; client_secret: string };
    const storage = await openSqlStorage(env.DATABASE_URL);
    const carol = (await storage.users.findByUsername("carol"))!;
    const grantedAt = Date.UTC(2026, 0, 2, 3, 4, 5);
    await storage.consents.put({ userId: carol.id, clientId: client.client_id, scopes: ["openid", "offline_access"], grantedAt });
    await storage.consents.put({ userId: carol.id, clientId: "another-rp", scopes: ["openid"], grantedAt });
    const now = Date.now();
    await storage.grants.create(
      { id: "cli-grant", clientId: client.client_id, subject: carol.id, scopes: ["openid", "offline_access"], resources: [], claims: {}, createdAt: now, expiresAt: now + 3_600_000 },
      { id: "cli-rt", grantId: "cli-grant", clientId: client.client_id, digest: secretDigest("cli-refresh-token"), status: "active", createdAt: now, expiresAt: now + 3_600_000 },
    );
    await storage.close();

    const listed = await cli(env, "consents", "list", "--user", "carol");
    assert.equal(listed.code, 0, listed.stderr);
    assert.deepEqual(JSON.parse(listed.stdout), [
      { clientId: "another-rp", scopes: ["openid"], grantedAt: "2026-01-02T03:04:05.000Z" },
      { clientId: client.client_id, scopes: ["openid", "offline_access"], grantedAt: "2026-01-02T03:04:05.000Z" },
    ].sort((a, b) => (a.clientId < b.clientId ? -1 : 1)));

    const refresh = (token: string) =>
      fetch(`${baseUrl}/token`, {
        method: "POST",
        headers: { authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString("base64")}`, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "refresh_token", refresh_token: token }).toString(),
      });
    const before = await refresh("cli-refresh-token");
    assert.equal(before.status, 200);
    const { refresh_token: rotated } = (await before.json()) as { refresh_token: string };

    const revoked = await cli(env, "consents", "revoke", "--user", "carol", "--client", client.client_id);
    assert.equal(revoked.code, 0, revoked.stderr);
    assert.deepEqual(JSON.parse(revoked.stdout), { consentRemoved: true, grantsRevoked: 1 });
    assert.deepEqual(JSON.parse((await cli(env, "consents", "list", "--user", "carol")).stdout).map((c: { clientId: string }) => c.clientId), ["another-rp"]);
    const res = await refresh(rotated);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, "invalid_grant");

    const unknown = await cli(env, "consents", "list", "--user", "nobody");
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown user "nobody"/);
    const missing = await cli(env, "consents", "revoke", "--user", "carol");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--client is required/);
  });

  test("registration-token create prints a single value accepted by POST /register", async () => {
    const out = await cli(env, "registration-token", "create");
    assert.equal(out.code, 0, out.stderr);
    const token = out.stdout.trim();
    assert.match(token, /^[A-Za-z0-9_-]{43}$/);
    const res = await fetch(`${baseUrl}/register`, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify({ grant_types: ["client_credentials"] }),
    });
    assert.equal(res.status, 201);
  });

  test("registration-token create --require-software-statement: POST /register without one is 400 invalid_client_metadata", async () => {
    const out = await cli(env, "registration-token", "create", "--require-software-statement", "--software-ids", "4NRB1");
    assert.equal(out.code, 0, out.stderr);
    const res = await fetch(`${baseUrl}/register`, {
      method: "POST",
      headers: { authorization: `Bearer ${out.stdout.trim()}`, "content-type": "application/json" },
      body: JSON.stringify({ grant_types: ["client_credentials"] }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(await res.json(), { error: "invalid_client_metadata", error_description: "software_statement is required" });
  });

  test("keys list and keys rotate: the old key stays published beside the new active one", async () => {
    const before = JSON.parse((await cli(env, "keys", "list")).stdout) as { kid: string; alg: string; status: string }[];
    assert.deepEqual(before.filter((k) => k.status === "active").map((k) => k.alg).sort(), ["ES256", "RS256"]);
    const rotated = await cli(env, "keys", "rotate", "--alg", "ES256");
    assert.equal(rotated.code, 0, rotated.stderr);
    const after = JSON.parse(rotated.stdout) as { kid: string; alg: string; status: string }[];
    const es = after.filter((k) => k.alg === "ES256");
    assert.equal(es.filter((k) => k.status === "active").length, 1);
    assert.ok(es.some((k) => k.status === "retired" && before.some((b) => b.kid === k.kid)));
    assert.ok(!JSON.stringify(after).includes('"d"'));
  });

  test("errors go to stderr with a non-zero exit", async () => {
    const unknown = await cli(env, "frobnicate");
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown command "frobnicate"/);
    const missing = await cli(env, "resource", "create", "--scopes", "a");
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /--id is required/);
    const badJson = await cli(env, "client", "create", "--json", "{nope");
    assert.equal(badJson.code, 1);
    assert.equal(badJson.stdout, "");
    const badConfig = await cli({ ...env, PORT: "nope" }, "keys", "list");
    assert.equal(badConfig.code, 1);
    assert.match(badConfig.stderr, /PORT/);
  });
});
