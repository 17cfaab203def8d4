import "reflect-metadata";
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { TokenValidationService } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { FormParams } from "../../../src/plugin-sdk/form-params.js";
import { TokenEndpoint } from "../../../src/transport/http/endpoints/token.endpoint.js";
import { athOf, DpopTestKey } from "../../support/dpop.js";
import { createTestPki, opensslMissing, type TestIdentity, type TestPki } from "../../support/test-pki.js";
import { CLIENT_CERTIFICATES_VIA_PROXY } from "../../support/test-app.js";
import { startRpcHarness, unary, type RpcHarness } from "./rpc-harness.js";

const URL_ = "https://api.example.com/orders";

/**
 * ValidateToken with `client_certificate_thumbprint` (RFC 8705 §3): the /userinfo rules for tokens the token endpoint
 * bound to a tls_client_auth client's certificate, JWT and opaque alike; a wrong or missing thumbprint is
 * `active: false` with the RFC 6750 failure `invalid_token`.
 */
describe("TokenValidationService: certificate-bound tokens from the token endpoint (RFC 8705 §3)", { skip: opensslMissing() }, () => {
  let h: RpcHarness;
  let pki: TestPki;
  let cert: TestIdentity;
  let other: TestIdentity;
  let caller: string;
  const validate = (token: string, clientCertificateThumbprint?: string, dpopProof?: string) =>
    unary(h.grpc, TokenValidationService.method.validateToken, { token, httpMethod: "GET", httpUrl: URL_, ...(clientCertificateThumbprint && { clientCertificateThumbprint }), ...(dpopProof && { dpopProof }) }, caller);
  /** A token from the token endpoint, authenticated by tls_client_auth over `cert` as the mTLS listener presents it. */
  const issue = async (clientId: string, dpop?: DpopTestKey) => {
    const endpoint = h.test.app.container.resolve(TokenEndpoint);
    const response = await endpoint.handle({
      method: "POST",
      url: `${h.test.issuer}/token`,
      headers: dpop ? { dpop: dpop.proof("POST", `${h.test.issuer}/token`, h.clock.now()) } : {},
      params: FormParams.from({ grant_type: "client_credentials", client_id: clientId }),
      remoteAddress: "127.0.0.1",
      clientCertificate: { der: new X509Certificate(cert.cert).raw, chainVerified: true },
    });
    return (response.body as { access_token: string }).access_token;
  };

  before(async () => {
    pki = createTestPki();
    cert = pki.issue("client", ["subjectAltName=URI:https://client.example/workload"]);
    other = pki.issue("other", ["subjectAltName=URI:https://client.example/other"]);
    h = await startRpcHarness(CLIENT_CERTIFICATES_VIA_PROXY);
    caller = await h.callerToken("portcullis:validate");
  });
  after(async () => {
    await h?.close();
    pki?.dispose();
  });

  for (const format of ["jwt", "opaque"] as const) {
    it(`${format}: active with the certificate's thumbprint; another thumbprint or none → active false, invalid_token`, async () => {
      const client = await h.test.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "tls_client_auth", tls_client_auth_san_uri: "https://client.example/workload", tls_client_certificate_bound_access_tokens: true, access_token_format: format });
      const token = await issue(client.client_id);
      const answer = await validate(token, cert.thumbprint);
      assert.equal(answer.active, true, answer.failure);
      assert.equal(answer.confirmation?.x5tS256, cert.thumbprint);
      assert.equal(answer.clientId, client.client_id);
      for (const thumbprint of [other.thumbprint, undefined]) {
        const refused = await validate(token, thumbprint);
        assert.deepEqual({ active: refused.active, failure: refused.failure, subject: refused.subject }, { active: false, failure: "invalid_token", subject: "" });
      }
    });
  }

  it("a token bound to a DPoP key and a certificate needs both: the proof alone or the thumbprint alone → invalid_token", async () => {
    const client = await h.test.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "tls_client_auth", tls_client_auth_san_uri: "https://client.example/workload", tls_client_certificate_bound_access_tokens: true });
    const key = new DpopTestKey();
    const token = await issue(client.client_id, key);
    const proof = () => key.proof("GET", URL_, h.clock.now(), { ath: athOf(token) });
    const both = await validate(token, cert.thumbprint, proof());
    assert.equal(both.active, true, both.failure);
    assert.deepEqual([both.confirmation?.jkt, both.confirmation?.x5tS256], [key.jkt, cert.thumbprint]);
    assert.equal((await validate(token, undefined, proof())).failure, "invalid_token");
    assert.equal((await validate(token, cert.thumbprint)).failure, "invalid_token");
  });
});
