import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { DI } from "../di-tokens.js";
import { INTERNAL_SCOPE_PREFIX, parseScope } from "../policy/scopes.js";
import type { Clock } from "../ports/clock.js";
import type { DurableStorage, ResourceServer } from "../ports/repositories.js";

/** Registers RFC 8707 resource servers: an absolute URI without fragment, its scopes, token format and lifetime. */
@injectable()
export class ResourceService {
  constructor(
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** Creates or replaces a resource server; throws RangeError on invalid input. */
  async upsert(input: { id: string; scopes: string; format?: string; ttl?: number }): Promise<ResourceServer> {
    if (!URL.canParse(input.id) || input.id.includes("#")) throw new RangeError("--id must be an absolute URI without a fragment (RFC 8707 §2)");
    const scopes = parseScope(input.scopes);
    if (!scopes) throw new RangeError("--scopes contains characters not allowed in a scope (RFC 6749 §3.3)");
    if (scopes.some((s) => s.startsWith(INTERNAL_SCOPE_PREFIX))) throw new RangeError(`scopes starting with "${INTERNAL_SCOPE_PREFIX}" are reserved`);
    const format = input.format ?? "jwt";
    if (format !== "jwt" && format !== "opaque") throw new RangeError('--format must be "jwt" or "opaque"');
    const ttl = input.ttl ?? this.config.accessTokenTtl;
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 86_400) throw new RangeError("--ttl must be 1..86400 seconds");
    const resource: ResourceServer = { id: input.id, scopes, accessTokenFormat: format, accessTokenTtl: ttl, createdAt: this.clock.now() };
    await this.storage.resources.upsert(resource);
    return resource;
  }

  /** Deletes a resource server; tokens already issued for it stay valid until they expire. False when unknown. */
  delete(id: string): Promise<boolean> {
    return this.storage.resources.delete(id);
  }

  /** Every registered resource server, by id. */
  list(): Promise<ResourceServer[]> {
    return this.storage.resources.list();
  }
}
