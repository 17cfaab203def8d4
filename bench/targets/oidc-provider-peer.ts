import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { es256PrivateJwk } from "../lib/es256-key.js";
import { freePort } from "../lib/ports.js";
import { HOST, TOKEN_REQUEST } from "../lib/settings.js";
import { launch } from "./launch.js";
import type { Target } from "./target.js";

const PEER_PACKAGE = "oidc-provider@9";

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
  description: "node-oidc-provider 9 (client_secret_basic, client_credentials, ES256 JWT via resource indicators)",
  async start(context) {
    const peerDir = join(context.tmpDir, "peer");
    const version = installPeer(peerDir);
    copyFileSync(join(context.repoRoot, "bench", "targets", "peer-server.mjs"), join(peerDir, "peer-server.mjs"));
    const port = await freePort();
    const client = { clientId: "peer-client", clientSecret: randomBytes(32).toString("base64url") };
    return launch(context, {
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
        PEER_JWK: JSON.stringify(es256PrivateJwk()),
      },
    });
  },
};
