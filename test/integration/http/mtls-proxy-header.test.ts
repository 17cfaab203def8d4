import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { fileURLToPath } from "node:url";
import { after, before, describe, test } from "node:test";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { CLIENT_EXTENSIONS, CLIENT_IDENTITY, createTestPki, opensslMissing, type TestIdentity, type TestPki } from "../../support/test-pki.js";

const echoPlugin = fileURLToPath(new URL("../../fixtures/plugins/test-request-echo.plugin.ts", import.meta.url));
const HEADER = "x-ssl-client-cert";
const VERIFY = "x-ssl-client-verify";
const missing = opensslMissing();
if (missing) console.log(`# skipping the proxy-header tests: ${missing}`);

/** As nginx `$ssl_client_escaped_cert` sends it: the PEM, URL-encoded. */
const escapedPem = (identity: TestIdentity) => encodeURIComponent(identity.cert.toString("utf8"));
const base64Der = (identity: TestIdentity) => new X509Certificate(identity.cert).raw.toString("base64");

describe("a client certificate forwarded by a trusted TLS-terminating proxy (MTLS_PROXY_HEADER; corpus #31)", { skip: missing }, () => {
  let pki: TestPki;
  let client: TestIdentity;
  let trusted: TestApp;
  let untrusted: TestApp;

  before(async () => {
    pki = createTestPki();
    client = pki.issue("client", CLIENT_EXTENSIONS, CLIENT_IDENTITY.subject);
    const proxy = { mtlsProxyHeader: HEADER, mtlsProxyVerifyHeader: VERIFY, plugins: echoPlugin };
    trusted = await startTestApp({ ...proxy, mtlsTrustedProxies: "10.1.2.3, 127.0.0.0/8, ::1" });
    untrusted = await startTestApp({ ...proxy, mtlsTrustedProxies: "10.0.0.0/8" });
  });
  after(async () => {
    await trusted?.stop();
    await untrusted?.stop();
    pki?.dispose();
  });

  const echo = (t: TestApp, headers: Record<string, string>) => fetch(`${t.publicUrl}/test-echo`, { headers });
  const certificateSeen = async (t: TestApp, headers: Record<string, string>) => {
    const res = await echo(t, headers);
    assert.equal(res.status, 200);
    return ((await res.json()) as { certificate?: unknown }).certificate;
  };

  test("from a trusted address: URL-encoded PEM, base64 DER and an RFC 9440 byte sequence all carry the certificate", async () => {
    for (const value of [escapedPem(client), base64Der(client), `:${base64Der(client)}:`]) {
      assert.deepEqual(await certificateSeen(trusted, { [HEADER]: value }), { thumbprint: client.thumbprint, chainVerified: false });
    }
  });

  test("the chain counts as verified only when the proxy's verify header says SUCCESS", async () => {
    assert.deepEqual(await certificateSeen(trusted, { [HEADER]: escapedPem(client), [VERIFY]: "SUCCESS" }), { thumbprint: client.thumbprint, chainVerified: true });
    assert.deepEqual(await certificateSeen(trusted, { [HEADER]: escapedPem(client), [VERIFY]: "FAILED:unable to verify" }), { thumbprint: client.thumbprint, chainVerified: false });
    assert.deepEqual(await certificateSeen(trusted, { [HEADER]: escapedPem(client), [VERIFY]: "NONE" }), { thumbprint: client.thumbprint, chainVerified: false });
  });

  test("from a trusted address without the header: no certificate", async () => {
    assert.equal(await certificateSeen(trusted, {}), undefined);
  });

  test("a malformed header from a trusted address → 400 invalid_request, never a 500", async () => {
    for (const value of ["not a certificate", encodeURIComponent("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"), "%E0%A4%A", ":AAAA:", "QUJD"]) {
      const res = await echo(trusted, { [HEADER]: value });
      assert.equal(res.status, 400, value);
      assert.equal(((await res.json()) as { error: string }).error, "invalid_request", value);
    }
  });

  test("from an address that is not a trusted proxy the header is ignored, even a malformed one", async () => {
    assert.equal(await certificateSeen(untrusted, { [HEADER]: escapedPem(client), [VERIFY]: "SUCCESS" }), undefined);
    assert.equal(await certificateSeen(untrusted, { [HEADER]: "garbage" }), undefined);
  });

  test("discovery aliases the mTLS endpoints on the issuer itself (the proxy asks for certificates there)", async () => {
    const metadata = (await (await fetch(`${trusted.publicUrl}/.well-known/oauth-authorization-server`)).json()) as Record<string, Record<string, string>>;
    assert.equal(metadata.mtls_endpoint_aliases!.token_endpoint, `${trusted.issuer}/token`);
  });
});
