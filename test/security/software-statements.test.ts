import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { SignJWT } from "jose";
import { InitialAccessTokens } from "../../src/core/clients/initial-access-tokens.js";
import { TrustedIssuerService } from "../../src/core/trust/trusted-issuer.service.js";
import { b64url } from "../core/clients/auth-fixtures.js";
import { testKey, type TestKey } from "../support/jwt-bearer-fixtures.js";
import { FakeClock } from "../support/fake-clock.js";
import { expectOAuthError } from "../support/oauth-assertions.js";
import { startTestApp, type TestApp } from "../support/test-app.js";

const SSA = "https://ssa.example.org";
const OTHER_SSA = "https://other-ssa.example.org";
const IDP = "https://idp.example.org";
const CLIENT = { grant_types: ["client_credentials"], client_name: "From the request" };

/**
 * Security corpus P90: software statements at /register and PUT /register/<id> (RFC 7591 §2.3, §3.1.1, §3.2.2;
 * RFC 7592 §2.2): invalid → 400 invalid_software_statement, valid but not approved → 400
 * unapproved_software_statement, missing when the initial access token requires one → 400 invalid_client_metadata.
 */
describe("software statements (corpus P90)", () => {
  const clock = new FakeClock();
  const key = testKey("ES256");
  const otherKey = testKey("ES256");
  let t: TestApp;
  let plain = "";
  let strict = "";

  const now = () => Math.floor(clock.now() / 1000);
  /** A statement of `claims` (software_id 4NRB1, a client_name), no exp, aud or sub unless given; undefined removes a claim. */
  const statement = (claims: Record<string, unknown> = {}, signer: TestKey = key, iss = SSA) => {
    const payload: Record<string, unknown> = { iss, software_id: "4NRB1", client_name: "From the statement", iat: now(), ...claims };
    for (const [name, value] of Object.entries(payload)) if (value === undefined) delete payload[name];
    return new SignJWT(payload).setProtectedHeader({ alg: signer.alg, kid: signer.kid }).sign(signer.privateKey);
  };
  const register = (body: Record<string, unknown>, token = plain) =>
    fetch(`${t.publicUrl}/register`, { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", authorization: `Bearer ${token}` } });
  const refused = async (body: Record<string, unknown>, error: string, description: string, token = plain) => {
    const res = await expectOAuthError(await register(body, token), 400, error);
    assert.equal(res.error_description, description);
  };

  before(async () => {
    t = await startTestApp({}, { clock });
    const issuers = t.app.container.resolve(TrustedIssuerService);
    await issuers.put({ issuer: SSA, uses: ["software-statement"], subjectMapping: "pass-through", jwks: { keys: [key.publicJwk] } });
    await issuers.put({ issuer: OTHER_SSA, uses: ["software-statement"], subjectMapping: "pass-through", jwks: { keys: [otherKey.publicJwk] } });
    await issuers.put({ issuer: IDP, uses: ["jwt-bearer"], allowedClients: ["*"], subjectMapping: "pass-through", jwks: { keys: [key.publicJwk] } });
    const tokens = t.app.container.resolve(InitialAccessTokens);
    plain = (await tokens.create()).token;
    strict = (await tokens.create(undefined, { requireSoftwareStatement: true, softwareStatementIssuers: [SSA], softwareIds: ["4NRB1"] })).token;
  });
  after(() => t.stop());

  test("a valid statement registers; its claims take precedence and it is returned unmodified (RFC 7591 §3.2.1)", async () => {
    const ssa = await statement({ client_uri: "https://client.example.net/" });
    const res = await register({ ...CLIENT, software_id: "spoofed", software_statement: ssa }, strict);
    assert.equal(res.status, 201, await res.clone().text());
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.software_statement, ssa);
    assert.deepEqual([body.client_name, body.software_id, body.client_uri], ["From the statement", "4NRB1", "https://client.example.net/"]);
    for (const claim of ["iss", "iat"]) assert.equal(body[claim], undefined, `${claim} is about the statement, not client metadata`);
  });

  test("aud, exp and sub are optional; when present aud must name this server and exp must not have passed", async () => {
    assert.equal((await register({ ...CLIENT, software_statement: await statement({ aud: t.issuer, exp: now() + 86_400 * 3650, sub: "anything" }) })).status, 201);
    await refused({ ...CLIENT, software_statement: await statement({ aud: "https://other-as.example" }) }, "invalid_software_statement", "software statement rejected: aud does not name this server");
  });

  describe("P90: invalid → 400 invalid_software_statement", () => {
    test("bad signature", async () => {
      const ssa = await statement();
      await refused({ ...CLIENT, software_statement: `${ssa.slice(0, ssa.lastIndexOf("."))}.${"A".repeat(86)}` }, "invalid_software_statement", "software statement rejected: signature is invalid");
    });

    test("expired", async () => {
      await refused({ ...CLIENT, software_statement: await statement({ exp: now() - 3600 }) }, "invalid_software_statement", "software statement rejected: exp is in the past");
    });

    test("untrusted issuer, or an issuer trusted for something else", async () => {
      await refused({ ...CLIENT, software_statement: await statement({}, otherKey, "https://rogue.example") }, "invalid_software_statement", "software statement rejected: iss is not a trusted issuer");
      await refused({ ...CLIENT, software_statement: await statement({}, key, IDP) }, "invalid_software_statement", "software statement rejected: the issuer is not trusted for software-statement");
    });

    test("unsigned (alg none), or not a JWT string", async () => {
      const unsigned = `${b64url({ alg: "none" })}.${b64url({ iss: SSA, software_id: "4NRB1" })}.`;
      await refused({ ...CLIENT, software_statement: unsigned }, "invalid_software_statement", "software statement rejected: alg must be RS*, PS*, ES* or EdDSA");
      await refused({ ...CLIENT, software_statement: { iss: SSA } }, "invalid_software_statement", "software_statement must be a signed JWT");
    });

    test("also when an operator registers the client", async () => {
      await assert.rejects(t.createClient({ ...CLIENT, software_statement: await statement({}, otherKey, "https://rogue.example") }), /invalid_software_statement: software statement rejected: iss is not a trusted issuer/);
    });
  });

  describe("P90: valid but not approved for this initial access token → 400 unapproved_software_statement", () => {
    test("another trusted issuer's statement", async () => {
      await refused({ ...CLIENT, software_statement: await statement({}, otherKey, OTHER_SSA) }, "unapproved_software_statement", "the software statement's issuer is not approved for this registration", strict);
      assert.equal((await register({ ...CLIENT, software_statement: await statement({}, otherKey, OTHER_SSA) })).status, 201, "the plain token approves every trusted issuer");
    });

    test("a software_id not on the list, or none", async () => {
      for (const softwareId of ["OTHER", undefined]) {
        await refused({ ...CLIENT, software_statement: await statement({ software_id: softwareId }) }, "unapproved_software_statement", "the software statement's software_id is not approved for this registration", strict);
      }
    });
  });

  test("P90: missing when the initial access token requires one → 400 invalid_client_metadata", async () => {
    await refused(CLIENT, "invalid_client_metadata", "software_statement is required", strict);
    assert.equal((await register(CLIENT)).status, 201, "not required by the plain token");
  });

  describe("RFC 7592 update of a client registered with a statement", () => {
    let client: Record<string, unknown>;
    const update = (body: Record<string, unknown>) =>
      fetch(String(client.registration_client_uri), { method: "PUT", body: JSON.stringify({ ...body, client_id: client.client_id }), headers: { "content-type": "application/json", authorization: `Bearer ${client.registration_access_token}` } });
    const refusedUpdate = async (body: Record<string, unknown>, error: string, description: string) => {
      const res = await expectOAuthError(await update(body), 400, error);
      assert.equal(res.error_description, description);
    };

    before(async () => {
      client = (await (await register({ ...CLIENT, software_statement: await statement() }, strict)).json()) as Record<string, unknown>;
    });

    test("re-presenting the statement keeps its claims over the request's", async () => {
      const res = await update({ ...CLIENT, client_name: "Renamed", software_statement: client.software_statement });
      assert.equal(res.status, 200);
      client = (await res.json()) as Record<string, unknown>;
      assert.equal(client.client_name, "From the statement");
    });

    test("without a statement → 400 invalid_client_metadata; an invalid one → invalid_software_statement; another software_id or issuer → unapproved", async () => {
      await refusedUpdate(CLIENT, "invalid_client_metadata", "software_statement is required: the client was registered with one");
      await refusedUpdate({ ...CLIENT, software_statement: await statement({ exp: now() - 3600 }) }, "invalid_software_statement", "software statement rejected: exp is in the past");
      for (const ssa of [await statement({ software_id: "OTHER" }), await statement({}, otherKey, OTHER_SSA)]) {
        await refusedUpdate({ ...CLIENT, software_statement: ssa }, "unapproved_software_statement", "the software statement must be from the registered statement's issuer for the same software_id");
      }
      const fresh = await statement({ client_name: "Version 2" });
      const res = await update({ ...CLIENT, software_statement: fresh });
      assert.equal(res.status, 200, "a newer statement of the same software from the same issuer");
      assert.equal(((await res.json()) as Record<string, unknown>).client_name, "Version 2");
    });
  });
});
