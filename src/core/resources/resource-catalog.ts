import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { ChangeFeed } from "../changes/change-feed.js";
import { DI } from "../di-tokens.js";
import type { Clock } from "../ports/clock.js";
import type { DurableStorage, ResourceServer } from "../ports/repositories.js";

/** Registered RFC 8707 resource servers, cached for `clientCacheTtl` seconds and reloaded after any change by any process. */
@injectable()
export class ResourceCatalog {
  private cached: { byId: Map<string, ResourceServer>; byScope: Map<string, ResourceServer[]>; until: number } | undefined;

  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Config) private readonly config: Config,
    @inject(ChangeFeed) changes: ChangeFeed,
  ) {
    changes.on("resource", () => {
      this.cached = undefined;
    });
  }

  async find(id: string): Promise<ResourceServer | undefined> {
    return (await this.snapshot()).byId.get(id);
  }

  /** Resources that define `scope`. */
  async owning(scope: string): Promise<readonly ResourceServer[]> {
    return (await this.snapshot()).byScope.get(scope) ?? [];
  }

  /** Every scope any resource defines. */
  async allScopes(): Promise<string[]> {
    return [...(await this.snapshot()).byScope.keys()];
  }

  private async snapshot() {
    const now = this.clock.now();
    if (this.cached && this.cached.until > now) return this.cached;
    const list = await this.storage.resources.list();
    const byId = new Map(list.map((r) => [r.id, r]));
    const byScope = new Map<string, ResourceServer[]>();
    for (const resource of list) for (const scope of resource.scopes) byScope.set(scope, [...(byScope.get(scope) ?? []), resource]);
    this.cached = { byId, byScope, until: now + this.config.clientCacheTtl * 1000 };
    return this.cached;
  }
}
