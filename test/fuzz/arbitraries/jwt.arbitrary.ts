import fc from "fast-check";
import type { SignedJwtSeed } from "../support/seed-flows.js";
import { jsonValue } from "./json.arbitrary.js";

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64url");
const decode = (segment: string): Record<string, unknown> => {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(segment, "base64url").toString());
    return parsed !== null && typeof parsed === "object" ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

/** Members whose values a JOSE implementation reads (RFC 7515 §4.1, RFC 7519 §4.1, RFC 9449 §4.2, RFC 7800 §3). */
const HEADER_MEMBERS = ["alg", "typ", "kid", "jwk", "jku", "x5c", "x5u", "crit", "b64", "cty", "enc", "zip"];
const CLAIMS = ["iss", "sub", "aud", "exp", "nbf", "iat", "jti", "htm", "htu", "ath", "nonce", "cnf", "client_id", "scope", "act", "may_act", "redirect_uri", "response_type", "request_uri", "software_id", "challenge"];
const ALGS = ["none", "None", "NONE", "HS256", "RS256", "PS256", "ES256", "ES512", "EdDSA", "", "dir", "A128KW", "RSA-OAEP"];
const TYPS = ["JWT", "dpop+jwt", "at+jwt", "oauth-client-attestation+jwt", "oauth-client-attestation-pop+jwt", "oauth-authz-req+jwt", "logout+jwt", "", "jwt"];

type Parts = [header: string, payload: string, signature: string];

/** A JWT near one of `valid`: as is, with parts swapped, alg none, another typ, members set to random JSON, truncated, garbled, huge. */
export function mutatedJwt(valid: readonly string[]): fc.Arbitrary<string> {
  const parts = fc.constantFrom(...valid).map((jwt) => jwt.split(".").concat("", "", "").slice(0, 3) as Parts);
  const other = fc.constantFrom(...valid).map((jwt) => jwt.split(".").concat("", "", "").slice(0, 3) as Parts);
  const withHeader = (mutate: (h: Record<string, unknown>) => Record<string, unknown>) => ([h, p, s]: Parts): string => `${b64(mutate(decode(h)))}.${p}.${s}`;
  const withClaims = (mutate: (c: Record<string, unknown>) => Record<string, unknown>) => ([h, p, s]: Parts): string => `${h}.${b64(mutate(decode(p)))}.${s}`;
  return fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...valid) },
    fc.tuple(parts, other, fc.nat(2)).map(([a, b, which]) => a.map((part, i) => (i === which ? b[i] : part)).join(".")),
    fc.tuple(parts, fc.constantFrom(...ALGS)).map(([p, alg]) => withHeader((h) => ({ ...h, alg }))(p).replace(/\.[^.]*$/, alg.toLowerCase() === "none" ? "." : `.${p[2]}`)),
    fc.tuple(parts, fc.constantFrom(...TYPS)).map(([p, typ]) => withHeader((h) => ({ ...h, typ }))(p)),
    fc.tuple(parts, fc.constantFrom(...HEADER_MEMBERS), jsonValue).map(([p, member, value]) => withHeader((h) => ({ ...h, [member]: value }))(p)),
    fc.tuple(parts, fc.constantFrom(...CLAIMS), jsonValue).map(([p, claim, value]) => withClaims((c) => ({ ...c, [claim]: value }))(p)),
    fc.tuple(parts, fc.constantFrom(...CLAIMS)).map(([p, claim]) => withClaims((c) => ({ ...c, [claim]: "x".repeat(20_000) }))(p)),
    fc.tuple(parts, fc.nat()).map(([p, n]) => {
      const jwt = p.join(".");
      return jwt.slice(0, n % (jwt.length + 1));
    }),
    fc.tuple(parts, fc.nat(2), fc.string({ unit: "binary", maxLength: 40 })).map(([p, which, garbage]) => p.map((part, i) => (i === which ? garbage : part)).join(".")),
    fc.tuple(parts, fc.nat(2), jsonValue).map(([p, which, value]) => p.map((part, i) => (i === which ? b64(value) : part)).join(".")),
    fc.tuple(parts, fc.nat()).map(([[h, p, s], n]) => `${h}.${p}.${flipBit(s, n)}`),
    parts.map(([h, p, s]) => `${h}.${p}.${s}.${s}.${p}`),
  );
}

/** The base64url signature with one bit of its bytes flipped. */
function flipBit(signature: string, n: number): string {
  const bytes = Buffer.from(signature, "base64url");
  if (bytes.length === 0) return signature;
  bytes[n % bytes.length]! ^= 1 << (n % 8);
  return bytes.toString("base64url");
}

/**
 * A JWT whose key the fuzzer holds, its header or claims mutated (a member set to any JSON, dropped, or made huge) and
 * then signed again with a fresh `jti`: reaches the claim checks that come after signature verification.
 */
export function resignedJwt(seed: SignedJwtSeed): fc.Arbitrary<string> {
  type Members = Record<string, unknown>;
  const change = fc.oneof(
    { weight: 2, arbitrary: fc.constant((m: Members) => m) },
    { weight: 3, arbitrary: fc.tuple(fc.constantFrom(...Object.keys(seed.claims), ...CLAIMS), jsonValue).map(([name, value]) => (m: Members) => ({ ...m, [name]: value })) },
    fc.constantFrom(...Object.keys(seed.claims)).map((name) => (m: Members) => Object.fromEntries(Object.entries(m).filter(([n]) => n !== name))),
    fc.constantFrom(...Object.keys(seed.claims)).map((name) => (m: Members) => ({ ...m, [name]: "x".repeat(20_000) })),
  );
  const headerChange = fc.oneof(
    { weight: 4, arbitrary: fc.constant((h: Members) => h) },
    fc.tuple(fc.constantFrom(...HEADER_MEMBERS), jsonValue).map(([name, value]) => (h: Members) => ({ ...h, [name]: value })),
    fc.constantFrom(...TYPS).map((typ) => (h: Members) => ({ ...h, typ })),
  );
  return fc.tuple(fc.uuid(), change, headerChange).map(([jti, mutateClaims, mutateHeader]) => seed.sign(mutateHeader(seed.header), mutateClaims({ ...seed.claims, jti })));
}
