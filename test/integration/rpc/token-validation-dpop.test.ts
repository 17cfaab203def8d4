import "reflect-metadata";
import assert from "node:assert/strict";
import type { MessageInitShape } from "@bufbuild/protobuf";
import { after, before, describe, it } from "node:test";
import { TokenValidationService, type ValidateTokenRequestSchema } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { athOf, DpopTestKey } from "../../support/dpop.js";
import { startRpcHarness, unary } from "./rpc-harness.js";

const URL_ = "https://api.example.com/orders";

/** ValidateToken with DPoP (RFC 9449 §7.1, §9): the /userinfo rules over gRPC, answered as `active: false` with the failure. */
async function dpopHarness(overrides: Parameters<typeof startRpcHarness>[0] = {}) {
  const h = await startRpcHarness(overrides);
  const caller = await h.callerToken("portcullis:validate");
  const resourceClient = (await h.test.createClient({ client_name: "app", grant_types: ["client_credentials"] })).client_id;
  const key = new DpopTestKey();
  const token = await h.mint(resourceClient, { confirmation: { jkt: key.jkt } });
  const validate = (request: MessageInitShape<typeof ValidateTokenRequestSchema>) => unary(h.grpc, TokenValidationService.method.validateToken, request, caller);
  const proof = (claims: Record<string, unknown> = {}, signer = key) => signer.proof("GET", URL_, h.clock.now(), { ath: athOf(token), ...claims });
  return { h, key, token, validate, proof, mint: (confirmation?: { jkt: string }) => h.mint(resourceClient, { confirmation }) };
}

const outcome = (answer: { active: boolean; failure: string }) => ({ active: answer.active, failure: answer.failure });

describe("TokenValidationService: DPoP-bound tokens (RFC 9449 §7.1)", () => {
  let s: Awaited<ReturnType<typeof dpopHarness>>;
  before(async () => (s = await dpopHarness()));
  after(() => s.h.close());

  it("accepts the token with a proof of its key for this method and URL (htu normalised): type DPoP, cnf.jkt", async () => {
    const answer = await s.validate({ token: s.token, dpopProof: s.proof(), httpMethod: "GET", httpUrl: "HTTPS://API.example.com:443/orders?page=2" });
    assert.equal(answer.active, true, answer.failure);
    assert.equal(answer.tokenType, "DPoP");
    assert.equal(answer.confirmation?.jkt, s.key.jkt);
  });

  it("a replayed proof is invalid_dpop_proof: the replay cache is the one the token endpoint uses", async () => {
    const proof = s.proof();
    const request = { token: s.token, dpopProof: proof, httpMethod: "GET", httpUrl: URL_ };
    assert.equal((await s.validate(request)).active, true);
    assert.deepEqual(outcome(await s.validate(request)), { active: false, failure: "invalid_dpop_proof" });
  });

  it("the bound token without a proof (the Bearer scheme) is invalid_token", async () => {
    assert.deepEqual(outcome(await s.validate({ token: s.token, httpMethod: "GET", httpUrl: URL_ })), { active: false, failure: "invalid_token" });
  });

  it("ath missing or of another token, htm or htu of another request, an old iat: invalid_dpop_proof", async () => {
    for (const [name, proof, method] of [
      ["no ath", s.proof({ ath: undefined }), "GET"],
      ["wrong ath", s.proof({ ath: athOf("another token") }), "GET"],
      ["htm POST", s.proof(), "POST"],
      ["old iat", s.proof({ iat: Math.floor(s.h.clock.now() / 1000) - 3600 }), "GET"],
    ] as const) {
      assert.deepEqual(outcome(await s.validate({ token: s.token, dpopProof: proof, httpMethod: method, httpUrl: URL_ })), { active: false, failure: "invalid_dpop_proof" }, name);
    }
    const elsewhere = s.key.proof("GET", "https://api.example.com/other", s.h.clock.now(), { ath: athOf(s.token) });
    assert.deepEqual(outcome(await s.validate({ token: s.token, dpopProof: elsewhere, httpMethod: "GET", httpUrl: URL_ })), { active: false, failure: "invalid_dpop_proof" });
  });

  it("a valid proof by another key is invalid_token; so is a proof with a token not bound to any key", async () => {
    assert.deepEqual(outcome(await s.validate({ token: s.token, dpopProof: s.proof({}, new DpopTestKey()), httpMethod: "GET", httpUrl: URL_ })), { active: false, failure: "invalid_token" });
    const unbound = await s.mint();
    const proof = s.key.proof("GET", URL_, s.h.clock.now(), { ath: athOf(unbound) });
    assert.deepEqual(outcome(await s.validate({ token: unbound, dpopProof: proof, httpMethod: "GET", httpUrl: URL_ })), { active: false, failure: "invalid_token" });
    assert.equal((await s.validate({ token: unbound })).active, true, "the bearer path is unchanged");
  });
});

describe("TokenValidationService: DPoP nonces (RFC 9449 §9)", () => {
  let s: Awaited<ReturnType<typeof dpopHarness>>;
  before(async () => (s = await dpopHarness({ dpopNonceRequired: "true" })));
  after(() => s.h.close());

  it("without a nonce: use_dpop_nonce with the nonce to send; the retry with it is active; a stale one gets a fresh nonce", async () => {
    const first = await s.validate({ token: s.token, dpopProof: s.proof(), httpMethod: "GET", httpUrl: URL_ });
    assert.deepEqual(outcome(first), { active: false, failure: "use_dpop_nonce" });
    assert.match(first.dpopNonce, /^[A-Za-z0-9_-]{43}$/);
    const retry = await s.validate({ token: s.token, dpopProof: s.proof({ nonce: first.dpopNonce }), httpMethod: "GET", httpUrl: URL_ });
    assert.equal(retry.active, true, retry.failure);
    assert.equal(retry.dpopNonce, "");
    const stale = await s.validate({ token: s.token, dpopProof: s.proof({ nonce: "stale-nonce" }), httpMethod: "GET", httpUrl: URL_ });
    assert.deepEqual(outcome(stale), { active: false, failure: "use_dpop_nonce" });
    assert.equal(stale.dpopNonce, first.dpopNonce, "the same window's nonce on every node");
  });
});
