import assert from "node:assert/strict";
import type { BodyKind } from "../../../src/plugin-sdk/endpoint.js";
import { FakeClock } from "../../support/fake-clock.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";
import { watchProcessFaults, type ProcessFaults } from "./process-faults.js";
import { seededRandom } from "./seeded-random.js";
import { plantSeeds, type RequestTemplate, type Seeds } from "./seed-flows.js";

/** One fuzzable path of the public listener, as the running app's router serves it. */
export interface FuzzRoute {
  /** Concrete paths to request: the route's own, or sub-paths of a prefixed route (seeded ones and a random one). */
  paths: string[];
  methods: readonly string[];
  body: Partial<Record<string, BodyKind>>;
}

export interface FuzzTarget {
  test: TestApp;
  seeds: Seeds;
  routes: FuzzRoute[];
  /** Every parameter name worth sending: the seeds', the grants' and client-authentication methods' declared ones. */
  parameterNames: string[];
  /** Grant types the app serves (its grant registry). */
  grantTypes: string[];
  faults: ProcessFaults;
  /** `template` with its client assertion and DPoP proof signed afresh (a new jti), so a replay check does not stop it early. */
  freshen(template: RequestTemplate): RequestTemplate;
  /** Asserts the server survived (health check, no crash, no error logged), then stops it. */
  close(): Promise<void>;
}

/** Limits a fuzzer would hit at once (429 is a fine answer, but it stops mutations from reaching deeper code). */
const UNLIMITED = { parLimit: "1000000", authFailureLimit: "1000000", loginFailureLimit: "1000000", loginIpFailureLimit: "1000000", introspectionLimit: "1000000", registrationLimit: "1000000" };

/** Boots the app in process (in-memory SQLite, memory ephemeral state, fixed clock, seeded ids), seeds it and lists its routes. */
export async function startFuzzTarget(name: string): Promise<FuzzTarget> {
  const clock = new FakeClock();
  const test = await startTestApp({ ...UNLIMITED, openRegistration: "true" }, { clock, random: seededRandom(name) });
  const faults = watchProcessFaults();
  const seeds = await plantSeeds(test, clock.now());
  const routes = test.app.routes().map((route) => ({
    paths: route.path.endsWith("/*") ? [...seeds.paths.filter((p) => p.startsWith(route.path.slice(0, -1))), `${route.path.slice(0, -1)}fuzz`] : [route.path],
    methods: route.methods,
    body: route.body ?? {},
  }));
  const { grants, clientAuthenticators } = test.app.registries;
  let signed = 0;
  const fresh = (role: string, value: string) => {
    const seed = seeds.signed.find((s) => s.role === role.toLowerCase());
    return seed ? seed.sign(seed.header, { ...seed.claims, jti: `fresh-${++signed}` }) : value;
  };
  const declared = [...grants.values()].flatMap((g) => g.parameters).concat(clientAuthenticators.flatMap((a) => a.parameters));
  return {
    test,
    seeds,
    routes,
    parameterNames: [...new Set([...Object.keys(seeds.values), ...declared, "grant_type"])].sort(),
    grantTypes: [...grants.keys()].sort(),
    faults,
    freshen: (template) => ({
      ...template,
      params: template.params.map(([name, value]) => [name, fresh(name, value)]),
      headers: template.headers.map(([name, value]) => [name, fresh(name, value)]),
    }),
    async close() {
      try {
        const health = await fetch(`${test.publicUrl}/healthz`);
        assert.equal(health.status, 200, "the server still answers its health check");
        assert.deepEqual(faults.faults, [], "no unhandled rejection or uncaught exception");
        const errors = test.logText().split("\n").filter((line) => /"level":(50|60)/.test(line));
        assert.deepEqual(errors, [], "nothing logged at error level");
      } finally {
        faults.stop();
        await test.stop();
      }
    },
  };
}
