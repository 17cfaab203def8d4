import fc from "fast-check";
import type { RawHttpRequest } from "../support/raw-http.js";
import type { RequestTemplate } from "../support/seed-flows.js";
import { encodeFormComponent, formPairs, type FormVocabulary } from "./form.arbitrary.js";
import { headerLine, type HeaderVocabulary } from "./header.arbitrary.js";
import { jsonValue, POLLUTION_KEYS } from "./json.arbitrary.js";
import { mutatedString } from "./mutated-string.arbitrary.js";

/** A valid request being mutated: its JSON body also collects extra members as raw text (so `__proto__` stays a member). */
interface Draft extends Omit<RequestTemplate, "headers"> {
  headers: [string, string | Buffer][];
  extraJson: string[];
}

type Mutation = (draft: Draft) => Draft;

const at = <T>(list: readonly T[], n: number) => n % Math.max(list.length, 1);

/** What a mutation may draw on: parameter and header vocabularies, JWT-valued parameter names, metadata names. */
export interface MutationVocabulary {
  form: FormVocabulary;
  headers: HeaderVocabulary;
  jwtParameters: readonly string[];
  metadataNames: readonly string[];
  /** Re-signs what a replay check would refuse (client assertions, DPoP proofs) before a template is mutated. */
  freshen(template: RequestTemplate): RequestTemplate;
}

/** One small change to `template`: drop, repeat or alter a parameter, add one, drop or add a header, add a JSON member. */
function mutation(template: RequestTemplate, vocabulary: MutationVocabulary): fc.Arbitrary<Mutation> {
  const withParams = (d: Draft, params: [string, string][]): Draft => ({ ...d, params });
  const value = (name: string, current: string) => (vocabulary.jwtParameters.includes(name) ? fc.oneof(vocabulary.headers.jwt, mutatedString([current])) : mutatedString([current]));
  const altered = template.params.length === 0 ? [] : [{ weight: 4, arbitrary: fc.constantFrom(...template.params).chain(([name, current]) => value(name, current).map((next): Mutation => (d) => withParams(d, d.params.map(([n, v]): [string, string] => (n === name && v === current ? [n, next] : [n, v]))))) }];
  return fc.oneof(
    ...altered,
    fc.nat().map((n): Mutation => (d) => withParams(d, d.params.filter((_, i) => i !== at(d.params, n)))),
    fc.nat().map((n): Mutation => (d) => withParams(d, d.params.length ? [...d.params, d.params[at(d.params, n)]!] : d.params)),
    formPairs(vocabulary.form, 2).map((pairs): Mutation => (d) => withParams(d, [...d.params, ...pairs])),
    fc.nat().map((n): Mutation => (d) => ({ ...d, headers: d.headers.filter((_, i) => i !== at(d.headers, n)) })),
    { weight: 2, arbitrary: headerLine(vocabulary.headers).map((line): Mutation => (d) => ({ ...d, headers: [...d.headers, line] })) },
    fc.tuple(fc.oneof(fc.constantFrom(...vocabulary.metadataNames), fc.constantFrom(...POLLUTION_KEYS)), jsonValue).map(([name, v]): Mutation => (d) => ({ ...d, extraJson: [...d.extraJson, `${JSON.stringify(name)}:${JSON.stringify(v)}`] })),
  );
}

/** A seeded valid request with zero to three small mutations, as raw bytes (GET parameters in the query, others in the body). */
export function mutatedTemplate(templates: readonly RequestTemplate[], vocabulary: MutationVocabulary): fc.Arbitrary<RawHttpRequest> {
  const pick = fc.constantFrom(...templates).chain((template) => fc.tuple(fc.constant(template), fc.array(mutation(template, vocabulary), { maxLength: 3 })));
  return pick.map(([template, mutations]) => {
    const draft = mutations.reduce((d, mutate) => mutate(d), { ...vocabulary.freshen(template), extraJson: [] } as Draft);
    const form = draft.params.map(([n, v]) => `${encodeFormComponent(n)}=${encodeFormComponent(v)}`).join("&");
    if (draft.json !== undefined) {
      const base = JSON.stringify(draft.json);
      const text = draft.extraJson.length === 0 ? base : `${base.slice(0, -1)}${base === "{}" ? "" : ","}${draft.extraJson.join(",")}}`;
      return { method: draft.method, target: draft.path, headers: [["Content-Type", "application/json"], ...draft.headers], body: Buffer.from(text) };
    }
    if (draft.method === "GET") return { method: draft.method, target: form ? `${draft.path}?${form}` : draft.path, headers: draft.headers };
    return { method: draft.method, target: draft.path, headers: [["Content-Type", "application/x-www-form-urlencoded"], ...draft.headers], body: Buffer.from(form) };
  });
}
