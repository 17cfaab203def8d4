import assert from "node:assert/strict";
import { availableParallelism } from "node:os";
import { describe, test } from "node:test";
import { ConfigError, loadConfig } from "../../src/config/config.js";

describe("configuration (zod schema over the environment)", () => {
  test("defaults serve a single node with SQLite and memory state", () => {
    const config = loadConfig({});
    assert.equal(config.port, 8080);
    assert.equal(config.issuer, "http://localhost:8080");
    assert.equal(config.grpcHost, "127.0.0.1");
    assert.equal(config.grpcPort, 50051);
    assert.equal(config.databaseUrl, "sqlite:./data/portcullis.db");
    assert.equal(config.redisUrl, undefined);
    assert.deepEqual(config.signingAlgs, ["ES256", "RS256"]);
  });

  test("ISSUER follows PORT and loses a trailing slash", () => {
    assert.equal(loadConfig({ PORT: "9000" }).issuer, "http://localhost:9000");
    assert.equal(loadConfig({ ISSUER: "https://id.example.com/" }).issuer, "https://id.example.com");
  });

  test("RS256 always has a key (the default ID-token alg) and the access-token alg is included", () => {
    assert.deepEqual(loadConfig({ SIGNING_ALGS: "PS256", ACCESS_TOKEN_ALG: "EdDSA" }).signingAlgs, ["PS256", "EdDSA", "RS256"]);
  });

  test("WORKERS: 1 by default, a number, or auto for one per available core", () => {
    assert.equal(loadConfig({}).workers, 1);
    assert.equal(loadConfig({ WORKERS: "3" }).workers, 3);
    assert.equal(loadConfig({ WORKERS: "auto" }).workers, availableParallelism());
    for (const bad of ["0", "x", "1.5", "257"]) assert.throws(() => loadConfig({ WORKERS: bad }), (e: unknown) => e instanceof ConfigError && /WORKERS: /.test(e.message), bad);
  });

  test("SHUTDOWN_READINESS_DELAY_MS: 0 by default, whole milliseconds up to 60000", () => {
    assert.equal(loadConfig({}).shutdownReadinessDelayMs, 0);
    assert.equal(loadConfig({ SHUTDOWN_READINESS_DELAY_MS: "5000" }).shutdownReadinessDelayMs, 5000);
    for (const bad of ["-1", "x", "2.5", "60001"]) {
      assert.throws(() => loadConfig({ SHUTDOWN_READINESS_DELAY_MS: bad }), (e: unknown) => e instanceof ConfigError && /SHUTDOWN_READINESS_DELAY_MS: /.test(e.message), bad);
    }
  });

  test("an invalid value names the setting", () => {
    assert.throws(() => loadConfig({ PORT: "http" }), (e: unknown) => e instanceof ConfigError && /PORT: .*\(got "http"\)/.test(e.message));
    assert.throws(() => loadConfig({ DATABASE_URL: "postgres://x" }), /DATABASE_URL: must be sqlite:<path> or mysql:/);
    assert.throws(() => loadConfig({ KEY_ENCRYPTION_KEY: "short" }), /KEY_ENCRYPTION_KEY: must be 32 bytes/);
    assert.throws(() => loadConfig({ SIGNING_ALGS: "HS256" }), /SIGNING_ALGS/);
    assert.throws(() => loadConfig({ PLUGIN_OPTIONS: "[1]" }), /PLUGIN_OPTIONS: must be a JSON object/);
    assert.throws(() => loadConfig({ ISSUER: "https://id.example.com/?x=1" }), /ISSUER: must have no query or fragment/);
  });

  test("internal-listener TLS is off by default; GRPC_MTLS_CALLERS maps thumbprints to scope lists", () => {
    const defaults = loadConfig({});
    assert.deepEqual([defaults.grpcTlsCert, defaults.grpcTlsKey, defaults.grpcTlsClientCa, defaults.grpcMtlsCallers.size], [undefined, undefined, undefined, 0]);
    const thumbprint = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
    const mtls = loadConfig({ GRPC_TLS_CERT: "s.pem", GRPC_TLS_KEY: "s.key", GRPC_TLS_CLIENT_CA: "ca.pem", GRPC_MTLS_CALLERS: JSON.stringify({ [thumbprint]: "portcullis:validate  portcullis:tokens" }) });
    assert.deepEqual([...mtls.grpcMtlsCallers], [[thumbprint, ["portcullis:validate", "portcullis:tokens"]]]);
  });

  test("invalid internal-listener TLS settings name the setting", () => {
    const tls = { GRPC_TLS_CERT: "s.pem", GRPC_TLS_KEY: "s.key", GRPC_TLS_CLIENT_CA: "ca.pem" };
    assert.throws(() => loadConfig({ GRPC_TLS_CERT: "s.pem" }), (e: unknown) => e instanceof ConfigError && /GRPC_TLS_CERT, GRPC_TLS_KEY: set both or neither/.test(e.message));
    assert.throws(() => loadConfig({ GRPC_TLS_KEY: "s.key" }), /GRPC_TLS_CERT, GRPC_TLS_KEY: set both or neither/);
    assert.throws(() => loadConfig({ GRPC_TLS_CLIENT_CA: "ca.pem" }), /GRPC_TLS_CLIENT_CA: needs GRPC_TLS_CERT and GRPC_TLS_KEY/);
    assert.throws(() => loadConfig({ ...tls, GRPC_MTLS_CALLERS: "{not json" }), /GRPC_MTLS_CALLERS: must be a JSON object/);
    assert.throws(() => loadConfig({ ...tls, GRPC_MTLS_CALLERS: '["x"]' }), /GRPC_MTLS_CALLERS: must be a JSON object/);
    assert.throws(() => loadConfig({ ...tls, GRPC_MTLS_CALLERS: '{"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I":["portcullis:validate"]}' }), /GRPC_MTLS_CALLERS: values must be space-separated scope strings/);
    assert.throws(() => loadConfig({ ...tls, GRPC_MTLS_CALLERS: '{"AB:CD:EF":"portcullis:validate"}' }), /GRPC_MTLS_CALLERS: keys must be certificate SHA-256 thumbprints/);
    assert.throws(() => loadConfig({ GRPC_MTLS_CALLERS: '{"0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I":"portcullis:validate"}' }), /GRPC_MTLS_CALLERS: needs GRPC_TLS_CLIENT_CA/);
  });

  test("REDIS_URL takes one node or Redis Cluster seed nodes; a malformed cluster URL names the setting", () => {
    assert.equal(loadConfig({ REDIS_URL: "redis://127.0.0.1:6379" }).redisUrl, "redis://127.0.0.1:6379");
    assert.equal(loadConfig({ REDIS_URL: "redis+cluster://127.0.0.1:7000,127.0.0.1:7001" }).redisUrl, "redis+cluster://127.0.0.1:7000,127.0.0.1:7001");
    assert.equal(loadConfig({ REDIS_URL: "rediss+cluster://app:secret@cache-1:6380,[::1]:6380/?family=6" }).redisUrl, "rediss+cluster://app:secret@cache-1:6380,[::1]:6380/?family=6");
    for (const malformed of ["redis+cluster://", "redis+cluster://127.0.0.1:7000,,127.0.0.1:7001", "redis+cluster://127.0.0.1:port", "redis+cluster://127.0.0.1:7000/1", "cluster://127.0.0.1:7000"]) {
      assert.throws(() => loadConfig({ REDIS_URL: malformed }), (e: unknown) => e instanceof ConfigError && /REDIS_URL: must be redis:\/\/…, rediss:\/\/… or redis\+cluster:\/\//.test(e.message), malformed);
    }
  });

  test("several invalid settings are all reported", () => {
    assert.throws(() => loadConfig({ PORT: "-1", LOG_LEVEL: "loud" }), (e: unknown) => /PORT/.test(String(e)) && /LOG_LEVEL/.test(String(e)));
  });
});

describe("configuration errors never echo secrets", () => {
  test("KEY_ENCRYPTION_KEY is described, not shown; URL passwords are masked", () => {
    assert.throws(
      () => loadConfig({ KEY_ENCRYPTION_KEY: "s3cret-but-too-short" }),
      (e: unknown) => /KEY_ENCRYPTION_KEY: .*\(got a value of 20 characters\)/.test(String(e)) && !String(e).includes("s3cret"),
    );
    assert.throws(
      () => loadConfig({ DATABASE_URL: "postgres://admin:hunter2@db.internal/x", REDIS_URL: "http://u:pw@cache" }),
      (e: unknown) => !String(e).includes("hunter2") && !String(e).includes(":pw@") && String(e).includes("postgres://admin:***@db.internal/x"),
    );
  });
});
