import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, test } from "node:test";
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";
import { basic, startTestApp, type TestApp, CLIENT_CERTIFICATES_VIA_PROXY } from "../support/test-app.js";
import { FakeClock } from "../support/fake-clock.js";
import { BASIC_CHALLENGE, expectOAuthError } from "../support/oauth-assertions.js";

/**
 * Security corpus group D at the HTTP level: one authentication method per request and the registered one
 * (RFC 6749 §2.3), malformed Basic (RFC 6749 §2.3.1, RFC 7617), JWT client assertions (RFC 7523 §3, OIDC Core §9,
 * FAPI 2.0), and forwarded-certificate headers sent by the client itself (RFC 9700 §4.13).
 */
const ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const API = "https://api.example.test/";

type Client = { client_id: string; client_secret?: string };
interface KeyPair {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
}

async function keyPair(alg: "RS256" | "ES256", kid: string): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { privateKey, publicKey, jwk: { ...(await exportJWK(publicKey)), kid, use: "sig" } };
}

interface AssertionOptions {
  alg?: string;
  /** `null` leaves the header without a kid. */
  kid?: string | null;
  /** Claims to set or override; a value of `undefined` removes the claim. */
  claims?: Record<string, unknown>;
}

describe("client authentication (corpus D 24–29, 31)", () => {
  const clock = new FakeClock();
  let t: TestApp;
  let basicClient: Client;
  let postClient: Client;
  let pkj: Client;
  let pkjOther: Client;
  let pkjEs256Only: Client;
  let pkjCompat: Client;
  let secretJwt: Client;
  let keyA: KeyPair;
  let keyB: KeyPair;
  let esRsa: KeyPair;
  let esEc: KeyPair;
  let compatKey: KeyPair;

  before(async () => {
    // Dozens of deliberate failures come from one address: keep the lockout (corpus S118, tested elsewhere) out of the way.
    t = await startTestApp({ authFailureLimit: "1000", ...CLIENT_CERTIFICATES_VIA_PROXY }, { clock });
    await t.createResource(API, "api:read");
    [keyA, keyB, esRsa, esEc, compatKey] = await Promise.all([
      keyPair("RS256", "client-a-key"),
      keyPair("RS256", "client-b-key"),
      keyPair("RS256", "es-client-rsa"),
      keyPair("ES256", "es-client-ec"),
      keyPair("ES256", "compat-key"),
    ]);
    const cc = { grant_types: ["client_credentials"] };
    basicClient = await t.createClient({ ...cc, token_endpoint_auth_method: "client_secret_basic" });
    postClient = await t.createClient({ ...cc, token_endpoint_auth_method: "client_secret_post" });
    pkj = await t.createClient({ ...cc, token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [keyA.jwk] } });
    pkjOther = await t.createClient({ ...cc, token_endpoint_auth_method: "private_key_jwt", jwks: { keys: [keyB.jwk] } });
    pkjEs256Only = await t.createClient({
      ...cc,
      token_endpoint_auth_method: "private_key_jwt",
      token_endpoint_auth_signing_alg: "ES256",
      jwks: { keys: [esRsa.jwk, esEc.jwk] },
    });
    pkjCompat = await t.createClient({ ...cc, token_endpoint_auth_method: "private_key_jwt", client_assertion_allow_endpoint_audience: true, jwks: { keys: [compatKey.jwk] } });
    secretJwt = await t.createClient({ ...cc, token_endpoint_auth_method: "client_secret_jwt" });
  });
  after(() => t.stop());

  const nowSeconds = () => Math.floor(clock.now() / 1000);

  function claimsFor(clientId: string, overrides: Record<string, unknown> = {}): JWTPayload {
    const now = nowSeconds();
    const claims: Record<string, unknown> = { iss: clientId, sub: clientId, aud: t.issuer, jti: randomUUID(), iat: now, exp: now + 60, ...overrides };
    for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
    return claims as JWTPayload;
  }

  /** A client assertion for `clientId` signed with `key` (a private key or an HMAC secret). */
  async function sign(clientId: string, key: CryptoKey | Uint8Array, options: AssertionOptions & { defaultKid?: string } = {}): Promise<string> {
    const alg = options.alg ?? "RS256";
    const kid = options.kid === undefined ? options.defaultKid : options.kid;
    const header = kid === null || kid === undefined ? { alg } : { alg, kid };
    return new SignJWT(claimsFor(clientId, options.claims)).setProtectedHeader(header).sign(key);
  }

  const signA = (options: AssertionOptions = {}) => sign(pkj.client_id, keyA.privateKey, { defaultKid: keyA.jwk.kid, ...options });

  const withAssertion = (assertion: string, extra: Record<string, string> = {}, headers: Record<string, string> = {}) =>
    t.postForm("/token", { grant_type: "client_credentials", client_assertion_type: ASSERTION_TYPE, client_assertion: assertion, ...extra }, headers);

  const expectOk = async (res: Response) => {
    const text = await res.text();
    assert.equal(res.status, 200, text);
    assert.equal((JSON.parse(text) as { token_type: string }).token_type, "Bearer");
  };
  const expectInvalidClient = (res: Response) => expectOAuthError(res, 401, "invalid_client");

  describe("D24: one method, the registered one; malformed Basic", () => {
    test("Basic plus client_secret in the body → 400 invalid_request", async () => {
      const res = await t.postForm("/token", { grant_type: "client_credentials", client_id: basicClient.client_id, client_secret: basicClient.client_secret! }, basic(basicClient.client_id, basicClient.client_secret!));
      await expectOAuthError(res, 400, "invalid_request");
    });

    test("Basic plus client_assertion → 400 invalid_request", async () => {
      await expectOAuthError(await withAssertion(await signA(), {}, basic(basicClient.client_id, basicClient.client_secret!)), 400, "invalid_request");
    });

    test("client_secret in the body plus client_assertion → 400 invalid_request", async () => {
      await expectOAuthError(await withAssertion(await signA(), { client_id: postClient.client_id, client_secret: postClient.client_secret! }), 400, "invalid_request");
    });

    test("a method other than the registered one → 401 invalid_client", async () => {
      // client_secret_basic client using client_secret_post
      await expectOAuthError(
        await t.postForm("/token", { grant_type: "client_credentials", client_id: basicClient.client_id, client_secret: basicClient.client_secret! }),
        401,
        "invalid_client",
        { wwwAuthenticate: false },
      );
      // client_secret_post client using Basic: 401 with the Basic challenge
      await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }, basic(postClient.client_id, postClient.client_secret!)), 401, "invalid_client", {
        wwwAuthenticate: BASIC_CHALLENGE,
      });
      // a confidential client sending only its client_id (method none)
      await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials", client_id: basicClient.client_id }), 401, "invalid_client");
      // a private_key_jwt client using a secret it does not have
      await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }, basic(pkj.client_id, "anything")), 401, "invalid_client", {
        wwwAuthenticate: BASIC_CHALLENGE,
      });
      // a client_secret_jwt client using its secret directly with Basic
      await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }, basic(secretJwt.client_id, secretJwt.client_secret!)), 401, "invalid_client", {
        wwwAuthenticate: BASIC_CHALLENGE,
      });
    });

    const b64 = (value: string | Buffer) => Buffer.from(value).toString("base64");
    const malformed: [string, string][] = [
      ["bad base64", "Basic !!!not*base64!!!"],
      ["bad base64 padding", "Basic YWJj=ZA"],
      ["no colon", `Basic ${b64("client-without-colon")}`],
      ["empty client id", `Basic ${b64(":secret")}`],
      ["bad percent-encoding in the id", `Basic ${b64("client%ZZ:secret")}`],
      ["bad percent-encoding in the secret", `Basic ${b64("client:sec%E0%A4%A")}`],
      ["invalid UTF-8 after decoding", `Basic ${b64(Buffer.from([0x63, 0x3a, 0xff, 0xfe]))}`],
      ["empty credentials", "Basic "],
      ["scheme only", "Basic"],
      ["whitespace only", "Basic    "],
      ["another scheme", "Bearer abc.def.ghi"],
      ["lower-case scheme with garbage", "basic %%%"],
    ];
    for (const [name, authorization] of malformed) {
      test(`malformed Basic (${name}) → 401 invalid_client with WWW-Authenticate, never 500`, async () => {
        const res = await t.postForm("/token", { grant_type: "client_credentials" }, { authorization });
        await expectOAuthError(res, 401, "invalid_client", { wwwAuthenticate: BASIC_CHALLENGE });
      });
    }

    test("a secret (and id) sent fully percent-encoded is decoded correctly (RFC 6749 §2.3.1)", async () => {
      const encodeAll = (value: string) => [...Buffer.from(value, "utf8")].map((byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
      const credentials = Buffer.from(`${encodeAll(basicClient.client_id)}:${encodeAll(basicClient.client_secret!)}`).toString("base64");
      await expectOk(await t.postForm("/token", { grant_type: "client_credentials" }, { authorization: `Basic ${credentials}` }));
      const lower = Buffer.from(`${basicClient.client_id}:${encodeAll(basicClient.client_secret!).toLowerCase()}`).toString("base64");
      await expectOk(await t.postForm("/token", { grant_type: "client_credentials" }, { authorization: `Basic ${lower}` }));
    });

    test("wrong secret and unknown client_id → the same 401 invalid_client with WWW-Authenticate", async () => {
      const wrong = await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }, basic(basicClient.client_id, "wrong-secret")), 401, "invalid_client", {
        wwwAuthenticate: BASIC_CHALLENGE,
      });
      const unknown = await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }, basic("no-such-client", "wrong-secret")), 401, "invalid_client", {
        wwwAuthenticate: BASIC_CHALLENGE,
      });
      assert.deepEqual(unknown, wrong, "an unknown client is not distinguishable from a wrong secret");
      const truncated = basicClient.client_secret!.slice(0, -1);
      await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }, basic(basicClient.client_id, truncated)), 401, "invalid_client", { wwwAuthenticate: BASIC_CHALLENGE });
    });

    test("wrong secret or unknown client with client_secret_post → 401 invalid_client without a challenge", async () => {
      await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials", client_id: postClient.client_id, client_secret: "wrong" }), 401, "invalid_client", {
        wwwAuthenticate: false,
      });
      await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials", client_id: "no-such-client", client_secret: "wrong" }), 401, "invalid_client", {
        wwwAuthenticate: false,
      });
    });

    test("no client authentication at all → 401 invalid_client", async () => {
      await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }), 401, "invalid_client", { wwwAuthenticate: false });
    });
  });

  describe("D25–D27: private_key_jwt claims", () => {
    test("a valid assertion (aud = issuer string) → 200, with or without client_id", async () => {
      await expectOk(await withAssertion(await signA(), { client_id: pkj.client_id }));
      await expectOk(await withAssertion(await signA()));
    });

    test("D25: exp 5 minutes in the past → 401", async () => {
      const now = nowSeconds();
      await expectInvalidClient(await withAssertion(await signA({ claims: { iat: now - 360, exp: now - 300 } })));
    });

    test("D25: exp or jti missing → 401", async () => {
      await expectInvalidClient(await withAssertion(await signA({ claims: { exp: undefined } }), { client_id: pkj.client_id }));
      await expectInvalidClient(await withAssertion(await signA({ claims: { jti: undefined } }), { client_id: pkj.client_id }));
    });

    test("D25: sub missing → 401 (with and without client_id)", async () => {
      await expectInvalidClient(await withAssertion(await signA({ claims: { sub: undefined } }), { client_id: pkj.client_id }));
      await expectInvalidClient(await withAssertion(await signA({ claims: { sub: undefined } })));
    });

    test("D25: sub ≠ iss, iss ≠ client_id → 401", async () => {
      await expectInvalidClient(await withAssertion(await signA({ claims: { sub: pkjOther.client_id } }), { client_id: pkj.client_id }));
      await expectInvalidClient(await withAssertion(await signA({ claims: { iss: pkjOther.client_id } }), { client_id: pkj.client_id }));
      await expectInvalidClient(await withAssertion(await signA({ claims: { iss: pkjOther.client_id } })));
      // client_id naming another client than the assertion
      await expectInvalidClient(await withAssertion(await signA(), { client_id: pkjOther.client_id }));
    });

    const wrongAudiences = (issuer: string): [string, unknown][] => [
      ["another server", "https://other-as.example.test"],
      ["the token endpoint URL", `${issuer}/token`],
      ["the PAR endpoint URL", `${issuer}/par`],
      ["the issuer with a trailing slash", `${issuer}/`],
      ["an array holding the issuer", [issuer]],
      ["an array holding the issuer and the token endpoint", [issuer, `${issuer}/token`]],
    ];

    test("D26: aud other than the issuer string → 401 each", async () => {
      for (const [name, aud] of wrongAudiences(t.issuer)) {
        const res = await withAssertion(await signA({ claims: { aud } }));
        assert.equal(res.status, 401, `aud = ${name}`);
        await expectInvalidClient(res);
      }
    });

    test("D26: with client_assertion_allow_endpoint_audience the token endpoint URL is accepted, other audiences are not", async () => {
      const signCompat = (aud: unknown) => sign(pkjCompat.client_id, compatKey.privateKey, { alg: "ES256", defaultKid: compatKey.jwk.kid, claims: { aud } });
      await expectOk(await withAssertion(await signCompat(`${t.issuer}/token`)));
      await expectOk(await withAssertion(await signCompat(t.issuer)));
      for (const aud of ["https://other-as.example.test", `${t.issuer}/par`]) {
        await expectInvalidClient(await withAssertion(await signCompat(aud)));
      }
    });

    test("D27: the same jti replayed before exp → 401", async () => {
      const assertion = await signA();
      await expectOk(await withAssertion(assertion));
      await expectInvalidClient(await withAssertion(assertion));
      // a fresh assertion reusing the jti is a replay too
      const { jti } = JSON.parse(Buffer.from(assertion.split(".")[1]!, "base64url").toString()) as { jti: string };
      await expectInvalidClient(await withAssertion(await signA({ claims: { jti } })));
    });

    test("D27: exp 1 year ahead → 401 (long-lived assertions bound the jti cache)", async () => {
      await expectInvalidClient(await withAssertion(await signA({ claims: { exp: nowSeconds() + 365 * 86_400 } })));
    });
  });

  describe("D28: algorithms and keys", () => {
    test("alg none → 401", async () => {
      const encode = (value: object) => base64url.encode(JSON.stringify(value));
      const unsigned = `${encode({ alg: "none", typ: "JWT" })}.${encode(claimsFor(pkj.client_id))}.`;
      await expectInvalidClient(await withAssertion(unsigned, { client_id: pkj.client_id }));
      await expectInvalidClient(await withAssertion(unsigned));
    });

    test("HS256 keyed with the client's RSA public key → 401", async () => {
      const pem = new TextEncoder().encode(await exportSPKI(keyA.publicKey));
      const jwkText = new TextEncoder().encode(JSON.stringify(keyA.jwk));
      for (const secret of [pem, jwkText]) {
        await expectInvalidClient(await withAssertion(await sign(pkj.client_id, secret, { alg: "HS256", kid: keyA.jwk.kid }), { client_id: pkj.client_id }));
        await expectInvalidClient(await withAssertion(await sign(pkj.client_id, secret, { alg: "HS256", kid: null })));
      }
    });

    test("RS256 when the client registered token_endpoint_auth_signing_alg ES256 → 401; ES256 → 200", async () => {
      await expectInvalidClient(await withAssertion(await sign(pkjEs256Only.client_id, esRsa.privateKey, { alg: "RS256", defaultKid: esRsa.jwk.kid })));
      await expectOk(await withAssertion(await sign(pkjEs256Only.client_id, esEc.privateKey, { alg: "ES256", defaultKid: esEc.jwk.kid })));
    });

    test("signed with another client's key (its kid, or no kid) → 401", async () => {
      await expectInvalidClient(await withAssertion(await sign(pkj.client_id, keyB.privateKey, { kid: keyB.jwk.kid! })));
      await expectInvalidClient(await withAssertion(await sign(pkj.client_id, keyB.privateKey, { kid: null })));
      await expectInvalidClient(await withAssertion(await sign(pkj.client_id, keyB.privateKey, { kid: keyA.jwk.kid! })));
    });

    test("a tampered payload → 401", async () => {
      const [header, , signature] = (await signA()).split(".");
      const forged = base64url.encode(JSON.stringify(claimsFor(pkj.client_id, { sub: pkj.client_id, extra: "x" })));
      await expectInvalidClient(await withAssertion(`${header}.${forged}.${signature}`));
    });

    test("client_assertion_type wrong or missing → 401", async () => {
      const assertion = await signA();
      await expectInvalidClient(await t.postForm("/token", { grant_type: "client_credentials", client_assertion_type: "urn:example:wrong", client_assertion: assertion }));
      await expectInvalidClient(await t.postForm("/token", { grant_type: "client_credentials", client_id: pkj.client_id, client_assertion: await signA() }));
      await expectInvalidClient(await t.postForm("/token", { grant_type: "client_credentials", client_id: pkj.client_id, client_assertion_type: ASSERTION_TYPE }));
    });

    test("garbage client_assertion → 401, never 500", async () => {
      for (const garbage of ["not-a-jwt", "a.b.c", "....", "eyJhbGciOiJSUzI1NiJ9.e30.", "x".repeat(9000)]) {
        await expectInvalidClient(await withAssertion(garbage, { client_id: pkj.client_id }));
      }
    });
  });

  describe("D29: iat / nbf in the future", () => {
    test("iat and nbf 8 s ahead → accepted", async () => {
      const now = nowSeconds();
      await expectOk(await withAssertion(await signA({ claims: { iat: now + 8, exp: now + 120 } })));
      await expectOk(await withAssertion(await signA({ claims: { nbf: now + 8, exp: now + 120 } })));
      await expectOk(await withAssertion(await signA({ claims: { iat: now + 8, nbf: now + 8, exp: now + 120 } })));
    });

    test("iat or nbf 61 s ahead → 401", async () => {
      const now = nowSeconds();
      await expectInvalidClient(await withAssertion(await signA({ claims: { iat: now + 61, exp: now + 120 } })));
      await expectInvalidClient(await withAssertion(await signA({ claims: { nbf: now + 61, exp: now + 120 } })));
    });

    test("the server judges by its own clock: an assertion made for a later time is accepted once that time comes", async () => {
      const later = nowSeconds() + 120;
      const assertion = await signA({ claims: { iat: later, nbf: later, exp: later + 60 } });
      await expectInvalidClient(await withAssertion(assertion));
      clock.advance(120_000);
      await expectOk(await withAssertion(assertion));
    });
  });

  describe("client_secret_jwt", () => {
    const secretOf = (client: Client) => new TextEncoder().encode(client.client_secret!);

    test("HS256 with the client secret → 200", async () => {
      await expectOk(await withAssertion(await sign(secretJwt.client_id, secretOf(secretJwt), { alg: "HS256" })));
      await expectOk(await withAssertion(await sign(secretJwt.client_id, secretOf(secretJwt), { alg: "HS256" }), { client_id: secretJwt.client_id }));
    });

    test("HS256 with a wrong secret → 401", async () => {
      await expectInvalidClient(await withAssertion(await sign(secretJwt.client_id, new TextEncoder().encode("not-the-secret-but-long-enough-0123456789"), { alg: "HS256" })));
      await expectInvalidClient(await withAssertion(await sign(secretJwt.client_id, secretOf(basicClient), { alg: "HS256" })));
    });

    test("HS256 assertion for a client_secret_basic client signed with its own secret → 401 (method not registered)", async () => {
      await expectInvalidClient(await withAssertion(await sign(basicClient.client_id, secretOf(basicClient), { alg: "HS256" })));
    });

    test("client_secret_jwt assertion with aud = token endpoint → 401; replay → 401", async () => {
      await expectInvalidClient(await withAssertion(await sign(secretJwt.client_id, secretOf(secretJwt), { alg: "HS256", claims: { aud: `${t.issuer}/token` } })));
      const once = await sign(secretJwt.client_id, secretOf(secretJwt), { alg: "HS256" });
      await expectOk(await withAssertion(once));
      await expectInvalidClient(await withAssertion(once));
    });
  });

  describe("D31: forwarded-certificate headers from the client are ignored", () => {
    const certificate = ":MIIBszCCAVmgAwIBAgIUYWJjZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXowCgYIKoZIzj0EAwIwEjEQMA4GA1UEAwwHY2xpZW50MTAeFw0yNjAxMDEwMDAwMDBa:";
    const pem = "-----BEGIN%20CERTIFICATE-----%0AMIIBszCCAVmgAwIBAgIU%0A-----END%20CERTIFICATE-----%0A";
    const headerSets: Record<string, string>[] = [
      { "client-cert": certificate },
      { "x-ssl-client-cert": pem },
      { "x-client-cert": pem, "x-ssl-client-verify": "SUCCESS", "x-ssl-client-s-dn": `CN=${"client"}` },
      { "client-cert": certificate, "client-cert-chain": certificate, "x-forwarded-client-cert": `Hash=abc;Cert="${pem}"` },
    ];

    test("a certificate header with only client_id → 401 invalid_client for a client registered with another method", async () => {
      for (const headers of headerSets) {
        for (const client of [basicClient, pkj]) {
          await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials", client_id: client.client_id }, headers), 401, "invalid_client");
        }
      }
    });

    test("the headers change nothing for a request that authenticates properly", async () => {
      for (const headers of headerSets) {
        await expectOk(await t.postForm("/token", { grant_type: "client_credentials" }, { ...basic(basicClient.client_id, basicClient.client_secret!), ...headers }));
        await expectOk(await withAssertion(await signA(), {}, headers));
        await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials" }, { ...basic(basicClient.client_id, "wrong"), ...headers }), 401, "invalid_client", {
          wwwAuthenticate: BASIC_CHALLENGE,
        });
      }
    });

    test("a certificate header never stands in for the TLS certificate of a tls_client_auth or self_signed_tls_client_auth client, not even the configured proxy header from an untrusted address → 401", async () => {
      const tlsClient = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "tls_client_auth", tls_client_auth_subject_dn: "CN=client1" });
      const selfSignedClient = await t.createClient({ grant_types: ["client_credentials"], token_endpoint_auth_method: "self_signed_tls_client_auth", jwks_uri: "https://client.example/jwks" });
      for (const headers of headerSets) {
        for (const client of [tlsClient, selfSignedClient]) {
          await expectOAuthError(await t.postForm("/token", { grant_type: "client_credentials", client_id: client.client_id }, headers), 401, "invalid_client");
        }
      }
    });
  });
});
