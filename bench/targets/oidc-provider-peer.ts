import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { es256PrivateJwk } from "../lib/es256-key.js";
import { freePort } from "../lib/ports.js";
import { CODE_FLOW, HOST, INTROSPECTION, TOKEN_REQUEST } from "../lib/settings.js";
import { postForm, signInForCodeFlow, type SubmitLogin } from "../lib/sign-in.js";
import { tail } from "../lib/processes.js";
import { launch } from "./launch.js";
import type { Target } from "./target.js";

const PEER_PACKAGE = "oidc-provider@9";
/** oidc-provider's session cookie and its signature cookie. */
const SESSION_COOKIES = ["_session", "_session.sig"];

/** Installs oidc-provider@9 into <tmp>/peer (never into the project) unless a 9.x is already there; returns its version. */
function installPeer(peerDir: string): string {
  const manifest = join(peerDir, "node_modules", "oidc-provider", "package.json");
  const installed = () => (existsSync(manifest) ? (JSON.parse(readFileSync(manifest, "utf8")) as { version: string }).version : undefined);
  if (!installed()?.startsWith("9.")) {
    mkdirSync(peerDir, { recursive: true });
    writeFileSync(join(peerDir, "package.json"), JSON.stringify({ name: "portcullis-bench-peer", private: true, type: "module" }, null, 2));
    process.stdout.write(`installing ${PEER_PACKAGE} into ${peerDir} …\n`);
    execFileSync("npm", ["install", "--no-audit", "--no-fund", "--no-save", PEER_PACKAGE], { cwd: peerDir, stdio: ["ignore", "ignore", "inherit"], timeout: 180_000 });
  }
  const version = installed();
  if (!version) throw new Error(`${PEER_PACKAGE} did not install into ${peerDir}`);
  return version;
}

/** node-oidc-provider@9, configured as peer-server.mjs describes. */
export const oidcProviderPeerTarget: Target = {
  id: "peer",
  description: "node-oidc-provider 9 (client_secret_basic, client_credentials, ES256 JWT via resource indicators; code flow with PAR, PKCE, auto-consent)",
  async start(context) {
    const peerDir = join(context.tmpDir, "peer");
    const version = installPeer(peerDir);
    copyFileSync(join(context.repoRoot, "bench", "targets", "peer-server.mjs"), join(peerDir, "peer-server.mjs"));
    const port = await freePort();
    const client = { clientId: "peer-client", clientSecret: randomBytes(32).toString("base64url") };
    const codeClient = { clientId: "peer-code-client", clientSecret: randomBytes(32).toString("base64url") };
    const password = randomBytes(16).toString("base64url");
    const running = await launch(context, {
      id: "peer",
      version: `oidc-provider ${version}`,
      args: ["peer-server.mjs"],
      cwd: peerDir,
      port,
      client,
      env: {
        PEER_PORT: String(port),
        PEER_ISSUER: `http://${HOST}:${port}`,
        PEER_CLIENT_ID: client.clientId,
        PEER_CLIENT_SECRET: client.clientSecret,
        PEER_SCOPE: TOKEN_REQUEST.scope,
        PEER_RESOURCE: TOKEN_REQUEST.resource,
        PEER_OPAQUE_SCOPE: INTROSPECTION.scope,
        PEER_OPAQUE_RESOURCE: INTROSPECTION.resource,
        PEER_JWK: JSON.stringify(es256PrivateJwk()),
        PEER_CODE_CLIENT_ID: codeClient.clientId,
        PEER_CODE_CLIENT_SECRET: codeClient.clientSecret,
        PEER_REDIRECT_URI: CODE_FLOW.redirectUri,
        PEER_USER: CODE_FLOW.username,
        PEER_PASSWORD: password,
      },
    });
    // peer-server.mjs's login form takes username and password at POST /interaction/{uid}/login.
    const login: SubmitLogin = (agent, jar, url) => postForm(agent, jar, `${url}/login`, { username: CODE_FLOW.username, password });
    const flow = { baseUrl: running.baseUrl, parPath: "/request", authorizePath: "/auth", tokenPath: "/token", client: codeClient, redirectUri: CODE_FLOW.redirectUri, scope: CODE_FLOW.scope };
    const signIn = async () => {
      try {
        return await signInForCodeFlow(flow, login, SESSION_COOKIES);
      } catch (error) {
        throw new Error(`peer code flow set-up failed: ${(error as Error).message}\n--- ${running.logFile} ---\n${tail(running.logFile)}`);
      }
    };
    return { ...running, dpop: true, introspectionPath: "/token/introspection", signInForCodeFlow: signIn };
  },
};
