/**
 * A protected resource that validates every request's access token with Portcullis over its internal gRPC listener
 * (RFC 6750 §2–3) — README "Validate tokens in a resource server". Run it with
 * `node --import tsx examples/resource-server/server.ts`; settings come from the environment (README).
 */
import { createServer } from "node:http";
import { credentials } from "@grpc/grpc-js";
import { clientCredentialsCallerToken, createTokenValidator, requireToken } from "portcullis/resource-server";

const env = process.env;
const port = Number(env.PORT ?? 3000);
const validator = createTokenValidator({
  address: env.PORTCULLIS_GRPC ?? "127.0.0.1:50051", // the internal listener; h2c on loopback
  credentials: credentials.createInsecure(), // credentials.createSsl(ca, key, cert) for TLS / mTLS
  callerToken: clientCredentialsCallerToken({ tokenEndpoint: `${env.PORTCULLIS_ISSUER ?? "http://localhost:8080"}/token`, clientId: env.CALLER_ID!, clientSecret: env.CALLER_SECRET! }),
  reconnect: { initialDelayMs: Number(env.RECONNECT_DELAY_MS ?? 1000) },
});
const protect = requireToken(validator, { scopes: ["api:read"], audience: env.RESOURCE ?? "https://api.example.test/", publicUrl: env.PUBLIC_URL ?? `http://localhost:${port}` });
const server = createServer(
  protect((_req, res, token) => {
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ subject: token.subject, scopes: token.scopes }));
  }),
);

validator.events.on("subscribed", () => console.log("revocation stream subscribed"));
validator.events.on("revocation", ({ kind, id }) => console.log(`revoked ${kind} ${id}`));
validator.events.on("disconnected", () => console.log("revocation stream down: every request is validated remotely"));
server.listen(port, "127.0.0.1", () => console.log(`resource server listening on http://127.0.0.1:${port}`));
process.once("SIGTERM", () => {
  validator.close();
  server.close();
});
