import assert from "node:assert/strict";
import { test } from "node:test";
import { ACR, acrFor, satisfiesAcr } from "../../../src/core/authn/acr.js";

test("acr: two or more distinct methods are multi-factor; only a request for multi-factor is enforced", () => {
  assert.equal(acrFor(["pwd"]), ACR.singleFactor);
  assert.equal(acrFor(["pwd", "pwd"]), ACR.singleFactor);
  assert.equal(acrFor(["pwd", "otp"]), ACR.multiFactor);
  assert.equal(satisfiesAcr(ACR.singleFactor, []), true);
  assert.equal(satisfiesAcr(undefined, [ACR.singleFactor, "urn:example:unknown"]), true);
  assert.equal(satisfiesAcr(ACR.singleFactor, [ACR.singleFactor, ACR.multiFactor]), false);
  assert.equal(satisfiesAcr(undefined, [ACR.multiFactor]), false);
  assert.equal(satisfiesAcr(ACR.multiFactor, [ACR.multiFactor]), true);
});
