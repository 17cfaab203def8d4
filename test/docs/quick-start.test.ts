import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, test } from "node:test";
import { promisify } from "node:util";
import { ROOT, spawnServer, type SpawnedServer } from "../support/spawned-server.js";

const run = promisify(execFile);
const readme = readFileSync(join(ROOT, "README.md"), "utf8");

/** The README's quick start: the first shell block after "in another shell". */
function quickStart(): string {
  const from = readme.indexOf("in another shell");
  const start = readme.indexOf("```sh\n", from) + "```sh\n".length;
  return readme.slice(start, readme.indexOf("```", start));
}

let server: SpawnedServer;
const dir = mkdtempSync(join(tmpdir(), "portcullis-readme-"));
const env = { DATABASE_URL: `sqlite:${join(dir, "portcullis.db")}` };

before(async () => {
  server = await spawnServer(env, ["npm", "start"]);
});
after(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test("README quick start: the commands as written, in order, with no waiting, get a token from `npm start`", async () => {
  const script = quickStart();
  assert.match(script, /resource create[\s\S]*client create[\s\S]*curl/);
  const { stdout } = await run("bash", ["-euo", "pipefail", "-c", script.replaceAll("http://localhost:8080", server.url)], { cwd: ROOT, env: { ...process.env, ...env, REDIS_URL: "" } });
  const response = JSON.parse(stdout.trim().split("\n").at(-1)!) as Record<string, unknown>;
  assert.equal(response.token_type, "Bearer");
  assert.equal(response.scope, "api:read");
  assert.equal(typeof response.access_token, "string");
});

test("README device flow: the commands as written register a device client, start a device authorization and poll", async () => {
  const from = readme.indexOf("## Device flow");
  const start = readme.indexOf("```sh\n", from) + "```sh\n".length;
  const script = readme.slice(start, readme.indexOf("```", start));
  const { stdout } = await run("bash", ["-euo", "pipefail", "-c", script.replaceAll("http://localhost:8080", server.url)], { cwd: ROOT, env: { ...process.env, ...env, REDIS_URL: "" } });
  const [shown, polled] = stdout.trim().split("\n").slice(-2);
  assert.match(shown!, new RegExp(`^Open ${server.url.replace(/[.]/g, "\\.")}/device and enter [BCDFGHJKLMNPQRSTVWXZ]{4}-[BCDFGHJKLMNPQRSTVWXZ]{4}$`));
  assert.equal((JSON.parse(polled!) as { error: string }).error, "authorization_pending");
});

test("`npm start` says where it listens as bound and which issuer it serves", () => {
  assert.match(server.output(), new RegExp(`Portcullis listening on ${server.url.replace(/[.]/g, "\\.")} as issuer ${server.url.replace(/[.]/g, "\\.")}; internal gRPC on http://127\\.0\\.0\\.1:\\d+`));
});

test("on the default wildcard bind the start-up line prints the bind as it is, marked as every interface", async () => {
  const wildcard = await spawnServer({ ...env, HOST: "0.0.0.0" });
  try {
    const port = new URL(wildcard.url).port;
    assert.match(wildcard.output(), new RegExp(`listening on http://0\\.0\\.0\\.0:${port} \\(every interface\\) as issuer ${wildcard.url.replace(/[.]/g, "\\.")};`));
  } finally {
    await wildcard.stop();
  }
});
