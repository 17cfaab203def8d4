/**
 * The floor: the least a token endpoint can do for client_credentials — parse Basic auth, compare a SHA-256
 * digest, sign an ES256 JWT with a KeyObject, answer JSON — on bare node:http + node:crypto. No storage,
 * no framework, no logging. Configured by environment (set by bench/targets/floor.ts).
 */
import http from "node:http";
import { createHash, createPrivateKey, randomBytes, sign, timingSafeEqual } from "node:crypto";

const env = (name: string): string => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
};
const port = Number(env("FLOOR_PORT"));
const issuer = env("FLOOR_ISSUER");
const clientId = env("FLOOR_CLIENT_ID");
const secretDigest = Buffer.from(env("FLOOR_CLIENT_SECRET_SHA256"), "hex");
const scope = env("FLOOR_SCOPE");
const audience = env("FLOOR_RESOURCE");
const jwk = JSON.parse(env("FLOOR_JWK")) as { kid: string };
const key = createPrivateKey({ key: jwk, format: "jwk" });
const header = Buffer.from(JSON.stringify({ alg: "ES256", typ: "at+jwt", kid: jwk.kid })).toString("base64url");
const BODY_LIMIT = 65_536;

/** RFC 6749 §2.3.1: Basic credentials are form-encoded. */
const formDecode = (value: string) => decodeURIComponent(value.replace(/\+/g, " "));

function authenticated(authorization: string | undefined): boolean {
  if (!authorization?.startsWith("Basic ")) return false;
  const decoded = Buffer.from(authorization.slice(6), "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return false;
  try {
    if (formDecode(decoded.slice(0, colon)) !== clientId) return false;
    const digest = createHash("sha256").update(formDecode(decoded.slice(colon + 1))).digest();
    return timingSafeEqual(digest, secretDigest);
  } catch {
    return false;
  }
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json), "cache-control": "no-store", ...headers });
  res.end(json);
}

function issue(res: http.ServerResponse, form: URLSearchParams): void {
  if (form.get("grant_type") !== "client_credentials") return send(res, 400, { error: "unsupported_grant_type" });
  const requested = form.get("scope") ?? scope;
  if (requested !== scope) return send(res, 400, { error: "invalid_scope" });
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: issuer, sub: clientId, aud: audience, exp: now + 3600, iat: now, jti: randomBytes(16).toString("base64url"), client_id: clientId, scope };
  const input = `${header}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}`;
  const signature = sign("sha256", Buffer.from(input), { key, dsaEncoding: "ieee-p1363" }).toString("base64url");
  send(res, 200, { access_token: `${input}.${signature}`, token_type: "Bearer", expires_in: 3600, scope });
}

const server = http.createServer((req, res) => {
  if (req.method !== "POST" || req.url !== "/token") return send(res, 404, { error: "not_found" });
  const chunks: Buffer[] = [];
  let size = 0;
  req.on("data", (chunk: Buffer) => {
    size += chunk.length;
    if (size > BODY_LIMIT) req.destroy();
    else chunks.push(chunk);
  });
  req.on("end", () => {
    if (!authenticated(req.headers.authorization)) return send(res, 401, { error: "invalid_client" }, { "www-authenticate": 'Basic realm="floor"' });
    issue(res, new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
  });
});
server.keepAliveTimeout = 65_000;
server.listen(port, "127.0.0.1", () => process.stdout.write(`floor listening on ${port}\n`));
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => server.close(() => process.exit(0)).closeAllConnections());
