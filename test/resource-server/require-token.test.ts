import assert from "node:assert/strict";
import { EventEmitter } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttpsServer, request as httpsRequest } from "node:https";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { requireToken, type RequireTokenOptions } from "../../src/resource-server/require-token.js";
import type { TokenValidation, ValidatedToken } from "../../src/resource-server/token-validation.js";
import type { TokenValidator, TokenValidatorEvents, ValidationRequest } from "../../src/resource-server/token-validator.js";
import { createTestPki, opensslMissing } from "../support/test-pki.js";

const TOKEN: ValidatedToken = { subject: "alice", clientId: "app", scopes: ["read"], audiences: [], expiresAt: 2, issuedAt: 1, jti: "j", tokenType: "DPoP", claims: {}, confirmation: { jkt: "k" } };

/** A validator that answers `answer` and records what the middleware asked: the middleware's inputs and outputs only. */
function recordingValidator(answer: TokenValidation): TokenValidator & { requests: ValidationRequest[] } {
  const requests: ValidationRequest[] = [];
  return { requests, watching: true, events: new EventEmitter<TokenValidatorEvents>(), close() {}, validate: async (request) => (requests.push(request), answer) };
}

function handlerOf(validator: TokenValidator, options: Partial<RequireTokenOptions> = {}) {
  return requireToken(validator, { publicUrl: "https://api.example.com", scopes: ["read"], audience: "https://api.example.com/", ...options })((_req: IncomingMessage, res: ServerResponse, token) => {
    res.end(token.subject);
  });
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** requireToken (RFC 6750 §3, RFC 9449 §7.1, §9; RFC 8705 §3): what it passes to the validator and how it refuses. */
describe("requireToken", () => {
  const servers: Server[] = [];
  after(() => servers.forEach((server) => server.close()));

  it("passes the Authorization and DPoP headers, the method, the URL on the public origin and the requirements", async () => {
    const validator = recordingValidator({ active: true, token: TOKEN });
    const server = createServer(handlerOf(validator));
    servers.push(server);
    const response = await fetch(`http://${await listen(server)}/things?x=1`, { method: "POST", headers: { authorization: "DPoP abc", dpop: "proof" } });
    assert.equal(await response.text(), "alice");
    assert.deepEqual(validator.requests, [
      { authorization: ["DPoP abc"], dpopProof: ["proof"], method: "POST", url: "https://api.example.com/things?x=1", clientCertificateThumbprint: undefined, requiredScopes: ["read"], requiredAudience: "https://api.example.com/" },
    ]);
  });

  it("answers a DPoP failure with a DPoP challenge, its algs, and the nonce Portcullis asked for", async () => {
    const validator = recordingValidator({ active: false, error: "use_dpop_nonce", description: "nonce needed", scheme: "DPoP", requiredScopes: ["read"], dpopNonce: "n-1" });
    const server = createServer(handlerOf(validator, { dpopAlgs: ["ES256"], realm: "api" }));
    servers.push(server);
    const response = await fetch(`http://${await listen(server)}/`, { headers: { authorization: "DPoP abc" } });
    assert.equal(response.status, 401);
    assert.equal(response.headers.get("www-authenticate"), 'DPoP realm="api", error="use_dpop_nonce", error_description="nonce needed", algs="ES256"');
    assert.equal(response.headers.get("dpop-nonce"), "n-1");
    assert.equal(response.headers.get("cache-control"), "no-store");
  });

  it("passes the SHA-256 thumbprint of the TLS client certificate (RFC 8705 §3.1)", { skip: opensslMissing() }, async () => {
    const pki = createTestPki();
    try {
      const serverIdentity = pki.issue("resource", ["subjectAltName=IP:127.0.0.1"]);
      const clientIdentity = pki.selfSigned("client", []);
      const validator = recordingValidator({ active: true, token: { ...TOKEN, tokenType: "Bearer", confirmation: { x5tS256: clientIdentity.thumbprint } } });
      const server = createHttpsServer({ cert: serverIdentity.cert, key: serverIdentity.key, requestCert: true, rejectUnauthorized: false }, handlerOf(validator));
      servers.push(server);
      const [host, port] = (await listen(server)).split(":");
      const body = await new Promise<string>((resolve, reject) => {
        const request = httpsRequest({ host, port, path: "/", ca: pki.ca.cert, cert: clientIdentity.cert, key: clientIdentity.key, headers: { authorization: "Bearer abc" } }, (response) => {
          let text = "";
          response.on("data", (chunk) => (text += chunk)).on("end", () => resolve(text));
        });
        request.on("error", reject).end();
      });
      assert.equal(body, "alice");
      assert.equal(validator.requests[0]?.clientCertificateThumbprint, clientIdentity.thumbprint);
    } finally {
      pki.dispose();
    }
  });
});
