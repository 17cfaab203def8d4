import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { jsonDocument } from "./arbitraries/json.arbitrary.js";
import { replaying, runFuzz } from "./support/fuzz-settings.js";
import { startFuzzTarget, type FuzzTarget } from "./support/fuzz-target.js";
import { checkResponse } from "./support/http-checks.js";
import { rawExchange, type RawHttpRequest } from "./support/raw-http.js";
import { vocabularyOf } from "./support/request.arbitrary.js";
import { REDIRECT } from "./support/seed-flows.js";
import { StatusTally } from "./support/status-tally.js";

const JSON_HEADERS: [string, string][] = [["Content-Type", "application/json"]];

/** Issue 11 item 5: JSON bodies of dynamic registration (RFC 7591 §3.1) and management (RFC 7592 §2.2), random and mutated. */
describe("fuzz: registration and management JSON", () => {
  let target: FuzzTarget;
  before(async () => {
    target = await startFuzzTarget("json-bodies");
  });
  after(() => target.close());

  /** A freshly registered client's management URI path and registration access token (each fuzzed update gets its own). */
  const registerClient = async (): Promise<{ id: string; path: string; token: string }> => {
    const response = await rawExchange(target.test.publicUrl, { method: "POST", target: "/register", headers: JSON_HEADERS, body: Buffer.from(JSON.stringify({ redirect_uris: [REDIRECT] })) });
    const body = JSON.parse(response.body.toString()) as { client_id: string; registration_client_uri: string; registration_access_token: string };
    return { id: body.client_id, path: new URL(body.registration_client_uri).pathname, token: body.registration_access_token };
  };
  /** An update names the client first (RFC 7592 §2.2); a fuzzed member may still replace it. */
  const naming = (id: string, body: Buffer) => (body[0] === 0x7b ? Buffer.concat([Buffer.from(`{"client_id":${JSON.stringify(id)},`), body.subarray(1)]) : body);

  test("POST /register and PUT /register/{id} with random nesting, wrong types, huge numbers, prototype keys: never a 5xx", async () => {
    const vocabulary = vocabularyOf(target);
    const documents = jsonDocument(vocabulary.metadataNames, vocabulary.metadataExamples, { redirect_uris: [REDIRECT] });
    const tally = new StatusTally();
    const property = fc.asyncProperty(fc.constantFrom("POST", "PUT"), documents, async (method, body) => {
      const managed = method === "PUT" ? await registerClient() : undefined;
      const request: RawHttpRequest = managed
        ? { method, target: managed.path, headers: [...JSON_HEADERS, ["Authorization", `Bearer ${managed.token}`]], body: naming(managed.id, body) }
        : { method, target: "/register", headers: JSON_HEADERS, body };
      const response = await rawExchange(target.test.publicUrl, request);
      tally.record(`${method} ${managed ? "/register/{id}" : "/register"}`, response.status);
      checkResponse(request, response);
    });
    await runFuzz("json-bodies", property, 80);
    console.log(tally.summary());
    assert.ok(replaying || tally.count(200, 300) > 0, "some fuzzed metadata is still accepted");
  });
});
