import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import fc from "fast-check";
import { mutatedJwt, resignedJwt } from "./arbitraries/jwt.arbitrary.js";
import { runFuzz } from "./support/fuzz-settings.js";
import { startFuzzTarget, type FuzzTarget } from "./support/fuzz-target.js";
import { checkResponse } from "./support/http-checks.js";
import { rawExchange, type RawHttpRequest } from "./support/raw-http.js";
import { JWT_PARAMETERS } from "./support/request.arbitrary.js";
import type { RequestTemplate } from "./support/seed-flows.js";
import { StatusTally } from "./support/status-tally.js";

/** Where a valid request carries a JWT: a form parameter, a header (with its scheme), or a JSON member. */
type Slot = { param: string } | { header: string; scheme: string } | { member: string };

/** Headers whose value is a JWT (RFC 9449 §4.1; attestation-based client auth §6.1) or a JWT after a scheme (RFC 6750 §2.1). */
const JWT_HEADERS: Record<string, string> = { dpop: "", "oauth-client-attestation": "", "oauth-client-attestation-pop": "" };

/** Every JWT-carrying slot of every seeded valid request. */
function jwtSlots(templates: readonly RequestTemplate[]): { template: RequestTemplate; slot: Slot }[] {
  const slots: { template: RequestTemplate; slot: Slot }[] = [];
  for (const template of templates) {
    for (const [name] of template.params) if (JWT_PARAMETERS.includes(name)) slots.push({ template, slot: { param: name } });
    for (const [name, value] of template.headers) {
      if (name.toLowerCase() in JWT_HEADERS) slots.push({ template, slot: { header: name, scheme: "" } });
      if (name.toLowerCase() === "authorization" && /^(Bearer|DPoP) /.test(value)) slots.push({ template, slot: { header: name, scheme: value.split(" ")[0]! + " " } });
    }
    if (template.json && typeof template.json === "object") for (const member of Object.keys(template.json)) if (JWT_PARAMETERS.includes(member)) slots.push({ template, slot: { member } });
  }
  return slots;
}

/** The template as raw bytes with `jwt` in `slot`. */
function withJwt(template: RequestTemplate, slot: Slot, jwt: string): RawHttpRequest {
  const params = "param" in slot ? template.params.map(([n, v]): [string, string] => [n, n === slot.param ? jwt : v]) : template.params;
  const form = params.map(([n, v]) => `${encodeURIComponent(n)}=${encodeURIComponent(v)}`).join("&");
  const headers: [string, string][] = template.headers.filter(([n]) => !("header" in slot) || n.toLowerCase() !== slot.header.toLowerCase());
  if ("header" in slot) headers.push([slot.header, `${slot.scheme}${jwt}`]);
  if (template.json !== undefined) {
    const json = "member" in slot ? { ...(template.json as object), [slot.member]: jwt } : template.json;
    return { method: template.method, target: template.path, headers: [["Content-Type", "application/json"], ...headers], body: Buffer.from(JSON.stringify(json)) };
  }
  if (template.method === "GET") return { method: "GET", target: form ? `${template.path}?${form}` : template.path, headers };
  return { method: template.method, target: template.path, headers: [["Content-Type", "application/x-www-form-urlencoded"], ...headers], body: Buffer.from(form) };
}

/** Issue 11 item 5: mutated JWTs wherever a JWT is accepted, inside otherwise valid requests. */
describe("fuzz: JWTs wherever the server accepts one", () => {
  let target: FuzzTarget;
  before(async () => {
    target = await startFuzzTarget("jwt-inputs");
  });
  after(() => target.close());

  test("mutated client assertions, request objects, DPoP proofs, subject/actor tokens, assertions, id_token_hints, software statements, attestations, bearer tokens", async () => {
    const slots = jwtSlots(target.seeds.templates);
    const names = new Set(slots.map(({ slot }) => ("param" in slot ? slot.param : "header" in slot ? slot.header.toLowerCase() : slot.member)));
    for (const expected of ["client_assertion", "request", "dpop", "subject_token", "actor_token", "assertion", "id_token_hint", "software_statement", "oauth-client-attestation", "authorization"]) assert.ok(names.has(expected), `a seeded request carries ${expected}`);
    const tally = new StatusTally();
    const mutated = mutatedJwt(target.seeds.jwts);
    const jwtFor = (slot: Slot) => {
      const name = "param" in slot ? slot.param : "header" in slot ? slot.header.toLowerCase() : slot.member;
      const resigned = target.seeds.signed.filter((seed) => seed.role === name).map(resignedJwt);
      return resigned.length === 0 ? mutated : fc.oneof(mutated, ...resigned, ...resigned);
    };
    const cases = fc.constantFrom(...slots).chain((place) => fc.tuple(fc.constant(place), jwtFor(place.slot)));
    const property = fc.asyncProperty(cases, async ([{ template, slot }, jwt]) => {
      const request = withJwt(target.freshen(template), slot, jwt);
      const response = await rawExchange(target.test.publicUrl, request);
      tally.record(`${template.method} ${template.path} ${JSON.stringify(slot)}`, response.status);
      checkResponse(request, response);
    });
    await runFuzz("jwt-inputs", property, 200);
    console.log(tally.summary());
  });
});
