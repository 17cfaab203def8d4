import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import * as oauth from "oauth4webapi";
import * as client from "openid-client";
import { UserService } from "../../src/core/users/user.service.js";
import { HttpBrowser } from "../support/http-browser.js";
import { basic, freePort, startTestApp, type TestApp } from "../support/test-app.js";
import { createTestPki, LOOPBACK_SERVER_EXTENSIONS, opensslMissing, type TestIdentity, type TestPki } from "../support/test-pki.js";
import { tlsFetch } from "../support/tls-fetch.js";

const CB = "https://app.example.test/cb";
const API = "https://api.example.test/";
const CREDENTIALS = { username: "erin", password: "erin-password-1" };
const SAN_URI = "https://workload.example.test/billing";

/**
 * Certified client libraries with `tls_client_auth` and certificate-bound tokens (RFC 8705 §2.1, §3, §5): each finds the
 * mTLS endpoints through `mtls_endpoint_aliases` (use_mtls_endpoint_aliases) and presents its certificate through a
 * custom fetch.
 */
describe("interop: mutual TLS with oauth4webapi and openid-client", { skip: opensslMissing() }, () => {
  let pki: TestPki;
  let t: TestApp;
  let cert: TestIdentity;
  let introspector: { client_id: string; client_secret?: string };
  const requested: string[] = [];
  /** The library's fetch: trusts the test CA and presents the client certificate; records every URL. */
  const libraryFetch = () => tlsFetch({ ca: pki.ca.cert, cert: cert.cert, key: cert.key }, (url) => requested.push(url));
  const cnfOf = async (token: string) => {
    const res = await tlsFetch({ ca: pki.ca.cert })(`${t.publicUrl}/introspect`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...basic(introspector.client_id, introspector.client_secret!) }, body: new URLSearchParams({ token }) });
    return ((await res.json()) as { cnf?: unknown }).cnf;
  };
  const mtlsClient = (metadata: Record<string, unknown>) =>
    t.createClient({ token_endpoint_auth_method: "tls_client_auth", tls_client_auth_san_uri: SAN_URI, tls_client_certificate_bound_access_tokens: true, ...metadata });

  before(async () => {
    pki = createTestPki();
    const server = pki.issue("server", LOOPBACK_SERVER_EXTENSIONS);
    cert = pki.issue("workload", [`subjectAltName=URI:${SAN_URI}`]);
    t = await startTestApp({ publicTlsCert: server.certPath, publicTlsKey: server.keyPath, publicTlsClientCa: pki.ca.certPath, publicMtlsPort: String(await freePort()) });
    await t.createResource(API, "api:read");
    await t.app.container.resolve(UserService).create({ ...CREDENTIALS, name: "Erin" });
    introspector = await t.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens" });
  });
  after(async () => {
    await t?.stop();
    pki?.dispose();
  });

  test("oauth4webapi: client_credentials at the mTLS alias of the token endpoint → a token bound to the certificate", async () => {
    const registered = await mtlsClient({ grant_types: ["client_credentials"] });
    const customFetch = libraryFetch();
    const issuer = new URL(t.issuer);
    const as = await oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { [oauth.customFetch]: customFetch }));
    assert.equal(as.mtls_endpoint_aliases?.token_endpoint, `${t.mtlsUrl}/token`);
    const c: oauth.Client = { client_id: registered.client_id, use_mtls_endpoint_aliases: true };
    requested.length = 0;
    const response = await oauth.clientCredentialsGrantRequest(as, c, oauth.TlsClientAuth(), new URLSearchParams({ scope: "api:read", resource: API }), { [oauth.customFetch]: customFetch });
    const tokens = await oauth.processClientCredentialsResponse(as, c, response);
    assert.deepEqual(requested, [`${t.mtlsUrl}/token`], "the library used the alias");
    assert.equal(tokens.token_type, "bearer");
    assert.deepEqual(await cnfOf(tokens.access_token), { "x5t#S256": cert.thumbprint });
  });

  test("openid-client: code flow (PKCE) with tls_client_auth; the token and userinfo go to the aliases with the certificate", async () => {
    const registered = await mtlsClient({ redirect_uris: [CB], grant_types: ["authorization_code"], response_types: ["code"], scope: "openid profile" });
    const config = await client.discovery(new URL(t.issuer), registered.client_id, { use_mtls_endpoint_aliases: true }, client.TlsClientAuth(), { [client.customFetch]: libraryFetch() });
    config[client.customFetch] = libraryFetch();
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CB, scope: "openid profile", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", state });
    const browser = new HttpBrowser(tlsFetch({ ca: pki.ca.cert }));
    const { location } = await browser.authorize(url.href, t.issuer, { credentials: CREDENTIALS, consent: "approve" });
    requested.length = 0;
    const tokens = await client.authorizationCodeGrant(config, location!, { pkceCodeVerifier: verifier, expectedState: state });
    assert.deepEqual(await cnfOf(tokens.access_token), { "x5t#S256": cert.thumbprint });
    const me = await client.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub);
    assert.equal(me.name, "Erin");
    assert.deepEqual(requested, [`${t.mtlsUrl}/token`, `${t.mtlsUrl}/userinfo`]);
    const withoutCertificate = tlsFetch({ ca: pki.ca.cert });
    const refused = await withoutCertificate(`${t.mtlsUrl}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    assert.equal(refused.status, 401, "the bound token is useless without the certificate (corpus G47)");
  });
});
