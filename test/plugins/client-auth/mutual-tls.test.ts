import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { SelfSignedTlsClientAuth } from "../../../plugins/client-auth/self-signed-tls-client-auth/self-signed-tls-client-auth.client-auth.js";
import { TlsClientAuth } from "../../../plugins/client-auth/tls-client-auth/tls-client-auth.client-auth.js";
import { certificateNameFields } from "../../../plugins/client-auth/tls-client-auth/tls-client-auth-metadata.js";
import { ParsedCertificates } from "../../../plugins/client-auth/tls-client-auth/parsed-certificates.js";
import type { ClientMetadata } from "../../../src/plugin-sdk/client.js";
import type { PresentedCertificate } from "../../../src/plugin-sdk/request.js";
import { createTestPki, opensslMissing, type TestIdentity, type TestPki } from "../../support/test-pki.js";
import { basic, endpointRequest, expectOAuthError } from "../../core/clients/auth-fixtures.js";
import { StubContext } from "./stub-context.js";

const missing = opensslMissing();
const tls = new TlsClientAuth();
const selfSigned = new SelfSignedTlsClientAuth();
const SAN = "subjectAltName=DNS:Client.Example.com,URI:https://client.example/id,IP:::1,IP:10.0.0.7,email:ops@client.example";

const presented = (identity: TestIdentity, chainVerified = true): PresentedCertificate => ({ der: new X509Certificate(identity.cert).raw, chainVerified });
const request = (identity: TestIdentity | undefined, chainVerified = true, headers: Record<string, string> = {}) => ({
  ...endpointRequest({ client_id: "rp", grant_type: "client_credentials" }, headers),
  ...(identity && { clientCertificate: presented(identity, chainVerified) }),
});
const ctxFor = (metadata: ClientMetadata, keys: Record<string, object[]> = {}) =>
  new StubContext([], {}, keys).add({ clientId: "rp", metadata: { grant_types: ["client_credentials"], ...metadata }, issuedAt: 0, updatedAt: 0 });
const x5c = (identity: TestIdentity) => ({ kty: "EC", x5c: [presented(identity).der.toString("base64")] });

describe("mutual-TLS client authentication (RFC 8705 §2)", { skip: missing }, () => {
  let pki: TestPki;
  let client: TestIdentity;
  let other: TestIdentity;
  let own: TestIdentity;
  before(() => {
    pki = createTestPki();
    client = pki.issue("client", [SAN], "/C=DE/O=Acme, Inc./OU=Ops+OU=Dev/CN=client one");
    other = pki.issue("other", ["subjectAltName=DNS:other.example.com,URI:https://client.example/other,IP:10.0.0.8,email:dev@client.example"], "/C=DE/O=Acme, Inc./CN=client two");
    own = pki.selfSigned("own", [SAN]);
  });
  after(() => pki?.dispose());

  it("detects a certificate with client_id and no other credential; core picks among such methods by registration", () => {
    assert.equal(tls.detect(request(client)), true);
    assert.equal(selfSigned.detect(request(client)), true);
    assert.equal(tls.ambient && selfSigned.ambient, true);
    assert.equal(tls.detect(request(undefined)), false, "no certificate");
    assert.equal(tls.detect(request(client, true, { authorization: basic("rp", "secret") })), false, "a certificate beside a secret only binds");
  });

  const matching: [string, string][] = [
    ["tls_client_auth_subject_dn", "CN=client one,OU=Dev+OU=Ops,O=Acme\\, Inc.,C=DE"],
    ["tls_client_auth_subject_dn", " cn = Client  One , ou=ops + ou=dev, o=acme\\2c inc., 2.5.4.6=de"],
    ["tls_client_auth_san_dns", "client.example.COM"],
    ["tls_client_auth_san_uri", "https://client.example/id"],
    ["tls_client_auth_san_ip", "0:0:0:0:0:0:0:1"],
    ["tls_client_auth_san_ip", "10.0.0.7"],
    ["tls_client_auth_san_email", "ops@client.example"],
  ];
  for (const [field, value] of matching) {
    it(`tls_client_auth accepts a CA-issued certificate matching ${field} "${value}"; another certificate is invalid_client`, async () => {
      const ctx = ctxFor({ token_endpoint_auth_method: "tls_client_auth", [field]: value });
      const result = await tls.authenticate(request(client), ctx);
      assert.deepEqual([result.client.clientId, result.method, result.certificateThumbprint], ["rp", "tls_client_auth", client.thumbprint]);
      const refused = await expectOAuthError(tls.authenticate(request(other), ctx), "invalid_client", 401);
      assert.equal(refused.description, `the client certificate does not match the registered ${field}`);
    });
  }

  for (const [field, value] of [
    ["tls_client_auth_subject_dn", "C=DE,O=Acme\\, Inc.,OU=Dev+OU=Ops,CN=client one"],
    ["tls_client_auth_subject_dn", "CN=client one,O=Acme\\, Inc.,C=DE"],
    ["tls_client_auth_san_dns", "example.com"],
    ["tls_client_auth_san_uri", "https://client.example/ID"],
    ["tls_client_auth_san_ip", "10.0.0.1"],
    ["tls_client_auth_san_email", "OPS@client.example"],
  ] as const) {
    it(`tls_client_auth refuses a certificate that does not match ${field} "${value}"`, async () => {
      await expectOAuthError(tls.authenticate(request(client), ctxFor({ token_endpoint_auth_method: "tls_client_auth", [field]: value })), "invalid_client", 401);
    });
  }

  it("tls_client_auth_subject_dn: special characters match escaped or hex-escaped (RFC 4514 §2.4, §3)", async () => {
    const special = pki.issue("special", [], '/O=Acme/CN=a\\+b=c;d, "q"');
    for (const dn of ['CN=a\\+b\\=c\\;d\\, \\"q\\",O=Acme', "cn=A\\2Bb\\3Dc\\3Bd\\2C \\22Q\\22, o=acme"]) {
      assert.equal((await tls.authenticate(request(special), ctxFor({ token_endpoint_auth_method: "tls_client_auth", tls_client_auth_subject_dn: dn }))).client.clientId, "rp", dn);
    }
    await expectOAuthError(tls.authenticate(request(special), ctxFor({ token_endpoint_auth_method: "tls_client_auth", tls_client_auth_subject_dn: "CN=a,O=Acme" })), "invalid_client", 401);
  });

  it("tls_client_auth refuses a certificate whose chain did not verify, even with a matching name; no certificate is invalid_client", async () => {
    const ctx = ctxFor({ token_endpoint_auth_method: "tls_client_auth", tls_client_auth_san_dns: "client.example.com" });
    const refused = await expectOAuthError(tls.authenticate(request(own, false), ctx), "invalid_client", 401);
    assert.equal(refused.description, "the client certificate does not chain to a trusted client CA");
    await expectOAuthError(tls.authenticate(request(client, false), ctx), "invalid_client", 401);
    await expectOAuthError(tls.authenticate(request(undefined), ctx), "invalid_client", 401);
    await expectOAuthError(tls.authenticate({ ...request(client), params: endpointRequest({ client_id: "ghost" }).params }, ctx), "invalid_client", 401);
  });

  it("self_signed_tls_client_auth accepts the x5c certificate of a registered key, whether or not a CA vouches for it", async () => {
    const ctx = ctxFor({ token_endpoint_auth_method: "self_signed_tls_client_auth", jwks: { keys: [] } }, { rp: [{ kty: "EC" }, x5c(other), x5c(own)] });
    assert.equal((await selfSigned.authenticate(request(own, false), ctx)).method, "self_signed_tls_client_auth");
    assert.equal((await selfSigned.authenticate(request(other, true), ctx)).client.clientId, "rp");
    const refused = await expectOAuthError(selfSigned.authenticate(request(client, true), ctx), "invalid_client", 401);
    assert.equal(refused.description, "the client certificate is not one of the client's registered certificates (jwks x5c)");
  });

  it("parsed certificates are kept by thumbprint, bounded, oldest out first; unparsable DER is invalid_client", () => {
    const cache = new ParsedCertificates(1);
    const first = cache.get(client.thumbprint, presented(client).der);
    assert.equal(cache.get(client.thumbprint, presented(client).der), first, "parsed once");
    cache.get(other.thumbprint, presented(other).der);
    assert.notEqual(cache.get(client.thumbprint, presented(client).der), first, "evicted by the second certificate");
    assert.throws(() => cache.get("garbage", Buffer.from("not DER")), { error: "invalid_client", description: "the client certificate cannot be parsed" });
  });

  it("registration: tls_client_auth needs exactly one certificate name; the names belong to tls_client_auth clients only", () => {
    const base = { token_endpoint_auth_method: "tls_client_auth" };
    assert.throws(() => tls.validateMetadata(base), { error: "invalid_client_metadata", description: /^token_endpoint_auth_method tls_client_auth requires exactly one of tls_client_auth_subject_dn, tls_client_auth_san_dns, tls_client_auth_san_uri, tls_client_auth_san_ip, tls_client_auth_san_email$/ });
    assert.throws(() => tls.validateMetadata({ ...base, tls_client_auth_san_dns: "a.example", tls_client_auth_san_ip: "10.0.0.1" }), {
      description: /\(got tls_client_auth_san_dns, tls_client_auth_san_ip\)$/,
    });
    tls.validateMetadata({ ...base, tls_client_auth_san_uri: "https://client.example/id" });
    const field = (name: string) => certificateNameFields.find((f) => f.name === name)!;
    assert.throws(() => field("tls_client_auth_san_ip").parse("10.0.0.300"), { error: "invalid_client_metadata", description: "tls_client_auth_san_ip must be a subject alternative name string" });
    assert.throws(() => field("tls_client_auth_subject_dn").parse("not a dn"), { description: "tls_client_auth_subject_dn must be a distinguished name (RFC 4514) string" });
    assert.throws(() => field("tls_client_auth_san_dns").parse(42), { error: "invalid_client_metadata" });
    assert.equal(field("tls_client_auth_subject_dn").parse("CN=a,O=b"), "CN=a,O=b");
    assert.throws(() => field("tls_client_auth_san_dns").validate!({ token_endpoint_auth_method: "private_key_jwt" }), { description: "tls_client_auth_san_dns is used only with token_endpoint_auth_method tls_client_auth" });
  });

  it("registration: self_signed_tls_client_auth needs keys, inline ones with a parsable x5c certificate", () => {
    const base = { token_endpoint_auth_method: "self_signed_tls_client_auth" };
    assert.throws(() => selfSigned.validateMetadata(base), { description: "token_endpoint_auth_method self_signed_tls_client_auth requires jwks or jwks_uri" });
    assert.throws(() => selfSigned.validateMetadata({ ...base, jwks: { keys: [{ kty: "EC" }] } }), { description: "token_endpoint_auth_method self_signed_tls_client_auth requires a key with an x5c certificate in jwks" });
    assert.throws(() => selfSigned.validateMetadata({ ...base, jwks: { keys: [x5c(own), { kty: "EC", x5c: ["bm90IGEgY2VydA=="] }] } }), { description: "jwks.keys[1].x5c[0] is not a base64 DER certificate" });
    selfSigned.validateMetadata({ ...base, jwks: { keys: [x5c(own)] } });
    selfSigned.validateMetadata({ ...base, jwks_uri: "https://client.example/jwks" });
  });
});
