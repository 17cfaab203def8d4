/**
 * A protected resource that validates every request's access token with Portcullis over its internal gRPC listener
 * (RFC 6750 §2–3) — README "Validate tokens in a resource server". Run it with
 * `node --import tsx examples/resource-server/server.ts`; settings come from the environment (README).
 */
import { readFileSync } from "node:fs";
import { createServer, type RequestListener } from "node:http";
import { createServer as createTlsServer } from "node:https";
import { credentials } from "@grpc/grpc-js";
import { clientCredentialsCallerToken, createTokenValidator, requireToken } from "portcullis/resource-server";

const env = process.env;
const port = Number(env.PORT ?? 3000);
// TLS_CERT and TLS_KEY (PEM files) serve https and ask every client for a certificate, so that tokens bound to one
// (RFC 8705 §3) can be checked; possession is proven by the handshake, so the certificate's chain is not verified.
const tls = env.TLS_CERT && env.TLS_KEY ? { cert: readFileSync(env.TLS_CERT), key: readFileSync(env.TLS_KEY), requestCert: true, rejectUnauthorized: false } : undefined;
const origin = `${tls ? "https" : "http"}://localhost:${port}`;
const validator = createTokenValidator({
  address: env.PORTCULLIS_GRPC ?? "127.0.0.1:50051", // the internal listener; h2c on loopback
  credentials: credentials.createInsecure(), // credentials.createSsl(ca, key, cert) for TLS / mTLS
  callerToken: clientCredentialsCallerToken({ tokenEndpoint: `${env.PORTCULLIS_ISSUER ?? "http://localhost:8080"}/token`, clientId: env.CALLER_ID!, clientSecret: env.CALLER_SECRET! }),
  reconnect: { initialDelayMs: Number(env.RECONNECT_DELAY_MS ?? 1000) },
});
const protect = requireToken(validator, { scopes: ["api:read"], audience: env.RESOURCE ?? "https://api.example.test/", publicUrl: env.PUBLIC_URL ?? origin });
const handler: RequestListener = protect((_req, res, token) => {
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ subject: token.subject, scopes: token.scopes }));
});
const server = tls ? createTlsServer(tls, handler) : createServer(handler);

validator.events.on("subscribed", () => console.log("revocation stream subscribed"));
validator.events.on("revocation", ({ kind, id }) => console.log(`revoked ${kind} ${id}`));
validator.events.on("disconnected", () => console.log("revocation stream down: every request is validated remotely"));
server.listen(port, "127.0.0.1", () => console.log(`resource server listening on ${tls ? "https" : "http"}://127.0.0.1:${port}`));
process.once("SIGTERM", () => {
  validator.close();
  server.close();
});
