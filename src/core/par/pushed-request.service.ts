import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { DI } from "../di-tokens.js";
import type { RandomSource } from "../ports/clock.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import { secretDigest } from "../security/digest.js";
import { UNBOUND, type SenderBinding } from "../../plugin-sdk/sender-binding.js";

/** Authorization request parameters as pushed to /par (RFC 9126 §2.1). */
export type PushedParams = Record<string, string | string[]>;

/** The prefix of every request_uri this server issues (RFC 9126 §2.2). */
export const REQUEST_URI_PREFIX = "urn:ietf:params:oauth:request_uri:";
/** Longest request_uri accepted before any lookup; ours are 77 characters (RFC 9126 §2.2). */
export const MAX_REQUEST_URI_LENGTH = 200;
/** Random bytes in a request_uri: 256 bits, so it cannot be guessed (RFC 9126 §2.2, §7.1). */
const REQUEST_URI_BYTES = 32;
const RANDOM_PART = /^[A-Za-z0-9_-]+$/;

/** What is stored per request_uri, by its digest (RFC 9126 §2.2). */
interface PushedRecord {
  clientId: string;
  params: PushedParams;
}

const parKey = (digest: string) => `par:${digest}`;
/** One safe description for every request_uri failure; the presented value is never echoed (RFC 9126 §4). */
const invalidUri = () => OAuthErrors.invalidRequestUri("request_uri is invalid, expired, already used or was issued to another client");

/**
 * Pushed authorization requests (RFC 9126) kept only by the SHA-256 digest of their request_uri in the EphemeralStore:
 * reloads before completion succeed (§7.3), completion consumes the request with GETDEL so it never yields two codes.
 */
@injectable()
export class PushedRequestService {
  constructor(
    @inject(DI.Ephemeral) private readonly store: EphemeralStore,
    @inject(DI.Random) private readonly random: RandomSource,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /**
   * Stores `params` for `clientId` and returns a 256-bit request_uri valid for `PAR_TTL` seconds (RFC 9126 §2.2). A push
   * with a DPoP proof binds the request, and so its code, to the proof's key (RFC 9449 §10.1); a `dpop_jkt` beside it
   * must name that key.
   */
  async push(clientId: string, params: PushedParams, proven: SenderBinding = UNBOUND): Promise<{ requestUri: string; expiresIn: number }> {
    if (Object.hasOwn(params, "request_uri")) throw OAuthErrors.invalidRequest("request_uri must not be sent to the pushed authorization request endpoint");
    if (proven.jkt !== undefined) {
      if (params.dpop_jkt !== undefined && params.dpop_jkt !== proven.jkt) throw OAuthErrors.invalidDpopProof("dpop_jkt does not match the key of the DPoP proof");
      params = { ...params, dpop_jkt: proven.jkt };
    }
    const requestUri = REQUEST_URI_PREFIX + this.random.token(REQUEST_URI_BYTES);
    const record: PushedRecord = { clientId, params };
    const expiresIn = this.config.parTtl;
    await this.store.put(parKey(secretDigest(requestUri)), JSON.stringify(record), expiresIn * 1000);
    return { requestUri, expiresIn };
  }

  /** The pushed parameters, without consuming them so a reload before completion works (RFC 9126 §4, §7.3). */
  async load(requestUri: string, clientId: string): Promise<PushedParams> {
    return (await this.find(requestUri, clientId)).params;
  }

  /** Consumes the request when its authorization code is issued; a second completion fails (RFC 9126 §7.3, corpus S105). */
  async complete(requestUri: string, clientId: string): Promise<void> {
    await this.find(requestUri, clientId);
    const taken = await this.store.take(parKey(secretDigest(requestUri)));
    if (taken === undefined || (JSON.parse(taken) as PushedRecord).clientId !== clientId) throw invalidUri();
  }

  /** The stored record of a well-formed, live request_uri issued to `clientId` (RFC 9126 §4); invalid_request_uri otherwise. */
  private async find(requestUri: string, clientId: string): Promise<PushedRecord> {
    if (!isWellFormed(requestUri)) throw invalidUri();
    const stored = await this.store.get(parKey(secretDigest(requestUri)));
    if (stored === undefined) throw invalidUri();
    const record = JSON.parse(stored) as PushedRecord;
    if (record.clientId !== clientId) throw invalidUri();
    return record;
  }
}

/** Our urn prefix, a base64url random part and at most MAX_REQUEST_URI_LENGTH characters (RFC 9126 §2.2). */
function isWellFormed(requestUri: string): boolean {
  return (
    typeof requestUri === "string" &&
    requestUri.length <= MAX_REQUEST_URI_LENGTH &&
    requestUri.startsWith(REQUEST_URI_PREFIX) &&
    RANDOM_PART.test(requestUri.slice(REQUEST_URI_PREFIX.length))
  );
}
