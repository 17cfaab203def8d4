import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import { plainNodeScript } from "../lib/plain-node.js";
import { es256PrivateJwk } from "../lib/es256-key.js";
import { freePort } from "../lib/ports.js";
import { HOST, TOKEN_REQUEST } from "../lib/settings.js";
import { launch } from "./launch.js";
import type { Target } from "./target.js";

/** The node:http + node:crypto floor (floor-server.ts, transpiled and run on plain node). */
export const floorTarget: Target = {
  id: "floor",
  description: "node:http + node:crypto, signs the same ES256 JWT and nothing else",
  async start(context) {
    const port = await freePort();
    const client = { clientId: "floor-client", clientSecret: randomBytes(32).toString("base64url") };
    return launch(context, {
      id: "floor",
      args: [plainNodeScript(join(context.repoRoot, "bench", "targets", "floor-server.ts"), join(context.tmpDir, "floors"))],
      cwd: context.repoRoot,
      port,
      client,
      env: {
        FLOOR_PORT: String(port),
        FLOOR_ISSUER: `http://${HOST}:${port}`,
        FLOOR_CLIENT_ID: client.clientId,
        FLOOR_CLIENT_SECRET_SHA256: createHash("sha256").update(client.clientSecret).digest("hex"),
        FLOOR_SCOPE: TOKEN_REQUEST.scope,
        FLOOR_RESOURCE: TOKEN_REQUEST.resource,
        FLOOR_JWK: JSON.stringify(es256PrivateJwk()),
      },
    });
  },
};
