import fc from "fast-check";
import { CORE_METADATA_FIELDS } from "../../../src/core/clients/client-metadata.schema.js";
import type { BodyKind } from "../../../src/plugin-sdk/endpoint.js";
import { formBytes, type FormVocabulary } from "../arbitraries/form.arbitrary.js";
import { headerLines } from "../arbitraries/header.arbitrary.js";
import { jsonDocument } from "../arbitraries/json.arbitrary.js";
import { mutatedJwt } from "../arbitraries/jwt.arbitrary.js";
import { mutatedTemplate } from "../arbitraries/template.arbitrary.js";
import type { FuzzRoute, FuzzTarget } from "./fuzz-target.js";
import type { RawHttpRequest } from "./raw-http.js";
import { REDIRECT } from "./seed-flows.js";

/** Parameters whose values are JWTs (RFC 7523 §2.2, RFC 9101 §5, RFC 8693 §2.1, RFC 7521 §4.1, OIDC Core §3.1.2.1, RFC 7591 §2.3). */
export const JWT_PARAMETERS = ["client_assertion", "request", "assertion", "subject_token", "actor_token", "id_token_hint", "software_statement", "token", "logout_token"];

const CONTENT_TYPE: Record<BodyKind, string | undefined> = { form: "application/x-www-form-urlencoded", "optional-form": "application/x-www-form-urlencoded", json: "application/json", none: undefined };
const OTHER_METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "get", "FUZZ"];

/** What requests are made of: the target's parameter names, seed values, JWT mutations and registration metadata. */
export interface RequestVocabulary {
  form: FormVocabulary;
  jwt: fc.Arbitrary<string>;
  authorizations: readonly string[];
  metadataNames: readonly string[];
  metadataExamples: Record<string, readonly unknown[]>;
}

/** The vocabulary of a seeded target, discovered from it: parameters the grants declare, metadata fields it knows. */
export function vocabularyOf(target: FuzzTarget): RequestVocabulary {
  const jwt = mutatedJwt(target.seeds.jwts);
  const values = { ...target.seeds.values, grant_type: target.grantTypes };
  const methods = target.test.app.registries.clientAuthenticators.map((a) => a.method);
  return {
    form: { names: target.parameterNames, values, special: Object.fromEntries(JWT_PARAMETERS.map((name) => [name, jwt])) },
    jwt,
    authorizations: target.seeds.authorizations,
    metadataNames: [...new Set([...CORE_METADATA_FIELDS, ...target.test.app.registries.clientMetadataFields.keys()])],
    metadataExamples: {
      redirect_uris: [[REDIRECT], [REDIRECT, "http://127.0.0.1/cb"], ["https://app.example.test/cb#f"], ["javascript:alert(1)"], []],
      grant_types: [target.grantTypes, ["authorization_code"], ["client_credentials"], ["implicit"]],
      response_types: [["code"], ["token"], ["code id_token"]],
      token_endpoint_auth_method: methods,
      scope: target.seeds.values.scope!,
      software_statement: target.seeds.jwts,
      jwks: [{ keys: [] }, { keys: [{ kty: "EC", crv: "P-256", x: "AA", y: "AA" }] }],
      jwks_uri: ["https://127.0.0.1/jwks", "http://169.254.169.254/"],
      client_id: target.seeds.values.client_id!,
      contacts: [["a@example.test"]],
      client_name: ["App"],
    },
  };
}

/** A path near `path`: as is, or with a trailing slash, a dot segment, doubled slashes, other case or percent-encoding. */
function mutatedPath(path: string): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 10, arbitrary: fc.constant(path) },
    fc.constantFrom(`${path}/`, `${path}/..`, `/${path}`, path.toUpperCase(), path.replace(/\//g, "%2F"), `${path}%00`, `${path}/%2e%2e/x`, `${path};x`, `${path}#frag`),
  );
}

/** A method, a concrete path, query, headers and body for `route`, mostly shaped as the route wants, sometimes not. */
export function requestFor(route: FuzzRoute, vocabulary: RequestVocabulary): fc.Arbitrary<RawHttpRequest> {
  const method = fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...route.methods) }, { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) });
  return fc.tuple(method, fc.constantFrom(...route.paths)).chain(([m, path]) => {
    const kind: BodyKind = route.body[m] ?? (m === "POST" || m === "PUT" ? "form" : "none");
    const body = kind === "json" ? jsonDocument(vocabulary.metadataNames, vocabulary.metadataExamples) : formBytes(vocabulary.form);
    const contentType = CONTENT_TYPE[kind];
    return fc.record({
      method: fc.constant(m),
      target: fc.tuple(mutatedPath(path), fc.option(formBytes(vocabulary.form), { freq: kind === "none" ? 6 : 2 })).map(([p, query]) => (query === null ? p : `${p}?${query.toString("latin1")}`)),
      headers: fc.tuple(fc.boolean(), fc.boolean(), headerLines(vocabulary)).map(([typed, authorized, lines]) => [
        ...(contentType && typed ? [["Content-Type", contentType] as [string, string]] : []),
        ...(authorized ? [["Authorization", vocabulary.authorizations[lines.length % vocabulary.authorizations.length]!] as [string, string]] : []),
        ...lines,
      ]),
      body: kind === "none" ? fc.oneof({ weight: 5, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: body }) : body,
    });
  });
}

/** A request to any route of the target: built from nothing (every route) or, more often, a seeded valid request mutated a little. */
export function anyRequest(target: FuzzTarget, vocabulary: RequestVocabulary): fc.Arbitrary<RawHttpRequest> {
  const mutations = { form: vocabulary.form, headers: { authorizations: vocabulary.authorizations, jwt: vocabulary.jwt }, jwtParameters: JWT_PARAMETERS, metadataNames: vocabulary.metadataNames, freshen: target.freshen };
  return fc.oneof({ weight: 1, arbitrary: fc.constantFrom(...target.routes).chain((route) => requestFor(route, vocabulary)) }, { weight: 2, arbitrary: mutatedTemplate(target.seeds.templates, mutations) });
}
