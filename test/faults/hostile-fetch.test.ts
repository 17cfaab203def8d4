import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { ISSUER, JWT_BEARER, signAssertion, testKey } from "../core/clients/auth-fixtures.js";
import { startLocalServer, type LocalServer } from "../core/security/local-server.js";
import { sleep } from "../support/fault-requirements.js";
import { basic, startTestApp, type TestApp } from "../support/test-app.js";

/**
 * Corpus S115: clients whose `jwks_uri` is hostile (drips, sends 10 MB, redirects in a loop, fails TLS, never
 * answers) authenticate with private_key_jwt while other clients keep working. Each hostile fetch ends within
 * FETCH_TIMEOUT as 401 invalid_client; the event loop never stalls, and no database connection is held across the
 * fetch: on SQLite (a pool of one connection) refreshes, which need the database, keep being served meanwhile.
 */
const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const plugin = fileURLToPath(new URL("../fixtures/plugins/test-delegation.plugin.ts", import.meta.url));
const API = "https://api.example.test/";
const FETCH_TIMEOUT_MS = 3000;
const key = testKey("ES256");

describe("S115: hostile jwks_uri fetches while other clients are served", () => {
  let hostile: LocalServer;
  let t: TestApp;

  before(async () => {
    hostile = await startLocalServer((request, response) => {
      switch (request.url) {
        case "/drip": {
          response.writeHead(200, { "content-type": "application/json" });
          response.write("{");
          const timer = setInterval(() => response.write(" "), 100);
          response.on("close", () => clearInterval(timer));
          return;
        }
        case "/huge":
          response.writeHead(200, { "content-type": "application/json" });
          for (let i = 0; i < 10 * 1024 && !response.destroyed; i++) response.write(" ".repeat(1024));
          response.end();
          return;
        case "/loop":
          response.writeHead(302, { location: "/loop" }).end();
          return;
        default:
          return; // never answers
      }
    });
    t = await startTestApp({ issuer: ISSUER, fetchAllowPrivate: "true", fetchTimeout: String(FETCH_TIMEOUT_MS), plugins: plugin, refreshTokenTtl: "3600", authFailureLimit: "1000" });
    await t.createResource(API, "api:read");
  });
  after(async () => {
    await t?.stop();
    await hostile?.close();
  });

  test("every hostile fetch answers 401 invalid_client within FETCH_TIMEOUT; meanwhile other clients' tokens and refreshes stay fast", { timeout: 60_000 }, async (ctx) => {
    const tlsOnPlainPort = `https://${new URL(hostile.url).host}/tls`;
    const targets = { drip: `${hostile.url}/drip`, huge: `${hostile.url}/huge`, loop: `${hostile.url}/loop`, silent: `${hostile.url}/silent`, tls: tlsOnPlainPort };
    const clients = await Promise.all(
      Object.entries(targets).map(async ([name, jwks_uri]) => ({ name, client: await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "private_key_jwt", jwks_uri }) })),
    );
    const machine = await t.createClient({ grant_types: ["client_credentials"] });
    const app = await t.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none" });
    const started = (await (await t.postForm("/token", { grant_type: GRANT, subject: "bystander", scope: "api:read", client_id: app.client_id })).json()) as { refresh_token: string };

    let refreshToken = started.refresh_token;
    let hostileDone = false;
    const bystanders: number[] = [];
    const bystander = async () => {
      while (!hostileDone) {
        const begin = performance.now();
        const [token, refresh] = await Promise.all([
          t.postForm("/token", { grant_type: "client_credentials", scope: "api:read" }, basic(machine.client_id, machine.client_secret!)),
          t.postForm("/token", { grant_type: "refresh_token", refresh_token: refreshToken, client_id: app.client_id }),
        ]);
        assert.equal(token.status, 200);
        assert.equal(refresh.status, 200, "a refresh needs the database: it is not held by a fetch");
        await token.arrayBuffer();
        refreshToken = ((await refresh.json()) as { refresh_token: string }).refresh_token;
        bystanders.push(performance.now() - begin);
        await sleep(20);
      }
    };
    const running = bystander();
    const answers = await Promise.all(
      clients.map(async ({ name, client }) => {
        const begin = performance.now();
        const assertion = await signAssertion(key.privateKey, { alg: "ES256", kid: key.kid }, client.client_id, Math.floor(Date.now() / 1000));
        const res = await t.postForm("/token", { grant_type: "client_credentials", client_assertion_type: JWT_BEARER, client_assertion: assertion });
        return { name, status: res.status, error: ((await res.json()) as { error?: string }).error, ms: performance.now() - begin };
      }),
    );
    hostileDone = true;
    await running;

    const slowest = Math.max(...bystanders);
    ctx.diagnostic(`hostile: ${answers.map((a) => `${a.name} ${a.status} ${a.error} in ${Math.round(a.ms)} ms`).join(", ")}; bystanders: ${bystanders.length} rounds, slowest ${Math.round(slowest)} ms`);
    for (const answer of answers) {
      assert.deepEqual([answer.status, answer.error], [401, "invalid_client"], answer.name);
      assert.ok(answer.ms < FETCH_TIMEOUT_MS + 1500, `${answer.name} took ${Math.round(answer.ms)} ms`);
    }
    assert.ok(bystanders.length >= 10, `only ${bystanders.length} bystander rounds during the hostile fetches`);
    assert.ok(slowest < 2000, `a bystander round took ${Math.round(slowest)} ms: the event loop or the database was held`);
  });
});
