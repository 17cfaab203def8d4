import { verify } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { DI } from "../di-tokens.js";
import { isSigningAlg, JWS_ALGORITHMS, jwsKeyInput } from "./jwt-signer.js";
import type { KeyService, SigningAlg } from "./key-service.js";

/** Longest token accepted before any parsing (a 16 KiB header block bounds it anyway). */
export const MAX_TOKEN_LENGTH = 16_384;

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** True when `token` has the shape of a compact JWS: three non-empty base64url parts (RFC 7515 §7.1). */
export function isCompactJws(token: string): boolean {
  return token.length <= MAX_TOKEN_LENGTH && COMPACT_JWS.test(token);
}

export type JwsVerification =
  | { valid: true; alg: SigningAlg; kid: string; payload: Record<string, unknown> }
  | { valid: false; reason: string };

const fail = (reason: string): JwsVerification => ({ valid: false, reason });

/** The JSON object in a base64url segment of a compact JWS, or undefined for anything else (RFC 7515 §7.1). */
export function decodeObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `application/at+jwt` and `at+jwt` name the same type (RFC 7515 §4.1.9). */
function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith("application/") ? lower.slice("application/".length) : lower;
}

/**
 * Verifies compact JWS issued by this server (RFC 7515 §5.2) with node:crypto, the key found by `kid`.
 * MUST NOT throw on hostile input: every malformed, unsigned (`alg: none`) or mis-signed token is a returned failure.
 */
@injectable()
export class JwtVerifier {
  constructor(@inject(DI.Keys) private readonly keys: KeyService) {}

  /** Checks shape, header, key/alg agreement, signature and (when given) `typ`; claims are the caller's to check. */
  async verify(token: string, options: { typ?: string } = {}): Promise<JwsVerification> {
    if (typeof token !== "string" || !isCompactJws(token)) return fail("not a compact JWS");
    const [encodedHeader, encodedPayload, encodedSignature] = token.split(".") as [string, string, string];
    const header = decodeObject(encodedHeader);
    if (!header) return fail("malformed header");
    const { alg, kid, typ } = header;
    if (!isSigningAlg(alg)) return fail("unsupported alg");
    if (typeof kid !== "string") return fail("missing kid");
    if (header.crit !== undefined) return fail("unsupported crit header");
    if (options.typ !== undefined && (typeof typ !== "string" || normalizeTyp(typ) !== normalizeTyp(options.typ))) return fail("wrong typ");
    const key = await this.keys.publicKey(kid);
    if (!key) return fail("unknown kid");
    if (key.alg !== alg) return fail("alg does not match the key");
    let signed: boolean;
    try {
      const input = Buffer.from(token.slice(0, encodedHeader.length + 1 + encodedPayload.length));
      signed = verify(JWS_ALGORITHMS[alg].digest, input, jwsKeyInput(alg, key.key), Buffer.from(encodedSignature, "base64url"));
    } catch {
      signed = false;
    }
    if (!signed) return fail("bad signature");
    const payload = decodeObject(encodedPayload);
    return payload ? { valid: true, alg, kid, payload } : fail("malformed payload");
  }
}
