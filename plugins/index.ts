import type { PluginModule } from "../src/plugin-sdk/index.js";
import clientCredentials from "./grants/client-credentials/index.js";
import refreshToken from "./grants/refresh-token/index.js";
import clientSecretBasic from "./client-auth/client-secret-basic/index.js";
import clientSecretPost from "./client-auth/client-secret-post/index.js";
import clientSecretJwt from "./client-auth/client-secret-jwt/index.js";
import privateKeyJwt from "./client-auth/private-key-jwt/index.js";
import none from "./client-auth/none/index.js";

/**
 * The first-party plugin modules; adding a plugin is one line here. `grants/authorization-code` exists but is
 * enabled with the authorization endpoint (browser-flows issue): advertising the grant without `/authorize` would
 * make discovery claim a flow nobody can start (RFC 8414 §2).
 */
export const firstPartyPlugins: readonly PluginModule[] = [
  clientCredentials,
  refreshToken,
  clientSecretBasic,
  clientSecretPost,
  clientSecretJwt,
  privateKeyJwt,
  none,
];
