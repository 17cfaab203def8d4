import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { StatusTally } from "./support/status-tally.js";
import { replaying, runFuzz } from "./support/fuzz-settings.js";
import { startFuzzTarget, type FuzzTarget } from "./support/fuzz-target.js";
import { checkResponse } from "./support/http-checks.js";
import { rawExchange } from "./support/raw-http.js";
import { anyRequest, vocabularyOf } from "./support/request.arbitrary.js";

/** Issue 11 item 5: every public route the running app serves, fed random and mutated methods, paths, headers and bodies. */
describe("fuzz: every public HTTP endpoint", () => {
  let target: FuzzTarget;
  before(async () => {
    target = await startFuzzTarget("http-endpoints");
  });
  after(() => target.close());

  test("every endpoint the discovery documents advertise is among the fuzzed routes", async () => {
    const fuzzed = target.routes.flatMap((route) => route.paths);
    for (const document of ["/.well-known/openid-configuration", "/.well-known/oauth-authorization-server"]) {
      const metadata = (await (await fetch(`${target.test.publicUrl}${document}`)).json()) as Record<string, unknown>;
      const advertised = Object.entries(metadata).filter(([name, value]) => name.endsWith("_endpoint") && typeof value === "string" && value.startsWith(target.test.issuer));
      assert.ok(advertised.length >= 5, `${document} advertises endpoints`);
      for (const [name, url] of advertised) assert.ok(fuzzed.includes(new URL(url as string).pathname), `${name} (${String(url)}) is fuzzed`);
    }
  });

  test("no 5xx, well-formed errors, no crash: for every route the router serves", async () => {
    const requests = anyRequest(target, vocabularyOf(target));
    const tally = new StatusTally();
    const property = fc.asyncProperty(requests, async (request) => {
      const response = await rawExchange(target.test.publicUrl, request);
      tally.record(`${request.method} ${request.target.split("?")[0]!.slice(0, 40)}`, response.status);
      checkResponse(request, response);
    });
    await runFuzz("http-endpoints", property, 400);
    console.log(tally.summary());
    assert.ok(replaying || tally.count(200, 400) > 0, "some mutated requests still succeed (the seeds reach past the first validation)");
  });
});
