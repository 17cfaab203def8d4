import { constants, sign, type KeyObject, type SignKeyObjectInput } from "node:crypto";
import { inject, injectable } from "tsyringe";
import { DI } from "../di-tokens.js";
import type { ActiveSigningKey, KeyService, SigningAlg } from "./key-service.js";

/** node:crypto parameters of each JWS alg this server signs with (RFC 7518 §3.1, RFC 8037 §3.1). */
export const JWS_ALGORITHMS: Readonly<Record<SigningAlg, { digest: string | null; options: Omit<SignKeyObjectInput, "key"> }>> = {
  ES256: { digest: "sha256", options: { dsaEncoding: "ieee-p1363" } },
  RS256: { digest: "sha256", options: {} },
  PS256: { digest: "sha256", options: { padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 } },
  EdDSA: { digest: null, options: {} },
};

/** True when `alg` is one of the algs this server signs with. */
export function isSigningAlg(alg: unknown): alg is SigningAlg {
  return typeof alg === "string" && Object.hasOwn(JWS_ALGORITHMS, alg);
}

/** The key argument of node:crypto `sign`/`verify` for `alg`. */
export function jwsKeyInput(alg: SigningAlg, key: KeyObject): SignKeyObjectInput {
  return { key, ...JWS_ALGORITHMS[alg].options };
}

interface PreparedKey {
  input: SignKeyObjectInput;
  /** Encoded `{alg, typ, kid}` header plus ".", by typ. */
  headers: Map<string, string>;
}

/** Signs compact JWS (RFC 7515 §7.1) with the active key of an alg, using node:crypto KeyObjects (DESIGN "Hot paths"). */
@injectable()
export class JwtSigner {
  /** Per active key (object identity is stable across reloads): its sign input and pre-encoded headers. */
  readonly #prepared = new WeakMap<ActiveSigningKey, PreparedKey>();

  constructor(@inject(DI.Keys) private readonly keys: KeyService) {}

  /** Returns `header.payload.signature` with header `{alg, typ, kid}`; throws when `alg` has no active key. */
  sign(alg: SigningAlg, typ: string, payload: object): string {
    const key = this.keys.activeKey(alg);
    const prepared = this.#prepare(key);
    let header = prepared.headers.get(typ);
    if (header === undefined) {
      header = Buffer.from(JSON.stringify({ alg: key.alg, typ, kid: key.kid })).toString("base64url") + ".";
      prepared.headers.set(typ, header);
    }
    const input = header + Buffer.from(JSON.stringify(payload)).toString("base64url");
    const signature = sign(JWS_ALGORITHMS[key.alg].digest, Buffer.from(input), prepared.input);
    return input + "." + signature.toString("base64url");
  }

  #prepare(key: ActiveSigningKey): PreparedKey {
    let prepared = this.#prepared.get(key);
    if (!prepared) {
      prepared = { input: jwsKeyInput(key.alg, key.privateKey), headers: new Map() };
      this.#prepared.set(key, prepared);
    }
    return prepared;
  }
}
