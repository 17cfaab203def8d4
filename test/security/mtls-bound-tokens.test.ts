import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { UserService } from "../../src/core/users/user.service.js";
import { DpopTestKey } from "../support/dpop.js";
import { FakeClock } from "../support/fake-clock.js";
import { formBody } from "../support/oauth-assertions.js";
import { CLIENT_EXTENSIONS, CLIENT_IDENTITY, createTestPki, LOOPBACK_SERVER_EXTENSIONS, opensslMissing, type TestIdentity, type TestPki } from "../support/test-pki.js";
import { basic, freePort, startTestApp, type TestApp } from "../support/test-app.js";
import { http1Request } from "../support/tls-client.js";

/**
 * RFC 8705 end to end over real TLS: client certificates on the mTLS listener (`PUBLIC_MTLS_PORT`, chains verified
 * against `PUBLIC_TLS_CLIENT_CA`), client authentication (§2), certificate-bound access and refresh tokens (§3, §4),
 * corpus G46 and G47 (the TLS-version and cipher part of G46 is test/integration/http/public-tls.test.ts).
 */
const GRANT = "urn:example:params:oauth:grant-type:test-delegation";
const plugin = fileURLToPath(new URL("../fixtures/plugins/test-delegation.plugin.ts", import.meta.url));
const DEVICE_CODE = "urn:ietf:params:oauth:grant-type:device_code";
const TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
const ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";
const API = "https://api.example.test/";

type Registered = { client_id: string; client_secret?: string };
type Answer = { status: number; body: Record<string, unknown>; headers: Record<string, string> };
/** The client certificate a request is sent with, or none. */
type Presented = TestIdentity | undefined;

describe("mutual TLS: client authentication and certificate-bound tokens (RFC 8705, corpus G46–G47)", { skip: opensslMissing() }, () => {
  const clock = new FakeClock();
  let t: TestApp;
  let pki: TestPki;
  let certA: TestIdentity;
  let certB: TestIdentity;
  let ownCert: TestIdentity;
  /** The test PKI's client identity: a subject DN and one SAN of each RFC 8705 §2.1.2 type. */
  let workload: TestIdentity;
  /** Self-signed with certA's names: its chain does not verify. */
  let forgedA: TestIdentity;
  let introspector: Registered;
  let aliceId: string;

  /** One request to the mTLS listener, with `presented` as the TLS client certificate. */
  const call = async (path: string, form: Record<string, string>, headers: Record<string, string>, presented: Presented, method = "POST"): Promise<Answer> => {
    const tls = { ca: pki.ca.cert, ...(presented && { cert: presented.cert, key: presented.key }) };
    const body = method === "POST" ? formBody(form) : undefined;
    const res = await http1Request(`${t.mtlsUrl}${path}`, { method, headers: { ...(body !== undefined && { "content-type": "application/x-www-form-urlencoded" }), ...headers }, body, tls });
    return { status: res.status, body: res.body === "" ? {} : res.json(), headers: res.headers as Record<string, string> };
  };
  const token = (form: Record<string, string>, client: Registered, presented: Presented, headers: Record<string, string> = {}) =>
    call("/token", { ...form, ...(client.client_secret ? {} : { client_id: client.client_id }) }, { ...(client.client_secret ? basic(client.client_id, client.client_secret) : {}), ...headers }, presented);
  const issued = async (answer: Answer) => {
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body as { access_token: string; token_type: string; refresh_token?: string };
  };
  const refused = (answer: Answer, status: number, error: string) => {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body.error, error);
    assert.equal(answer.body.access_token, undefined);
    return answer.body.error_description;
  };
  const cnfOf = async (value: string) => {
    const answer = await call("/introspect", { token: value }, basic(introspector.client_id, introspector.client_secret!), undefined);
    assert.equal(answer.body.active, true);
    return answer.body.cnf;
  };
  const userinfo = (accessToken: string, presented: Presented) => call("/userinfo", {}, { authorization: `Bearer ${accessToken}` }, presented, "GET");
  const delegated = (client: Registered, presented: Presented) => token({ grant_type: GRANT, subject: aliceId }, client, presented);

  before(async () => {
    pki = createTestPki();
    certA = pki.issue("client-a", ["subjectAltName=DNS:client.example.com"], "/O=Example/CN=client a");
    certB = pki.issue("client-b", ["subjectAltName=DNS:other.example.com"], "/O=Example/CN=client b");
    ownCert = pki.selfSigned("own", []);
    workload = pki.issue("workload", CLIENT_EXTENSIONS, CLIENT_IDENTITY.subject);
    forgedA = pki.selfSigned("forged-a", ["subjectAltName=DNS:client.example.com"], "/O=Example/CN=client a");
    const server = pki.issue("server", LOOPBACK_SERVER_EXTENSIONS);
    const tls = { publicTlsCert: server.certPath, publicTlsKey: server.keyPath, publicTlsClientCa: pki.ca.certPath, publicMtlsPort: String(await freePort()) };
    t = await startTestApp({ plugins: plugin, ...tls }, { clock });
    aliceId = (await t.app.container.resolve(UserService).create({ username: "alice", password: "alice-password-1" })).id;
    introspector = await t.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
  });
  after(async () => {
    await t?.stop();
    pki?.dispose();
  });

  describe("G46: a client registered with tls_client_certificate_bound_access_tokens", () => {
    test("without a certificate → 400 invalid_request and no token; with one → a Bearer token bound to it (cnf.x5t#S256)", async () => {
      const client = await t.createClient({ grant_types: ["client_credentials"], tls_client_certificate_bound_access_tokens: true });
      const description = refused(await token({ grant_type: "client_credentials" }, client, undefined), 400, "invalid_request");
      assert.equal(description, "this client's tokens are bound to its TLS client certificate: send the request over mutual TLS (mtls_endpoint_aliases)");
      const body = await issued(await token({ grant_type: "client_credentials" }, client, certA));
      assert.equal(body.token_type, "Bearer", "RFC 8705 §3: the token type stays Bearer");
      assert.deepEqual(await cnfOf(body.access_token), { "x5t#S256": certA.thumbprint });
    });

    test("a certificate no CA vouches for binds too (binding needs possession, not a PKI); a rotated certificate binds the new tokens", async () => {
      const client = await t.createClient({ grant_types: ["client_credentials"], tls_client_certificate_bound_access_tokens: true });
      assert.deepEqual(await cnfOf((await issued(await token({ grant_type: "client_credentials" }, client, ownCert))).access_token), { "x5t#S256": ownCert.thumbprint });
      assert.deepEqual(await cnfOf((await issued(await token({ grant_type: "client_credentials" }, client, certB))).access_token), { "x5t#S256": certB.thumbprint });
    });

    test("a client without the flag gets unbound tokens even over mutual TLS", async () => {
      const client = await t.createClient({ grant_types: ["client_credentials"] });
      assert.equal(await cnfOf((await issued(await token({ grant_type: "client_credentials" }, client, certA))).access_token), undefined);
    });

    test("DPoP and a certificate on one request bind the token to both: token_type DPoP, cnf with jkt and x5t#S256", async () => {
      const client = await t.createClient({ grant_types: ["client_credentials"], tls_client_certificate_bound_access_tokens: true });
      const key = new DpopTestKey();
      const body = await issued(await token({ grant_type: "client_credentials" }, client, certA, { dpop: key.proof("POST", `${t.mtlsUrl}/token`, clock.now()) }));
      assert.equal(body.token_type, "DPoP");
      assert.deepEqual(await cnfOf(body.access_token), { jkt: key.jkt, "x5t#S256": certA.thumbprint });
    });
  });

  describe("client authentication (RFC 8705 §2, corpus D30)", () => {
    test("tls_client_auth: the registered SAN over a verified chain → a bound token; another certificate, an unverified chain or none → 401 invalid_client", async () => {
      const client = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "tls_client_auth", tls_client_auth_san_dns: "client.example.com", tls_client_certificate_bound_access_tokens: true });
      const body = await issued(await token({ grant_type: "client_credentials" }, client, certA));
      assert.deepEqual(await cnfOf(body.access_token), { "x5t#S256": certA.thumbprint });
      for (const presented of [certB, forgedA, undefined]) refused(await token({ grant_type: "client_credentials" }, client, presented), 401, "invalid_client");
    });

    for (const [field, value] of [
      ["tls_client_auth_subject_dn", CLIENT_IDENTITY.subjectDn],
      ["tls_client_auth_san_dns", CLIENT_IDENTITY.dns],
      ["tls_client_auth_san_uri", CLIENT_IDENTITY.uri],
      ["tls_client_auth_san_ip", CLIENT_IDENTITY.ip],
      ["tls_client_auth_san_email", CLIENT_IDENTITY.email],
    ] as const) {
      test(`tls_client_auth by ${field}: the certificate carrying it → 200; another CA-issued certificate → 401 invalid_client`, async () => {
        const client = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "tls_client_auth", [field]: value });
        await issued(await token({ grant_type: "client_credentials" }, client, workload));
        refused(await token({ grant_type: "client_credentials" }, client, certB), 401, "invalid_client");
      });
    }

    test("tls_client_auth by subject DN; without the binding flag its tokens are unbound", async () => {
      const client = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "tls_client_auth", tls_client_auth_subject_dn: "CN=client a,O=Example" });
      assert.equal(await cnfOf((await issued(await token({ grant_type: "client_credentials" }, client, certA))).access_token), undefined);
      refused(await token({ grant_type: "client_credentials" }, client, certB), 401, "invalid_client");
    });

    test("self_signed_tls_client_auth: the x5c certificate of its jwks, no CA needed; any other certificate → 401 invalid_client", async () => {
      const jwks = { keys: [{ ...new X509Certificate(ownCert.cert).publicKey.export({ format: "jwk" }), x5c: [new X509Certificate(ownCert.cert).raw.toString("base64")] }] };
      const client = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "self_signed_tls_client_auth", jwks, tls_client_certificate_bound_access_tokens: true });
      const body = await issued(await token({ grant_type: "client_credentials" }, client, ownCert));
      assert.deepEqual(await cnfOf(body.access_token), { "x5t#S256": ownCert.thumbprint });
      refused(await token({ grant_type: "client_credentials" }, client, certA), 401, "invalid_client");
    });

    test("a certificate beside a client secret only binds: the secret authenticates", async () => {
      const client = await t.createClient({ grant_types: ["client_credentials"], tls_client_certificate_bound_access_tokens: true });
      refused(await token({ grant_type: "client_credentials" }, { ...client, client_secret: "wrong" }, certA), 401, "invalid_client");
    });
  });

  describe("G47: a certificate-bound access token at /userinfo", () => {
    test("with its certificate → 200; with another certificate or none → 401 invalid_token", async () => {
      const client = await t.createClient({ grant_types: [GRANT], tls_client_certificate_bound_access_tokens: true, scope: "openid" });
      const { access_token: accessToken } = await issued(await token({ grant_type: GRANT, subject: aliceId, scope: "openid" }, client, certA));
      assert.equal((await userinfo(accessToken, certA)).body.sub !== undefined, true);
      for (const presented of [certB, undefined]) {
        const answer = await userinfo(accessToken, presented);
        assert.equal(answer.status, 401);
        assert.equal(answer.body.error, "invalid_token");
        assert.match(String(answer.headers["www-authenticate"]), /^Bearer realm="[^"]+", error="invalid_token"/);
      }
    });
  });

  describe("refresh tokens (RFC 8705 §4, corpus E36)", () => {
    test("a public client's refresh token is bound to its certificate: another → 400 invalid_grant and nothing rotated; its own → a bound token", async () => {
      const app = await t.createClient({ grant_types: [GRANT, "refresh_token"], token_endpoint_auth_method: "none", tls_client_certificate_bound_access_tokens: true });
      const first = await issued(await delegated(app, certA));
      assert.deepEqual(await cnfOf(first.refresh_token!), { "x5t#S256": certA.thumbprint });
      const description = refused(await token({ grant_type: "refresh_token", refresh_token: first.refresh_token! }, app, certB), 400, "invalid_grant");
      assert.equal(description, "the refresh token is bound to a key this request did not prove");
      refused(await token({ grant_type: "refresh_token", refresh_token: first.refresh_token! }, app, undefined), 400, "invalid_request");
      const refreshed = await issued(await token({ grant_type: "refresh_token", refresh_token: first.refresh_token! }, app, certA));
      assert.deepEqual(await cnfOf(refreshed.access_token), { "x5t#S256": certA.thumbprint });
      assert.equal(((await call("/introspect", { token: first.access_token }, basic(introspector.client_id, introspector.client_secret!), undefined)).body).active, true, "refusals revoked nothing");
    });

    test("a confidential client rotating its certificate refreshes with the new one and gets tokens bound to it", async () => {
      const app = await t.createClient({ grant_types: [GRANT, "refresh_token"], tls_client_certificate_bound_access_tokens: true });
      const first = await issued(await delegated(app, certA));
      assert.equal(await cnfOf(first.refresh_token!), undefined, "authenticated by its secret: the refresh token itself is not bound");
      const refreshed = await issued(await token({ grant_type: "refresh_token", refresh_token: first.refresh_token! }, app, certB));
      assert.deepEqual(await cnfOf(refreshed.access_token), { "x5t#S256": certB.thumbprint });
    });
  });

  describe("M77: a certificate-bound subject_token (RFC 8693, as DPoP)", () => {
    test("exchanged over its certificate → a token bound to it; with another certificate or none → 400 invalid_request", async () => {
      await t.createResource(API, "api:read");
      const exchanger = await t.createClient({ grant_types: [TOKEN_EXCHANGE, "client_credentials"], scope: "api:read", tls_client_certificate_bound_access_tokens: true, token_exchange: { audiences: [API], impersonation: true } });
      const { access_token: subjectToken } = await issued(await token({ grant_type: "client_credentials", scope: "api:read" }, exchanger, certA));
      const exchange = (presented: Presented) => token({ grant_type: TOKEN_EXCHANGE, subject_token: subjectToken, subject_token_type: ACCESS_TOKEN_TYPE, audience: API }, exchanger, presented);
      assert.equal(refused(await exchange(certB), 400, "invalid_request"), "subject_token is sender-constrained to another key");
      refused(await exchange(undefined), 400, "invalid_request");
      assert.deepEqual(await cnfOf((await issued(await exchange(certA))).access_token), { "x5t#S256": certA.thumbprint });
    });
  });

  describe("device codes (as DPoP)", () => {
    test("a certificate at /device_authorization binds the device code: polls with another certificate → invalid_grant, with it → pending", async () => {
      const device = await t.createClient({ grant_types: [DEVICE_CODE], token_endpoint_auth_method: "none", tls_client_certificate_bound_access_tokens: true });
      const authorized = await call("/device_authorization", { client_id: device.client_id }, {}, certA);
      assert.equal(authorized.status, 200, JSON.stringify(authorized.body));
      const poll = (presented: Presented) => token({ grant_type: DEVICE_CODE, device_code: String(authorized.body.device_code) }, device, presented);
      refused(await poll(certB), 400, "invalid_grant");
      refused(await poll(certA), 400, "authorization_pending");
    });
  });

  describe("behind a trusted TLS-terminating proxy (MTLS_PROXY_HEADER from MTLS_TRUSTED_PROXIES)", () => {
    test("the proxy's verified certificate authenticates tls_client_auth and binds; unverified (no SUCCESS) → 401 invalid_client", async () => {
      const proxied = await startTestApp({ mtlsProxyHeader: "x-ssl-client-cert", mtlsProxyVerifyHeader: "x-ssl-client-verify", mtlsTrustedProxies: "127.0.0.0/8, ::1" });
      try {
        const client = await proxied.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "tls_client_auth", tls_client_auth_san_dns: CLIENT_IDENTITY.dns, tls_client_certificate_bound_access_tokens: true });
        const forwarded = { "x-ssl-client-cert": encodeURIComponent(workload.cert.toString("utf8")) };
        const form = { grant_type: "client_credentials", client_id: client.client_id };
        const verified = await proxied.postForm("/token", form, { ...forwarded, "x-ssl-client-verify": "SUCCESS" });
        assert.equal(verified.status, 200, await verified.clone().text());
        const { access_token: accessToken } = (await verified.json()) as { access_token: string };
        assert.deepEqual(JSON.parse(Buffer.from(accessToken.split(".")[1]!, "base64url").toString()).cnf, { "x5t#S256": workload.thumbprint });
        const unverified = await proxied.postForm("/token", form, forwarded);
        assert.equal(unverified.status, 401);
        assert.equal(((await unverified.json()) as { error: string }).error, "invalid_client");
      } finally {
        await proxied.stop();
      }
    });
  });
});
