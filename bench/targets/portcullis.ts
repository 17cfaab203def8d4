import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import { join } from "node:path";
import { promisify } from "node:util";
import { freePort } from "../lib/ports.js";
import { tail } from "../lib/processes.js";
import { send, type CodeFlowSpec } from "../lib/code-flow.js";
import { CODE_FLOW, HOST, INTROSPECTION, TOKEN_REQUEST } from "../lib/settings.js";
import { postForm, signInForCodeFlow, type SubmitLogin } from "../lib/sign-in.js";
import { startFlags } from "../lib/start-flags.js";
import { launch } from "./launch.js";
import type { RunningTarget, Target, TargetContext } from "./target.js";

const run = promisify(execFile);

/** Scopes of the bench client: the resource scope for the token load, portcullis:validate for gRPC callers. */
const CLIENT_SCOPE = `${TOKEN_REQUEST.scope} ${INTROSPECTION.scope} portcullis:validate`;
/** Pushed requests or introspections per client per rate-limit window: above anything the bench can send (the peer has no such limit). */
const UNREACHED_LIMIT = 1_000_000_000;
/** Portcullis's SSO session cookie (src/transport/http/cookies.ts SESSION_COOKIE). */
const SESSION_COOKIES = ["portcullis_session"];

/** The first POST form of an HTML page: its action and hidden inputs (enough for the login page's csrf and authenticator). */
function postFormOf(page: string): { action: string; hidden: Record<string, string> } {
  const unescape = (value: string) => value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  const form = /<form\b[^>]*\bmethod="post"[^>]*\baction="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(page);
  if (!form) throw new Error(`no POST form on the login page: ${page.slice(0, 300)}`);
  const hidden: Record<string, string> = {};
  for (const input of form[2]!.matchAll(/<input\b[^>]*\btype="hidden"[^>]*>/gi)) {
    const name = /\bname="([^"]*)"/.exec(input[0])?.[1];
    if (name) hidden[unescape(name)] = unescape(/\bvalue="([^"]*)"/.exec(input[0])?.[1] ?? "");
  }
  return { action: unescape(form[1]!), hidden };
}

/** The password login page as a browser would fill it: GET the interaction page, post its form with username and password. */
function passwordLogin(password: string): SubmitLogin {
  return async (agent, jar, interactionUrl) => {
    const page = await send(agent, interactionUrl, { headers: { cookie: jar.header() } });
    if (page.status !== 200) throw new Error(`interaction page answered ${page.status}: ${page.body.slice(0, 300)}`);
    jar.store(page);
    const { action, hidden } = postFormOf(page.body);
    return postForm(agent, jar, new URL(action, interactionUrl).href, { ...hidden, username: CODE_FLOW.username, password });
  };
}

/** The code flow client: confidential, PKCE required, ES256 ID tokens, first-party (no consent page; an operator-only extension). */
const CODE_CLIENT = {
  client_name: "bench code flow",
  grant_types: ["authorization_code"],
  response_types: ["code"],
  redirect_uris: [CODE_FLOW.redirectUri],
  scope: CODE_FLOW.scope,
  id_token_signed_response_alg: "ES256",
  require_pkce: true,
  skip_consent: true,
};

/** Runs one operator CLI command of the checkout at `root` against the bench database and parses its JSON output. */
async function cli(root: string, env: Record<string, string>, args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", "src/cli.ts", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return JSON.parse(stdout);
}

/** How the server runs: compiled into dist/ as `npm start` runs it, or its TypeScript through tsx. */
export type Runner = "compiled" | "tsx";

/** `runner` (default compiled) and `tokenTtlSec`, the access-token lifetime of the bench resources (default theirs). */
export interface PortcullisOptions {
  runner?: Runner;
  tokenTtlSec?: number;
}

/** Node arguments that start the checkout at `root`: compiled (built first when stale) with `npm start`'s flags, unless it has no build step. */
async function serverArgs(root: string, runner: Runner): Promise<string[]> {
  const builder = join(root, "scripts", "build-if-stale.mjs");
  if (runner === "tsx" || !existsSync(builder)) return ["--import", "tsx", "src/main.ts"];
  await run(process.execPath, [builder], { cwd: root, timeout: 300_000 });
  return [...startFlags(root), "dist/src/main.js"];
}

/**
 * Portcullis: fresh SQLite file, one client_secret_basic client and the API resource, both made with the CLI.
 * `root` runs another checkout (e.g. a worktree with a candidate change) instead of this one; `settings` are extra
 * environment settings of the server (e.g. bench/lib/scaling.ts's WORKERS);
 * `cores` pins the server to that `taskset -c` core list instead of the bench's server core; `options` as PortcullisOptions.
 */
export function portcullisTarget(id = "portcullis", root?: string, settings: Record<string, string> = {}, cores?: string, options: PortcullisOptions = {}): Target {
  const placement = cores ? `, ${Object.entries(settings).map(([name, value]) => `${name}=${value}`).join(" ")} on cores ${cores}` : "";
  const runner = options.runner ?? "compiled";
  return {
    id,
    description: `Portcullis (${root ? `${root}/` : ""}${runner === "compiled" ? "dist/src/main.js, compiled" : "src/main.ts through tsx"}), SQLite, in-memory ephemeral state${placement}`,
    sourceRoot: root,
    start: (context) => startPortcullis(id, root ?? context.repoRoot, cores ? { ...context, core: cores } : context, settings, runner, options.tokenTtlSec),
  };
}

/** `tokenTtlSec`: access-token lifetime of both resources (the soak shortens it so stored tokens and revocations reach their steady state). */
async function startPortcullis(id: string, root: string, context: TargetContext, settings: Record<string, string>, runner: Runner, tokenTtlSec?: number): Promise<RunningTarget> {
  const dbFile = join(context.tmpDir, id === "portcullis" ? "bench.db" : `bench-${id}.db`);
  for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(dbFile + suffix, { force: true });
  const [port, grpcPort] = [await freePort(), await freePort()];
  const env = {
    DATABASE_URL: `sqlite:${dbFile}`,
    LOG_LEVEL: "warn",
    HOST,
    PORT: String(port),
    GRPC_HOST: HOST,
    GRPC_PORT: String(grpcPort),
    METRICS_PORT: "0",
    ISSUER: `http://${HOST}:${port}`,
    // One client pushes every flow's request: lift the per-client PAR limit (60/min) out of reach; it is still counted.
    PAR_LIMIT: String(UNREACHED_LIMIT),
    // The introspection scenario's one client introspects far above the per-client limit (600/min); still counted.
    INTROSPECTION_LIMIT: String(UNREACHED_LIMIT),
    ...settings,
  };
  const registered = (await cli(root, env, ["client", "create", "--json", JSON.stringify({ client_name: "bench", grant_types: ["client_credentials"], scope: CLIENT_SCOPE })])) as {
    client_id: string;
    client_secret: string;
  };
  const ttl = tokenTtlSec === undefined ? [] : ["--ttl", String(tokenTtlSec)];
  await cli(root, env, ["resource", "create", "--id", TOKEN_REQUEST.resource, "--scopes", TOKEN_REQUEST.scope, ...ttl]);
  await cli(root, env, ["resource", "create", "--id", INTROSPECTION.resource, "--scopes", INTROSPECTION.scope, "--format", "opaque", ...ttl]);
  const running = await launch(context, {
    id,
    args: await serverArgs(root, runner),
    cwd: root,
    port,
    env,
    client: { clientId: registered.client_id, clientSecret: registered.client_secret },
    grpcAddress: `${HOST}:${grpcPort}`,
  });
  return { ...running, dpop: true, introspectionPath: "/introspect", signInForCodeFlow: signInForCodeFlowOf(id, root, env, running) };
}

/**
 * The code flow set-up, only when that scenario runs: CLI `client create` and `user create` once, then a browser
 * sign-in on every call (the scenario signs in afresh before each run, as it must for the peer).
 */
function signInForCodeFlowOf(id: string, root: string, env: Record<string, string>, running: RunningTarget): () => Promise<CodeFlowSpec> {
  let registered: Promise<{ client: { clientId: string; clientSecret: string }; password: string }> | undefined;
  const register = async () => {
    const codeClient = (await cli(root, env, ["client", "create", "--json", JSON.stringify(CODE_CLIENT)])) as { client_id: string; client_secret: string };
    const password = randomBytes(16).toString("base64url");
    await cli(root, env, ["user", "create", "--username", CODE_FLOW.username, "--password", password]);
    return { client: { clientId: codeClient.client_id, clientSecret: codeClient.client_secret }, password };
  };
  return async () => {
    try {
      const { client, password } = await (registered ??= register());
      const flow = { baseUrl: running.baseUrl, parPath: "/par", authorizePath: "/authorize", tokenPath: "/token", client, redirectUri: CODE_FLOW.redirectUri, scope: CODE_FLOW.scope };
      return await signInForCodeFlow(flow, passwordLogin(password), SESSION_COOKIES);
    } catch (error) {
      throw new Error(`${id} code flow set-up failed: ${(error as Error).message}\n--- ${running.logFile} ---\n${tail(running.logFile)}`);
    }
  };
}
