import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { ChangeFeed } from "../changes/change-feed.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { DurableStorage } from "../ports/repositories.js";
import type { TrustedIssuer } from "./trusted-issuer.js";

/**
 * The trusted issuers by `iss`, read once and kept for `clientCacheTtl` seconds; any change by any process (CLI, gRPC,
 * another node) drops the copy through the change feed, so the next request sees it (DESIGN "State").
 */
@injectable()
export class TrustedIssuerCatalog {
  private cached: { byIssuer: ReadonlyMap<string, TrustedIssuer>; until: number } | undefined;
  /** Bumped by every change, so a read that started before a change never stores what it read. */
  private generation = 0;

  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Config) private readonly config: Config,
    @inject(ChangeFeed) changes: ChangeFeed,
  ) {
    changes.on("trusted-issuer", () => {
      this.generation++;
      this.cached = undefined;
    });
  }

  /** The issuer trusted under exactly this `iss`, or undefined. */
  async find(issuer: string): Promise<TrustedIssuer | undefined> {
    return (await this.snapshot()).get(issuer);
  }

  private async snapshot(): Promise<ReadonlyMap<string, TrustedIssuer>> {
    const now = this.clock.now();
    if (this.cached && this.cached.until > now) return this.cached.byIssuer;
    const generation = this.generation;
    const byIssuer = new Map((await this.storage.trustedIssuers.list()).map((issuer) => [issuer.issuer, issuer]));
    if (generation === this.generation) this.cached = { byIssuer, until: now + this.config.clientCacheTtl * 1000 };
    return byIssuer;
  }
}
