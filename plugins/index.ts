import type { PluginModule } from "portcullis/plugin-sdk";
import authorizationCode from "./grants/authorization-code/index.js";
import clientCredentials from "./grants/client-credentials/index.js";
import refreshToken from "./grants/refresh-token/index.js";
import tokenExchange from "./grants/token-exchange/index.js";
import jwtBearer from "./grants/jwt-bearer/index.js";
import deviceCode from "./grants/device-code/index.js";
import clientSecretBasic from "./client-auth/client-secret-basic/index.js";
import clientSecretPost from "./client-auth/client-secret-post/index.js";
import clientSecretJwt from "./client-auth/client-secret-jwt/index.js";
import privateKeyJwt from "./client-auth/private-key-jwt/index.js";
import none from "./client-auth/none/index.js";
import attestJwtClientAuth from "./client-auth/attest-jwt-client-auth/index.js";
import tlsClientAuth from "./client-auth/tls-client-auth/index.js";
import selfSignedTlsClientAuth from "./client-auth/self-signed-tls-client-auth/index.js";
import jwtAttestation from "./attestation/jwt/index.js";
import password from "./authn/password/index.js";
import totp from "./authn/totp/index.js";
import tokenExchangePolicy from "./policies/token-exchange/index.js";
import authorizationChallenge from "./endpoints/authorization-challenge/index.js";
import auditJsonLinesFile from "./audit/json-lines-file/index.js";

/**
 * The first-party plugin modules enabled by default; adding a plugin is one line here. The password grant
 * (plugins/grants/password) is opt-in (RFC 9700 §2.4): load it by path with PLUGINS.
 */
export const firstPartyPlugins: readonly PluginModule[] = [
  authorizationCode,
  clientCredentials,
  refreshToken,
  tokenExchange,
  jwtBearer,
  deviceCode,
  clientSecretBasic,
  clientSecretPost,
  clientSecretJwt,
  privateKeyJwt,
  none,
  attestJwtClientAuth,
  tlsClientAuth,
  selfSignedTlsClientAuth,
  jwtAttestation,
  password,
  totp,
  tokenExchangePolicy,
  authorizationChallenge,
  auditJsonLinesFile,
];
