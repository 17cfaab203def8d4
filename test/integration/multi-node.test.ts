import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { DI } from "../../src/core/di-tokens.js";
import { createScratchDatabase } from "../support/scratch-database.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";
import { serviceUrl } from "./storage/services.js";

const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const plugin = fileURLToPath(new URL("../fixtures/plugins/test-delegation.plugin.ts", import.meta.url));
const mysqlUrl = serviceUrl("MYSQL_URL", "two nodes sharing MariaDB and Redis");
const redisUrl = mysqlUrl ? serviceUrl("REDIS_URL", "two nodes sharing MariaDB and Redis") : undefined;

/** README "several nodes": stateless nodes sharing MySQL and Redis agree on keys, clients, tokens and revocations. */
if (mysqlUrl && redisUrl) {
  describe("two nodes sharing MariaDB and Redis", () => {
    let db: Awaited<ReturnType<typeof createScratchDatabase>>;
    let a: TestApp;
    let b: TestApp;
    let rs: { client_id: string; client_secret?: string };

    before(async () => {
      db = await createScratchDatabase(mysqlUrl, "portcullis_nodes");
      const shared = { databaseUrl: db.url, redisUrl, plugins: plugin, issuer: "https://id.example.test", keyEncryptionKey: randomBytes(32).toString("base64url") };
      [a, b] = await Promise.all([startTestApp(shared), startTestApp(shared)]);
      await a.createResource("https://api.example.test/", "api:read", { format: "opaque" });
      rs = await a.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
    });
    after(async () => {
      await Promise.all([a?.stop(), b?.stop()]);
      await db?.drop();
    });

    const introspect = async (node: TestApp, token: string) =>
      ((await (await node.postForm("/introspect", { token }, basic(rs.client_id, rs.client_secret!))).json()) as { active: boolean }).active;
    const tokenFrom = async (node: TestApp, client: { client_id: string; client_secret?: string }, form: Record<string, string> = {}) => {
      const res = await node.postForm("/token", { grant_type: "client_credentials", ...form }, basic(client.client_id, client.client_secret!));
      assert.equal(res.status, 200);
      return ((await res.json()) as { access_token: string }).access_token;
    };

    test("nodes started together on an empty database publish the same keys, one active per alg", async () => {
      const [jwksA, jwksB] = await Promise.all([a, b].map(async (node) => (await (await fetch(`${node.publicUrl}/jwks`)).json()) as { keys: { kid: string; alg: string }[] }));
      assert.deepEqual(jwksA, jwksB);
      assert.deepEqual(jwksA!.keys.map((k) => k.alg).sort(), ["ES256", "RS256"]);
    });

    test("a client registered on A gets JWT and opaque tokens on B that A sees as active", async () => {
      const client = await a.createClient({ grant_types: ["client_credentials"] });
      assert.equal(await introspect(a, await tokenFrom(b, client)), true);
      assert.equal(await introspect(a, await tokenFrom(b, client, { resource: "https://api.example.test/", scope: "api:read" })), true);
    });

    test("a revocation on B is seen on A at once, although A had validated the token before", async () => {
      const client = await a.createClient({ grant_types: ["client_credentials"] });
      const token = await tokenFrom(a, client);
      assert.equal(await introspect(a, token), true);
      assert.equal((await b.postForm("/revoke", { token }, basic(client.client_id, client.client_secret!))).status, 200);
      assert.equal(await introspect(a, token), false);
    });

    test("refresh-token reuse across nodes revokes the grant everywhere", async () => {
      const client = await a.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none" });
      const refresh = (node: TestApp, token: string) => node.postForm("/token", { grant_type: "refresh_token", refresh_token: token, client_id: client.client_id });
      const first = (await (await a.postForm("/token", { grant_type: GRANT, client_id: client.client_id, subject: "alice" })).json()) as { refresh_token: string };
      const second = (await (await refresh(a, first.refresh_token)).json()) as { refresh_token: string };
      const third = (await (await refresh(b, second.refresh_token)).json()) as { access_token: string; refresh_token: string };
      assert.equal(await introspect(a, third.access_token), true);
      const reuse = await refresh(b, first.refresh_token);
      assert.equal(reuse.status, 400);
      assert.equal(await introspect(a, third.access_token), false);
      assert.equal(await introspect(b, third.refresh_token), false);
    });

    test("deleting a client on A stops it on B at once (client caches evicted over the bus)", async () => {
      const client = await a.createClient({ grant_types: ["client_credentials"] });
      const token = await tokenFrom(b, client);
      assert.equal(await a.app.container.resolve(DI.ClientRegistry).delete(client.client_id), true);
      const denied = await b.postForm("/token", { grant_type: "client_credentials" }, basic(client.client_id, client.client_secret!));
      assert.equal(denied.status, 401);
      assert.equal(await introspect(b, token), false);
    });
  });
}
