// node-oidc-provider (v9) configured like Portcullis for the bench: one client_secret_basic client with the
// client_credentials grant, ES256 RFC 9068 JWT access tokens for one resource. Copied into and run from
// .bench-tmp/peer by oidc-provider-peer.ts, so `oidc-provider` resolves from that folder's node_modules.
import http from "node:http";
import Provider, { errors } from "oidc-provider";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const port = Number(env("PEER_PORT"));
const scope = env("PEER_SCOPE");
const resource = env("PEER_RESOURCE");

const provider = new Provider(env("PEER_ISSUER"), {
  clients: [
    {
      client_id: env("PEER_CLIENT_ID"),
      client_secret: env("PEER_CLIENT_SECRET"),
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "ES256", // the only key is ES256 (no ID tokens are issued here)
      grant_types: ["client_credentials"],
      response_types: [],
      redirect_uris: [],
      scope,
    },
  ],
  scopes: [scope],
  jwks: { keys: [JSON.parse(env("PEER_JWK"))] },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator !== resource) throw new errors.InvalidTarget();
        return { scope, accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } };
      },
    },
  },
});

const server = http.createServer(provider.callback());
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => process.stdout.write(`oidc-provider listening on ${port}\n`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
