import { createPrivateKey, createPublicKey, generateKeyPair, type JsonWebKey, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import type { JSONWebKeySet, JWK } from "jose";
import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { AuditRecorderToken, type AuditRecorder } from "../audit/audit-trail.js";
import { ChangeFeed } from "../changes/change-feed.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import type { DurableStorage, SigningKeyRecord } from "../ports/repositories.js";
import { MAX_ACCESS_TOKEN_TTL } from "../tokens/access-token.js";
import { isSigningAlg } from "./jwt-signer.js";
import { jwkThumbprint } from "./jwk-thumbprint.js";
import type { ActiveSigningKey, KeyService, Sealer, SigningAlg } from "./key-service.js";

const generate = promisify(generateKeyPair);

/** Key pairs per alg: P-256, RSA 2048, Ed25519 (RFC 7518 §3.1, RFC 8037 §3.1); async so rotation never stalls the event loop. */
const GENERATORS: Record<SigningAlg, () => Promise<{ publicKey: KeyObject; privateKey: KeyObject }>> = {
  ES256: () => generate("ec", { namedCurve: "P-256" }),
  RS256: () => generate("rsa", { modulusLength: 2048 }),
  PS256: () => generate("rsa", { modulusLength: 2048 }),
  EdDSA: () => generate("ed25519"),
};

/** Members of a public JWK that are ever published (RFC 7517 §4, §5); private members never are. */
const PUBLIC_MEMBERS = ["kty", "crv", "x", "y", "n", "e"] as const;

const RELOAD_INTERVAL_MS = 30_000;
/** An unknown kid triggers at most one storage read per this interval (a flood of random kids costs nothing). */
const MISS_RELOAD_INTERVAL_MS = 5_000;
const BOOTSTRAP_SECRET_PREFIX = "signing-key-bootstrap:";

function publicMembers(jwk: JsonWebKey): JsonWebKey {
  return Object.fromEntries(PUBLIC_MEMBERS.filter((m) => jwk[m] !== undefined).map((m) => [m, jwk[m]]));
}

interface PublishedKey {
  alg: SigningAlg;
  key: KeyObject;
  jwk: JWK;
  createdAt: number;
}

interface KeyState {
  published: ReadonlyMap<string, PublishedKey>;
  active: ReadonlyMap<SigningAlg, ActiveSigningKey>;
  jwks: JSONWebKeySet;
}

/**
 * Signing keys kept in `signingKeys`, private JWKs sealed with the kid as associated data (RFC 7517, OIDC Core §10.1.1).
 *
 * Multi-node bootstrap: nodes starting together on an empty database must end with ONE active key per alg, and
 * an insert-then-check cannot undo a duplicate (the repository cannot retire a single key). So the first key is
 * elected through `serverSecrets.getOrCreate("signing-key-bootstrap:<alg>", candidate)`, a race-safe
 * insert-if-absent: every node offers a freshly generated sealed record, every node receives the same winner and
 * inserts it; a slower node's duplicate insert fails and is ignored once the key is visible. An elected record
 * that is already retired, or older than the publication overlap, means its keys were deleted by hand: then a
 * fresh key is activated through `signingKeys.rotate` instead of resurrecting an old one.
 * Later rotations use `signingKeys.rotate` (retire + insert in one transaction); two nodes rotating at once leave
 * one active key and one extra retired, published key, which is harmless.
 */
@injectable()
export class SigningKeyService implements KeyService {
  #state: KeyState = { published: new Map(), active: new Map(), jwks: { keys: [] } };
  #timer: NodeJS.Timeout | undefined;
  #maintaining = false;
  #lastMissReload = Number.NEGATIVE_INFINITY;
  #missReload: Promise<void> | undefined;

  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Durable) private readonly durable: DurableStorage,
    @inject(DI.Sealer) private readonly sealer: Sealer,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Logger) private readonly logger: Logger,
    @inject(ChangeFeed) changes: ChangeFeed,
    @inject(AuditRecorderToken) private readonly audit: AuditRecorder,
  ) {
    // A rotation by the CLI or another node: the next token is signed with the new key.
    changes.on("signing-key", () => this.reload());
  }

  /** Retired keys stay published this long: the longest token they can have signed, plus clock tolerance. */
  get overlapMs(): number {
    return (MAX_ACCESS_TOKEN_TTL + this.config.clockTolerance) * 1000;
  }

  async start(): Promise<void> {
    this.stop();
    await this.reload();
    for (const alg of this.config.signingAlgs) if (!this.#state.active.has(alg)) await this.#bootstrap(alg);
    const rotationMs = this.config.keyRotationInterval * 1000;
    const period = rotationMs > 0 ? Math.min(RELOAD_INTERVAL_MS, rotationMs) : RELOAD_INTERVAL_MS;
    this.#timer = setInterval(() => void this.maintain(), period).unref();
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  activeKey(alg: SigningAlg): ActiveSigningKey {
    const key = this.#state.active.get(alg);
    if (!key) throw new Error(`no active signing key for ${alg} (is it in SIGNING_ALGS, and was the key service started?)`);
    return key;
  }

  async publicKey(kid: string): Promise<{ alg: SigningAlg; key: KeyObject } | undefined> {
    const known = this.#state.published.get(kid);
    if (known) return known;
    if (!this.#missReload) {
      const now = this.clock.now();
      if (now - this.#lastMissReload < MISS_RELOAD_INTERVAL_MS) return undefined;
      this.#lastMissReload = now;
      this.#missReload = this.reload().finally(() => (this.#missReload = undefined));
    }
    await this.#missReload;
    return this.#state.published.get(kid);
  }

  jwks(): JSONWebKeySet {
    return this.#state.jwks;
  }

  async rotate(alg?: SigningAlg): Promise<void> {
    for (const each of alg ? [alg] : this.config.signingAlgs) {
      const record = await this.#createRecord(each);
      await this.#activate(record);
      this.audit.record({ type: "signing-key.rotated", alg: each, kid: record.kid });
    }
    await this.reload();
  }

  async reload(): Promise<void> {
    const records = await this.durable.signingKeys.listPublished(this.clock.now());
    records.sort((a, b) => b.createdAt - a.createdAt || (a.kid < b.kid ? -1 : 1));
    const previous = this.#state;
    const published = new Map<string, PublishedKey>();
    const active = new Map<SigningAlg, ActiveSigningKey>();
    for (const record of records) {
      const { alg, kid } = record;
      if (!isSigningAlg(alg) || published.has(kid)) continue;
      published.set(kid, previous.published.get(kid) ?? loadPublic(record, alg));
      if (record.status !== "active" || active.has(alg)) continue;
      const current = previous.active.get(alg);
      active.set(alg, current?.kid === kid ? current : { kid, alg, privateKey: this.#loadPrivate(record) });
    }
    const jwks = Object.freeze({ keys: Object.freeze([...published.values()].map((p) => p.jwk)) }) as JSONWebKeySet;
    this.#state = { published, active, jwks };
  }

  /** Elects and inserts the first key of `alg` race-free across nodes (see the class comment). */
  async #bootstrap(alg: SigningAlg): Promise<void> {
    const candidate = await this.#createRecord(alg);
    const stored = await this.durable.serverSecrets.getOrCreate(BOOTSTRAP_SECRET_PREFIX + alg, JSON.stringify(candidate));
    const elected = JSON.parse(stored) as SigningKeyRecord;
    // Another node's insert of the elected key may have been reloaded meanwhile (the change feed): nothing to do.
    if (this.#state.active.has(alg)) return;
    if (this.#state.published.has(elected.kid) || this.clock.now() - elected.createdAt >= this.overlapMs) {
      await this.#activate(candidate);
    } else {
      try {
        await this.durable.signingKeys.insert(elected);
      } catch (error) {
        await this.reload();
        if (!this.#state.active.has(alg)) throw error;
        return;
      }
    }
    await this.reload();
  }

  /** Makes `record` the only active key of its alg; the previous one stays published for the overlap. */
  async #activate(record: SigningKeyRecord): Promise<void> {
    const now = this.clock.now();
    await this.durable.signingKeys.rotate(record.alg, record, { retiredAt: now, expiresAt: now + this.overlapMs });
  }

  async #createRecord(alg: SigningAlg): Promise<SigningKeyRecord> {
    const { publicKey, privateKey } = await GENERATORS[alg]();
    const jwk = publicMembers(publicKey.export({ format: "jwk" }));
    const kid = jwkThumbprint(jwk);
    return {
      kid,
      alg,
      privateJwk: this.sealer.seal(JSON.stringify(privateKey.export({ format: "jwk" })), kid),
      publicJwk: JSON.stringify({ ...jwk, kid, alg, use: "sig" }),
      status: "active",
      createdAt: this.clock.now(),
    };
  }

  #loadPrivate(record: SigningKeyRecord): KeyObject {
    let jwk: JsonWebKey;
    try {
      jwk = JSON.parse(this.sealer.unseal(record.privateJwk, record.kid)) as JsonWebKey;
    } catch (cause) {
      throw new Error(`cannot unseal signing key ${record.kid}: sealed under another KEY_ENCRYPTION_KEY, or altered`, { cause });
    }
    return createPrivateKey({ key: jwk, format: "jwk" });
  }

  /** One maintenance pass (run by the timer; never throws): pick up other nodes' and the CLI's changes, rotate when due, purge expired keys. */
  async maintain(): Promise<void> {
    if (this.#maintaining) return;
    this.#maintaining = true;
    try {
      await this.reload();
      const rotationMs = this.config.keyRotationInterval * 1000;
      for (const alg of rotationMs > 0 ? this.config.signingAlgs : []) {
        const current = this.#state.active.get(alg);
        const createdAt = current ? this.#state.published.get(current.kid)?.createdAt ?? 0 : 0;
        if (createdAt + rotationMs <= this.clock.now()) await this.rotate(alg);
      }
      await this.durable.signingKeys.purgeExpired(this.clock.now());
    } catch (error) {
      this.logger.warn({ err: error }, "signing-key maintenance failed; retrying at the next interval");
    } finally {
      this.#maintaining = false;
    }
  }
}

/** The public KeyObject and published JWK of a record; only public members survive (RFC 7517 §5). */
function loadPublic(record: SigningKeyRecord, alg: SigningAlg): PublishedKey {
  const jwk = publicMembers(JSON.parse(record.publicJwk) as JsonWebKey);
  const key = createPublicKey({ key: jwk, format: "jwk" });
  return { alg, key, jwk: Object.freeze({ ...jwk, kid: record.kid, alg, use: "sig" }) as JWK, createdAt: record.createdAt };
}
