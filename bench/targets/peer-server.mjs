// node-oidc-provider (v9) configured like Portcullis for the bench: one client_secret_basic client with the
// client_credentials grant, ES256 RFC 9068 JWT access tokens for one resource and opaque ones (introspected) for another; and for the code flow a second
// client_secret_basic client (authorization_code, PKCE S256, PAR, ES256 ID tokens) that is never asked for
// consent, and one user who signs in once through POST /interaction/{uid}/login. Copied into and run from
// .bench-tmp/peer by oidc-provider-peer.ts, so `oidc-provider` resolves from that folder's node_modules.
import http from "node:http";
import { randomBytes, timingSafeEqual, createHash } from "node:crypto";
import Provider, { errors } from "oidc-provider";

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const port = Number(env("PEER_PORT"));
const scope = env("PEER_SCOPE");
const resource = env("PEER_RESOURCE");
const opaqueScope = env("PEER_OPAQUE_SCOPE");
const opaqueResource = env("PEER_OPAQUE_RESOURCE");
const codeClientId = env("PEER_CODE_CLIENT_ID");
const user = env("PEER_USER");
const passwordDigest = createHash("sha256").update(env("PEER_PASSWORD")).digest();
const LOGIN_PATH = /^\/interaction\/([A-Za-z0-9_-]+)\/login$/;
const BODY_LIMIT = 65_536;

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
      scope: `${scope} ${opaqueScope}`,
    },
    {
      client_id: codeClientId,
      client_secret: env("PEER_CODE_CLIENT_SECRET"),
      token_endpoint_auth_method: "client_secret_basic",
      id_token_signed_response_alg: "ES256",
      grant_types: ["authorization_code"],
      response_types: ["code"],
      redirect_uris: [env("PEER_REDIRECT_URI")],
      scope: `openid ${scope}`,
    },
  ],
  scopes: [scope, opaqueScope],
  jwks: { keys: [JSON.parse(env("PEER_JWK"))] },
  cookies: { keys: [randomBytes(32).toString("base64url")] },
  pkce: { required: () => true },
  // The code-flow client is first-party: its grant is made on the spot instead of asking for consent (the
  // "skipping consent" recipe), like Portcullis's skip_consent. Otherwise the default lookup.
  loadExistingGrant: async (ctx) => {
    const { client, session } = ctx.oidc;
    const grantId = ctx.oidc.result?.consent?.grantId || session.grantIdFor(client.clientId);
    if (grantId) return ctx.oidc.provider.Grant.find(grantId);
    if (client.clientId !== codeClientId) return undefined;
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope(`openid ${scope}`); // api:read is also a static scope here (client_credentials needs it)
    grant.addResourceScope(resource, scope);
    await grant.save();
    return grant;
  },
  features: {
    devInteractions: { enabled: false },
    clientCredentials: { enabled: true },
    dPoP: { enabled: true }, // (the default in v9) no nonces, as Portcullis by default
    introspection: { enabled: true }, // of the opaque tokens below (JWT access tokens are not stored, so not introspectable here)
    resourceIndicators: {
      enabled: true,
      defaultResource: () => resource,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, indicator) => {
        if (indicator === opaqueResource) return { scope: opaqueScope, accessTokenFormat: "opaque" };
        if (indicator !== resource) throw new errors.InvalidTarget();
        return { scope, accessTokenFormat: "jwt", jwt: { sign: { alg: "ES256" } } };
      },
    },
  },
});

/** The login form's submission: checks the one user's password and finishes the login prompt of the interaction. */
async function login(req, res) {
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > BODY_LIMIT) return res.writeHead(413).end();
    chunks.push(chunk);
  }
  const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
  const details = await provider.interactionDetails(req, res);
  const digest = createHash("sha256").update(form.get("password") ?? "").digest();
  if (details.prompt.name !== "login" || form.get("username") !== user || !timingSafeEqual(digest, passwordDigest)) {
    return res.writeHead(400, { "content-type": "text/plain" }).end("login failed");
  }
  await provider.interactionFinished(req, res, { login: { accountId: user } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
const server = http.createServer((req, res) => {
  if (req.method === "POST" && LOGIN_PATH.test(req.url ?? "")) {
    login(req, res).catch((error) => res.writeHead(400, { "content-type": "text/plain" }).end(String(error?.message ?? error)));
  } else callback(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => process.stdout.write(`oidc-provider listening on ${port}\n`));
for (const signal of ["SIGTERM", "SIGINT"]) process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
