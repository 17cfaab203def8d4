import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/config.js";
import { mtlsIssuer } from "../../src/config/mtls-issuer.js";
import { publicTlsOptions } from "../../src/transport/http/public-tls-options.js";
import { createTestPki, LOOPBACK_SERVER_EXTENSIONS, opensslMissing, type TestPki } from "../support/test-pki.js";

const rejects = (env: Record<string, string>, pattern: RegExp) => assert.throws(() => loadConfig(env), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));
const TLS = { PUBLIC_TLS_CERT: "s.pem", PUBLIC_TLS_KEY: "s.key" };

describe("public listener TLS and mTLS settings", () => {
  test("off by default; with TLS the default issuer is https", () => {
    const config = loadConfig({});
    assert.deepEqual([config.publicTlsCert, config.publicTlsKey, config.publicMtlsPort, config.mtlsProxyHeader, config.publicTlsRequestCert], [undefined, undefined, undefined, undefined, false]);
    assert.equal(mtlsIssuer(config), undefined);
    assert.equal(loadConfig(TLS).issuer, "https://localhost:8080");
  });

  test("a half-set TLS pair, and mTLS without TLS, fail the boot naming the settings", () => {
    rejects({ PUBLIC_TLS_CERT: "s.pem" }, /PUBLIC_TLS_CERT, PUBLIC_TLS_KEY: set both or neither/);
    rejects({ PUBLIC_TLS_KEY: "s.key" }, /PUBLIC_TLS_CERT, PUBLIC_TLS_KEY: set both or neither/);
    rejects({ PUBLIC_MTLS_PORT: "8443" }, /PUBLIC_MTLS_PORT: needs PUBLIC_TLS_CERT and PUBLIC_TLS_KEY/);
    rejects({ PUBLIC_TLS_CLIENT_CA: "ca.pem" }, /PUBLIC_TLS_CLIENT_CA: needs PUBLIC_TLS_CERT/);
    rejects({ PUBLIC_TLS_REQUEST_CERT: "true" }, /PUBLIC_TLS_REQUEST_CERT: needs PUBLIC_TLS_CERT/);
    rejects({ ...TLS, PUBLIC_MTLS_PORT: "8080" }, /PUBLIC_MTLS_PORT: must differ from PORT/);
    rejects({ ...TLS, PUBLIC_TLS_CLIENT_CA: "ca.pem" }, /PUBLIC_TLS_CLIENT_CA: needs PUBLIC_MTLS_PORT or PUBLIC_TLS_REQUEST_CERT/);
    rejects({ ...TLS, PUBLIC_MTLS_PORT: "0" }, /PUBLIC_MTLS_PORT/);
  });

  test("the proxy header needs trusted proxies and the other way round; bad addresses are named", () => {
    rejects({ MTLS_PROXY_HEADER: "x-ssl-client-cert" }, /MTLS_PROXY_HEADER, MTLS_TRUSTED_PROXIES: set both or neither/);
    rejects({ MTLS_TRUSTED_PROXIES: "10.0.0.1" }, /MTLS_PROXY_HEADER, MTLS_TRUSTED_PROXIES: set both or neither/);
    rejects({ MTLS_PROXY_VERIFY_HEADER: "x-ssl-client-verify" }, /MTLS_PROXY_VERIFY_HEADER: needs MTLS_PROXY_HEADER/);
    rejects({ MTLS_PROXY_HEADER: "x-ssl-client-cert", MTLS_TRUSTED_PROXIES: "10.0.0.0/8, proxy.local, 10.0.0.0/99" }, /MTLS_TRUSTED_PROXIES: "proxy.local" is not an IP address or CIDR/);
    rejects({ MTLS_PROXY_HEADER: "x-ssl-client-cert", MTLS_TRUSTED_PROXIES: "10.0.0.0/99" }, /MTLS_TRUSTED_PROXIES: "10.0.0.0\/99" is not an IP address or CIDR/);
    rejects({ MTLS_PROXY_HEADER: "x ssl", MTLS_TRUSTED_PROXIES: "10.0.0.1" }, /MTLS_PROXY_HEADER: must be an HTTP header name/);
    const config = loadConfig({ MTLS_PROXY_HEADER: "X-SSL-Client-Cert", MTLS_TRUSTED_PROXIES: "10.0.0.0/8, ::1" });
    assert.equal(config.mtlsProxyHeader, "x-ssl-client-cert");
    assert.ok(config.mtlsTrustedProxies.check("10.9.8.7", "ipv4") && config.mtlsTrustedProxies.check("::1", "ipv6") && !config.mtlsTrustedProxies.check("192.0.2.1", "ipv4"));
  });

  test("MTLS_ISSUER_ORIGIN is an https origin and needs a source of client certificates", () => {
    rejects({ ...TLS, PUBLIC_TLS_REQUEST_CERT: "true", MTLS_ISSUER_ORIGIN: "http://mtls.example.com" }, /MTLS_ISSUER_ORIGIN: must be an https:\/\/ origin/);
    rejects({ ...TLS, PUBLIC_TLS_REQUEST_CERT: "true", MTLS_ISSUER_ORIGIN: "https://mtls.example.com/path" }, /MTLS_ISSUER_ORIGIN: must be an https:\/\/ origin/);
    rejects({ ...TLS, MTLS_ISSUER_ORIGIN: "https://mtls.example.com" }, /MTLS_ISSUER_ORIGIN: needs PUBLIC_MTLS_PORT, PUBLIC_TLS_REQUEST_CERT or MTLS_PROXY_HEADER/);
  });

  test("the mTLS issuer: the configured origin, else the issuer's host on the mTLS port, else the issuer itself", () => {
    const base = { ...TLS, ISSUER: "https://id.example.com/tenant" };
    assert.equal(mtlsIssuer(loadConfig({ ...base, PUBLIC_MTLS_PORT: "8443", MTLS_ISSUER_ORIGIN: "https://mtls.example.com/" })), "https://mtls.example.com/tenant");
    assert.equal(mtlsIssuer(loadConfig({ ...base, PUBLIC_MTLS_PORT: "8443" })), "https://id.example.com:8443/tenant");
    assert.equal(mtlsIssuer(loadConfig({ ...base, PUBLIC_TLS_REQUEST_CERT: "true" })), "https://id.example.com/tenant");
    assert.equal(mtlsIssuer(loadConfig({ ...base, MTLS_PROXY_HEADER: "x-ssl-client-cert", MTLS_TRUSTED_PROXIES: "10.0.0.1" })), "https://id.example.com/tenant");
  });
});

const missing = opensslMissing();
if (missing) console.log(`# skipping the PEM-file checks: ${missing}`);

describe("public TLS files are checked at boot", { skip: missing }, () => {
  let pki: TestPki;
  before(() => {
    pki = createTestPki();
  });
  after(() => pki?.dispose());

  const bootError = (settings: Parameters<typeof publicTlsOptions>[0], pattern: RegExp) =>
    assert.throws(() => publicTlsOptions(settings, false), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));

  test("TLS 1.2 minimum, ECDHE + AEAD suites, ALPN h2 then http/1.1; unreadable or mismatched files name their setting", () => {
    const server = pki.issue("server", LOOPBACK_SERVER_EXTENSIONS);
    const options = publicTlsOptions({ publicTlsCert: server.certPath, publicTlsKey: server.keyPath, publicTlsClientCa: undefined }, false)!;
    assert.equal(options.minVersion, "TLSv1.2");
    assert.deepEqual(options.ALPNProtocols, ["h2", "http/1.1"]);
    for (const suite of String(options.ciphers).split(":")) assert.match(suite, /^(TLS_|ECDHE-(ECDSA|RSA)-)(AES_?\d+_?GCM|AES\d+-GCM|CHACHA20)/, suite);
    const other = pki.issue("other", []);
    bootError({ publicTlsCert: server.certPath, publicTlsKey: other.keyPath, publicTlsClientCa: undefined }, /PUBLIC_TLS_KEY: does not match the certificate in PUBLIC_TLS_CERT/);
    bootError({ publicTlsCert: `${pki.dir}/absent.pem`, publicTlsKey: server.keyPath, publicTlsClientCa: undefined }, /PUBLIC_TLS_CERT: cannot read .*absent\.pem \(ENOENT\)/);
    bootError({ publicTlsCert: server.certPath, publicTlsKey: server.keyPath, publicTlsClientCa: server.keyPath }, /PUBLIC_TLS_CLIENT_CA: .* holds no PEM certificate/);
  });
});
