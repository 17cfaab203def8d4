import { inject, injectable } from "tsyringe";
import type { AccessPolicy as PluginAccessPolicyContract } from "../../plugin-sdk/capabilities.js";
import type { Client } from "../../plugin-sdk/client.js";
import type { GrantedAccess } from "../../plugin-sdk/grant.js";
import { AccessPolicy } from "../policy/access-policy.js";

/** Core's scope and audience rule for plugin endpoints (PluginTokens.AccessPolicy; RFC 6749 §3.3, RFC 8707 §2). */
@injectable()
export class PluginAccessPolicy implements PluginAccessPolicyContract {
  constructor(@inject(AccessPolicy) private readonly policy: AccessPolicy) {}

  resolve(client: Client, requested: { scope?: string | undefined; resources?: readonly string[] }): Promise<GrantedAccess> {
    return this.policy.resolve({ client, scope: requested.scope, resources: requested.resources ?? [] });
  }
}
