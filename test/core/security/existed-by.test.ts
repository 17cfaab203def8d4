import assert from "node:assert/strict";
import { test } from "node:test";
import { existedBy } from "../../../src/core/security/existed-by.js";

test("existedBy: iat's whole second plus the clock tolerance, in ms; without iat never before anything (corpus S107)", () => {
  assert.equal(existedBy({ iat: 1_700_000_000 }, 30), (1_700_000_000 + 1 + 30) * 1000);
  assert.equal(existedBy({ iat: 1_700_000_000 }, 0), 1_700_000_001_000);
  assert.equal(existedBy({}, 30), Number.POSITIVE_INFINITY);
});
