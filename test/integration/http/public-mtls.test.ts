import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { basic, freePort, startTestApp, type TestApp } from "../../support/test-app.js";
import { DpopTestKey } from "../../support/dpop.js";
import { CLIENT_EXTENSIONS, CLIENT_IDENTITY, createTestPki, LOOPBACK_SERVER_EXTENSIONS, opensslMissing, type TestIdentity, type TestPki } from "../../support/test-pki.js";
import { http1Request, http2Request, type TlsClientOptions } from "../../support/tls-client.js";

const echoPlugin = fileURLToPath(new URL("../../fixtures/plugins/test-request-echo.plugin.ts", import.meta.url));
const FORM = "application/x-www-form-urlencoded";
/** The members RFC 8705 §5 aliases that the default plugins publish. */
const ALIASED = ["token_endpoint", "pushed_authorization_request_endpoint", "revocation_endpoint", "introspection_endpoint", "userinfo_endpoint", "device_authorization_endpoint", "authorization_challenge_endpoint"];
const missing = opensslMissing();
if (missing) console.log(`# skipping the mTLS listener tests: ${missing}`);

interface Echo {
  url: string;
  headerNames: string[];
  host: string;
  cookie?: string;
  certificate?: { thumbprint: string; chainVerified: boolean };
}

describe("mTLS on the public listener: PUBLIC_MTLS_PORT and mtls_endpoint_aliases (RFC 8705 §2, §5)", { skip: missing }, () => {
  let pki: TestPki;
  let t: TestApp;
  let caSigned: TestIdentity;
  let selfSigned: TestIdentity;
  let mtlsOrigin: string;
  const as = (identity?: TestIdentity): TlsClientOptions => ({ ca: pki.ca.cert, ...(identity && { cert: identity.cert, key: identity.key }) });

  before(async () => {
    pki = createTestPki();
    const server = pki.issue("server", LOOPBACK_SERVER_EXTENSIONS);
    caSigned = pki.issue("client", CLIENT_EXTENSIONS, CLIENT_IDENTITY.subject);
    selfSigned = pki.selfSigned("self-signed", CLIENT_EXTENSIONS, CLIENT_IDENTITY.subject);
    const mtlsPort = await freePort();
    mtlsOrigin = `https://127.0.0.1:${mtlsPort}`;
    t = await startTestApp({ publicTlsCert: server.certPath, publicTlsKey: server.keyPath, publicTlsClientCa: pki.ca.certPath, publicMtlsPort: String(mtlsPort), plugins: echoPlugin });
  });
  after(async () => {
    await t?.stop();
    pki?.dispose();
  });

  const echo = async (base: string, tls: TlsClientOptions, send = http2Request, headers: Record<string, string | string[]> = {}): Promise<Echo> => {
    const res = await send(`${base}/test-echo`, { tls, headers });
    assert.equal(res.status, 200, res.body);
    return res.json() as unknown as Echo;
  };

  test("the test client certificate carries the subject DN and one SAN of each RFC 8705 §2.1.2 type", () => {
    const certificate = new X509Certificate(caSigned.cert);
    assert.equal(certificate.subject.split("\n").reverse().join(","), CLIENT_IDENTITY.subjectDn);
    assert.equal(certificate.subjectAltName, `DNS:${CLIENT_IDENTITY.dns}, URI:${CLIENT_IDENTITY.uri}, IP Address:${CLIENT_IDENTITY.ip}, email:${CLIENT_IDENTITY.email}`);
    assert.ok(certificate.checkIssued(new X509Certificate(pki.ca.cert)));
    assert.ok(!new X509Certificate(selfSigned.cert).checkIssued(new X509Certificate(pki.ca.cert)));
  });

  test("the mTLS listener is started on its port", () => {
    assert.equal(t.mtlsUrl, mtlsOrigin);
  });

  for (const [name, send] of [["HTTP/2", http2Request], ["HTTP/1.1", http1Request]] as const) {
    test(`${name}: a CA-signed certificate reaches the app with chainVerified true`, async () => {
      const seen = await echo(t.mtlsUrl!, as(caSigned), send);
      assert.deepEqual(seen.certificate, { thumbprint: caSigned.thumbprint, chainVerified: true });
    });

    test(`${name}: a self-signed certificate reaches the app too, with chainVerified false (RFC 8705 §2.2)`, async () => {
      const seen = await echo(t.mtlsUrl!, as(selfSigned), send);
      assert.deepEqual(seen.certificate, { thumbprint: selfSigned.thumbprint, chainVerified: false });
    });
  }

  test("without a certificate the mTLS listener still serves the request, with none", async () => {
    assert.equal((await echo(t.mtlsUrl!, as())).certificate, undefined);
  });

  test("the main TLS listener does not ask for a certificate, so a client sends none", async () => {
    assert.equal((await echo(t.publicUrl, as(caSigned))).certificate, undefined);
    assert.equal((await echo(t.publicUrl, as(caSigned), http1Request)).certificate, undefined);
  });

  test("requests on the mTLS listener carry its origin; HTTP/2 pseudo-headers stay out, :authority is Host", async () => {
    const seen = await echo(t.mtlsUrl!, as(caSigned));
    assert.equal(seen.url, `${mtlsOrigin}/test-echo`);
    assert.deepEqual(seen.headerNames.filter((name) => name.startsWith(":")), []);
    assert.equal(seen.host, new URL(mtlsOrigin).host);
    assert.equal((await echo(t.publicUrl, as())).url, `${t.issuer}/test-echo`);
  });

  test("HTTP/2 cookie crumbs reach the endpoint as one Cookie header (RFC 9113 §8.2.3)", async () => {
    assert.equal((await echo(t.publicUrl, as(), http2Request, { cookie: ["a=1", "b=2"] })).cookie, "a=1; b=2");
  });

  test("discovery on either listener publishes mtls_endpoint_aliases on the mTLS port", async () => {
    for (const base of [t.publicUrl, t.mtlsUrl!]) {
      for (const document of ["openid-configuration", "oauth-authorization-server"]) {
        const metadata = (await http2Request(`${base}/.well-known/${document}`, { tls: as() })).json();
        const expected = Object.fromEntries(ALIASED.filter((member) => typeof metadata[member] === "string").map((member) => [member, String(metadata[member]).replace(t.issuer, mtlsOrigin)]));
        assert.deepEqual(metadata.mtls_endpoint_aliases, expected);
        assert.equal((metadata.mtls_endpoint_aliases as Record<string, string>).token_endpoint, `${mtlsOrigin}/token`);
      }
    }
  });

  test("a DPoP proof for the mTLS alias of /token is accepted there; one for the main URL is not (RFC 9449 §4.3)", async () => {
    const client = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "client_secret_basic" });
    const key = new DpopTestKey();
    const tokenAt = (htu: string) =>
      http2Request(`${t.mtlsUrl}/token`, { method: "POST", tls: as(caSigned), body: "grant_type=client_credentials", headers: { "content-type": FORM, ...basic(client.client_id, client.client_secret!), dpop: key.proof("POST", htu, Date.now()) } });
    const accepted = await tokenAt(`${mtlsOrigin}/token`);
    assert.equal(accepted.status, 200, accepted.body);
    assert.equal(accepted.json().token_type, "DPoP");
    const refused = await tokenAt(`${t.issuer}/token`);
    assert.equal(refused.status, 400, refused.body);
    assert.equal(refused.json().error, "invalid_dpop_proof");
  });
});

describe("mTLS on another host name: MTLS_ISSUER_ORIGIN with PUBLIC_TLS_REQUEST_CERT (RFC 8705 §5)", { skip: missing }, () => {
  const MTLS_ORIGIN = "https://mtls.example.test";
  let pki: TestPki;
  let t: TestApp;
  let caSigned: TestIdentity;

  before(async () => {
    pki = createTestPki();
    const server = pki.issue("server", ["subjectAltName=IP:127.0.0.1,DNS:mtls.example.test", "extendedKeyUsage=serverAuth"]);
    caSigned = pki.issue("client", CLIENT_EXTENSIONS, CLIENT_IDENTITY.subject);
    t = await startTestApp({ publicTlsCert: server.certPath, publicTlsKey: server.keyPath, publicTlsClientCa: pki.ca.certPath, publicTlsRequestCert: "true", mtlsIssuerOrigin: MTLS_ORIGIN, plugins: echoPlugin });
  });
  after(async () => {
    await t?.stop();
    pki?.dispose();
  });

  test("discovery aliases the endpoints on the mTLS origin; no second listener is started", async () => {
    const metadata = (await http2Request(`${t.publicUrl}/.well-known/openid-configuration`, { tls: { ca: pki.ca.cert } })).json();
    const aliases = metadata.mtls_endpoint_aliases as Record<string, string>;
    assert.equal(aliases.token_endpoint, `${MTLS_ORIGIN}/token`);
    assert.equal(aliases.userinfo_endpoint, `${MTLS_ORIGIN}/userinfo`);
    assert.equal(aliases.authorization_endpoint, undefined, "the browser endpoint is not an mTLS alias");
    assert.equal(t.mtlsUrl, undefined);
  });

  test("the main listener asks for a certificate; a request whose Host is the mTLS host is served on the mTLS origin", async () => {
    const res = await http1Request(`${t.publicUrl}/test-echo`, { tls: { ca: pki.ca.cert, cert: caSigned.cert, key: caSigned.key }, headers: { host: "mtls.example.test" } });
    const seen = res.json() as unknown as Echo;
    assert.deepEqual(seen.certificate, { thumbprint: caSigned.thumbprint, chainVerified: true });
    assert.equal(seen.url, `${MTLS_ORIGIN}/test-echo`);
    for (const host of ["mtls.example.test:443", "MTLS.example.test"]) {
      const named = await http1Request(`${t.publicUrl}/test-echo`, { tls: { ca: pki.ca.cert, cert: caSigned.cert, key: caSigned.key }, headers: { host } });
      assert.equal((named.json() as unknown as Echo).url, `${MTLS_ORIGIN}/test-echo`, `Host: ${host} names the mTLS origin (RFC 9110 §4.2.2 default port)`);
    }
    const plain = (await http2Request(`${t.publicUrl}/test-echo`, { tls: { ca: pki.ca.cert } })).json() as unknown as Echo;
    assert.equal(plain.url, `${t.issuer}/test-echo`);
  });
});
