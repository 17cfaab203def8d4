import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import * as grpc from "@grpc/grpc-js";
import { ClientRegistryService } from "../../../gen/portcullis/client/v1/client_pb.js";
import { TokenValidationService } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { ConfigError } from "../../../src/config/config.js";
import { internalTlsOptions } from "../../../src/transport/rpc/tls-options.js";
import { createTestPki, opensslMissing, type TestIdentity, type TestPki } from "../../support/test-pki.js";
import { ALL_CALLER_SCOPES, grpcError, startRpcHarness, unary, type Auth, type RpcHarness } from "./rpc-harness.js";

const skip = opensslMissing();
if (skip) process.stdout.write(`# skipping internal TLS tests: ${skip}\n`);

/** TLS and mTLS on the internal listener (DESIGN "Listeners", RFC 8705 §2); certificates are made at test time. */
describe("internal listener over TLS with mTLS callers", { skip }, () => {
  let pki: TestPki;
  let h: RpcHarness;
  let caller: TestIdentity;
  let stranger: TestIdentity;
  let rogue: TestIdentity;
  const clients: grpc.Client[] = [];

  before(async () => {
    pki = createTestPki();
    const server = pki.issue("server", ["subjectAltName=IP:127.0.0.1", "extendedKeyUsage=serverAuth"]);
    caller = pki.issue("caller", ["extendedKeyUsage=clientAuth"]);
    stranger = pki.issue("stranger", ["extendedKeyUsage=clientAuth"]);
    rogue = pki.selfSigned("rogue", ["extendedKeyUsage=clientAuth"]);
    const callers = { [caller.thumbprint]: "portcullis:validate portcullis:clients:read", [rogue.thumbprint]: ALL_CALLER_SCOPES };
    h = await startRpcHarness(
      { grpcTlsCert: server.certPath, grpcTlsKey: server.keyPath, grpcTlsClientCa: pki.ca.certPath, grpcMtlsCallers: JSON.stringify(callers) },
      grpc.credentials.createSsl(pki.ca.cert),
    );
  });
  after(async () => {
    for (const client of clients) client.close();
    await h?.close();
    pki?.dispose();
  });

  /** A client presenting `identity`'s certificate (or none), trusting the test CA for the server. */
  const clientWith = (identity?: TestIdentity, credentials = grpc.credentials.createSsl(pki.ca.cert, identity?.key, identity?.cert)) => {
    const client = new grpc.Client(new URL(h.test.grpcUrl).host, credentials);
    clients.push(client);
    return client;
  };
  const validate = (client: grpc.Client, auth?: Auth) => unary(client, TokenValidationService.method.validateToken, { token: "x" }, auth);
  const deleteClient = (client: grpc.Client) => unary(client, ClientRegistryService.method.deleteClient, { clientId: h.callerId });

  it("serves TLS at an https URL", () => {
    assert.match(h.test.grpcUrl, /^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it("authenticates a mapped certificate that chains to the client CA, with exactly its mapped scopes", async () => {
    const mapped = clientWith(caller);
    assert.equal((await validate(mapped)).active, false);
    assert.equal((await unary(mapped, ClientRegistryService.method.getClient, { clientId: h.callerId })).client?.clientId, h.callerId);
    const denied = await grpcError(deleteClient(mapped));
    assert.equal(denied.code, grpc.status.PERMISSION_DENIED);
    assert.match(decodeURIComponent(denied.details), /client certificate lacks scope portcullis:clients:write/);
  });

  it("answers UNAUTHENTICATED for a self-signed certificate (even if mapped) and for an unmapped CA-signed one", async () => {
    assert.equal((await grpcError(validate(clientWith(rogue)))).code, grpc.status.UNAUTHENTICATED);
    assert.equal((await grpcError(deleteClient(clientWith(rogue)))).code, grpc.status.UNAUTHENTICATED);
    assert.equal((await grpcError(validate(clientWith(stranger)))).code, grpc.status.UNAUTHENTICATED);
  });

  it("still serves bearer callers without a certificate, and refuses callers with neither", async () => {
    assert.equal((await validate(h.grpc, await h.callerToken("portcullis:validate"))).active, false);
    assert.equal((await grpcError(validate(h.grpc))).code, grpc.status.UNAUTHENTICATED);
  });

  it("lets a sent bearer token alone decide, never mixing in the certificate's scopes", async () => {
    const mapped = clientWith(caller);
    const readOnly = await h.callerToken("portcullis:clients:read");
    assert.equal((await grpcError(validate(mapped, readOnly))).code, grpc.status.PERMISSION_DENIED);
    assert.equal((await grpcError(validate(mapped, "not-a-token"))).code, grpc.status.UNAUTHENTICATED);
  });

  it("accepts a certificate-bound token only over that certificate (RFC 8705 §3)", async () => {
    const bound = await h.mint(h.callerId, { scopes: ["portcullis:clients:write"], confirmation: { "x5t#S256": caller.thumbprint } });
    const stray = await h.test.createClient({ client_name: "to delete", grant_types: ["client_credentials"] });
    const remove = (client: grpc.Client) => unary(client, ClientRegistryService.method.deleteClient, { clientId: stray.client_id }, bound);
    assert.equal((await grpcError(remove(h.grpc))).code, grpc.status.UNAUTHENTICATED);
    assert.equal((await grpcError(remove(clientWith(stranger)))).code, grpc.status.UNAUTHENTICATED);
    await remove(clientWith(caller));
  });

  it("refuses h2c clients: the listener speaks only TLS", async () => {
    const error = await grpcError(validate(clientWith(undefined, grpc.credentials.createInsecure()), await h.callerToken("portcullis:validate")));
    assert.equal(error.code, grpc.status.UNAVAILABLE);
  });

  it("never logs certificates or their thumbprints", async () => {
    await grpcError(validate(clientWith(stranger)));
    const logs = h.test.logText();
    for (const identity of [caller, stranger, rogue]) {
      assert.ok(!logs.includes(identity.thumbprint));
      assert.ok(!logs.includes(identity.cert.toString().split("\n")[1]!));
    }
  });
});

/** Boot errors name the setting whose PEM file is at fault. */
describe("internal listener TLS files", { skip }, () => {
  let pki: TestPki;
  before(() => (pki = createTestPki()));
  after(() => pki?.dispose());

  const bootError = (settings: Parameters<typeof internalTlsOptions>[0], pattern: RegExp) =>
    assert.throws(() => internalTlsOptions(settings), (e: unknown) => e instanceof ConfigError && pattern.test(e.message));

  it("is h2c without a certificate and key", () => {
    assert.equal(internalTlsOptions({ grpcTlsCert: undefined, grpcTlsKey: undefined, grpcTlsClientCa: undefined }), undefined);
  });

  it("requests (but verifies per call) client certificates only with a client CA", () => {
    const server = pki.issue("server", ["subjectAltName=IP:127.0.0.1"]);
    const tlsOnly = internalTlsOptions({ grpcTlsCert: server.certPath, grpcTlsKey: server.keyPath, grpcTlsClientCa: undefined });
    assert.equal(tlsOnly?.requestCert, false);
    const mtls = internalTlsOptions({ grpcTlsCert: server.certPath, grpcTlsKey: server.keyPath, grpcTlsClientCa: pki.ca.certPath });
    assert.deepEqual([mtls?.requestCert, mtls?.rejectUnauthorized, mtls?.minVersion, mtls?.ALPNProtocols], [true, false, "TLSv1.2", ["h2"]]);
  });

  it("names the setting of a missing, unparsable or mismatched file", () => {
    const server = pki.issue("server2", []);
    const missing = `${pki.dir}/missing.pem`;
    bootError({ grpcTlsCert: missing, grpcTlsKey: server.keyPath, grpcTlsClientCa: undefined }, /GRPC_TLS_CERT: cannot read .*missing\.pem \(ENOENT\)/);
    bootError({ grpcTlsCert: server.certPath, grpcTlsKey: missing, grpcTlsClientCa: undefined }, /GRPC_TLS_KEY: cannot read/);
    bootError({ grpcTlsCert: server.certPath, grpcTlsKey: server.keyPath, grpcTlsClientCa: missing }, /GRPC_TLS_CLIENT_CA: cannot read/);
    bootError({ grpcTlsCert: server.keyPath, grpcTlsKey: server.keyPath, grpcTlsClientCa: undefined }, /GRPC_TLS_CERT: .* holds no PEM certificate/);
    bootError({ grpcTlsCert: server.certPath, grpcTlsKey: server.certPath, grpcTlsClientCa: undefined }, /GRPC_TLS_KEY: .* holds no PEM private key/);
    bootError({ grpcTlsCert: server.certPath, grpcTlsKey: pki.ca.keyPath, grpcTlsClientCa: undefined }, /GRPC_TLS_KEY: does not match the certificate in GRPC_TLS_CERT/);
  });
});
