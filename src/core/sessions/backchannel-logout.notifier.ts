import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Client } from "../../plugin-sdk/client.js";
import { ClientCache } from "../clients/client-cache.js";
import { DI } from "../di-tokens.js";
import { isSigningAlg, JwtSigner } from "../keys/jwt-signer.js";
import type { Clock, RandomSource } from "../ports/clock.js";
import type { Logger } from "../ports/logger.js";
import { SafeFetcher, SafeFetchError } from "../security/safe-fetch.js";
import { SubjectResolver } from "../users/subject-resolver.js";
import type { Session } from "./session.js";
import { CLIENT_METADATA_DEFAULTS, idTokenAlgOf } from "../../plugin-sdk/client-metadata-defaults.js";

/** The event of a logout token (OIDC Back-Channel Logout §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";
/** `typ` header of logout tokens (OIDC Back-Channel Logout §2.4, explicit typing per RFC 8725 §3.11). */
export const LOGOUT_TOKEN_TYP = "logout+jwt";
/** Seconds a logout token is valid (`exp` − `iat`): long enough for clock skew, short against replay (§2.4 recommends ≤ 2 min). */
export const LOGOUT_TOKEN_TTL = 120;
/** Deliveries in flight at once per node, so a mass logout cannot open unbounded sockets. */
export const MAX_CONCURRENT_DELIVERIES = 16;
/** Deliveries waiting at most; beyond it new ones are dropped and logged (memory stays bounded when RPs hang). */
export const MAX_QUEUED_DELIVERIES = 10_000;

/**
 * Sends back-channel logout tokens (OIDC Back-Channel Logout 1.0 §2.4–2.5) in the background: `notify` returns at
 * once, deliveries run with bounded concurrency, each bounded by BACKCHANNEL_LOGOUT_TIMEOUT through SafeFetcher (no
 * private addresses, no redirects). Failures and timeouts are logged — never the token — and never reach the caller.
 */
@injectable()
export class BackchannelLogoutNotifier {
  readonly #queue: (() => Promise<void>)[] = [];
  #running = 0;
  #idleWaiters: (() => void)[] = [];

  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Random) private readonly random: RandomSource,
    @inject(DI.Logger) private readonly logger: Logger,
    @inject(ClientCache) private readonly clients: ClientCache,
    @inject(SubjectResolver) private readonly subjects: SubjectResolver,
    @inject(JwtSigner) private readonly signer: JwtSigner,
    @inject(SafeFetcher) private readonly fetcher: SafeFetcher,
  ) {}

  /** Queues one logout token per client of the ended `session` that registered a backchannel_logout_uri (§2.3); MUST NOT block or throw. */
  notify(session: Session, clientIds: readonly string[]): void {
    for (const clientId of clientIds) {
      if (this.#queue.length >= MAX_QUEUED_DELIVERIES) {
        this.logger.warn({ clientId }, "back-channel logout dropped: delivery queue full");
        continue;
      }
      this.#queue.push(() => this.#deliver(session, clientId));
      this.#pump();
    }
  }

  /** Resolves once no delivery is queued or in flight (tests; production paths never wait for RPs). */
  idle(): Promise<void> {
    if (this.#running === 0 && this.#queue.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  /** The logout token for `client` (§2.4): iss, aud, iat, exp, jti, events, sub and sid; never a nonce. */
  async #logoutToken(client: Client, session: Session): Promise<string> {
    const registered = idTokenAlgOf(client.metadata);
    const alg = isSigningAlg(registered) ? registered : CLIENT_METADATA_DEFAULTS.id_token_signed_response_alg;
    const iat = Math.floor(this.clock.now() / 1000);
    return this.signer.sign(alg, LOGOUT_TOKEN_TYP, {
      iss: this.config.issuer,
      sub: await this.subjects.forClient(client, session.userId),
      aud: client.clientId,
      iat,
      exp: iat + LOGOUT_TOKEN_TTL,
      jti: this.random.id(),
      events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
      sid: session.id,
    });
  }

  #pump(): void {
    while (this.#running < MAX_CONCURRENT_DELIVERIES && this.#queue.length > 0) {
      const delivery = this.#queue.shift()!;
      this.#running++;
      void delivery().finally(() => {
        this.#running--;
        this.#pump();
        if (this.#running === 0 && this.#queue.length === 0) for (const resolve of this.#idleWaiters.splice(0)) resolve();
      });
    }
  }

  /** POSTs `logout_token` to the client's backchannel_logout_uri (§2.5); resolves in every case. */
  async #deliver(session: Session, clientId: string): Promise<void> {
    try {
      const client = await this.clients.find(clientId);
      const uri = client?.metadata.backchannel_logout_uri;
      if (!client || !uri) return;
      const logoutToken = await this.#logoutToken(client, session);
      const response = await this.fetcher.postForm(uri, { logout_token: logoutToken }, this.config.backchannelLogoutTimeout * 1000);
      this.logger.debug({ clientId, status: response.status }, "back-channel logout delivered");
    } catch (error) {
      const detail = error instanceof SafeFetchError ? { reason: error.reason, detail: error.message } : { err: error };
      this.logger.warn({ clientId, ...detail }, "back-channel logout delivery failed");
    }
  }
}
