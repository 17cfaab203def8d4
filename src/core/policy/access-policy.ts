import { inject, injectable } from "tsyringe";
import type { Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { GrantedAccess } from "../../plugin-sdk/grant.js";
import { ClientCache } from "../clients/client-cache.js";
import { ResourceCatalog } from "../resources/resource-catalog.js";
import { INTERNAL_SCOPE_PREFIX, OPENID_SCOPES, parseScope } from "./scopes.js";

export interface AccessRequest {
  client: Client;
  /** The raw `scope` parameter. */
  scope: string | undefined;
  /** The `resource` parameters (RFC 8707 §2). */
  resources: readonly string[];
  /** Upper bounds, e.g. a refresh token's grant (RFC 6749 §6). */
  maxScopes?: readonly string[];
  maxResources?: readonly string[];
  /** RFC 8693 §2.1 `audience` values: registered resources (counted as `resource`) or registered clients. */
  audiences?: readonly string[];
}

const NO_AUDIENCES: Readonly<{ resources: readonly string[]; clients: readonly string[] }> = Object.freeze({ resources: [], clients: [] });

/**
 * The one owner of the scope and audience rule, at /authorize, /par, /token and every later grant: the OpenID scopes
 * (OIDC Core §5.4, §11) are always allowed, since they ask about the end-user, who consents to them; beyond them a
 * client with `scope` metadata may request only those, and a client without it every registered resource's scopes.
 * Internal `portcullis:` scopes need explicit metadata. A request without `scope` continuing a grant, code or token
 * keeps its scopes, only those fitting the resources it names when it names some. An `audience` naming a client adds
 * its client_id to the audience; scopes are checked against the resource targets only.
 */
@injectable()
export class AccessPolicy {
  constructor(
    @inject(ResourceCatalog) private readonly resources: ResourceCatalog,
    @inject(ClientCache) private readonly clients: ClientCache,
  ) {}

  /** Applies the policy or throws invalid_scope / invalid_target (RFC 6749 §3.3, RFC 8707 §2). */
  async resolve(request: AccessRequest): Promise<GrantedAccess> {
    const requested = parseScope(request.scope);
    if (!requested) throw OAuthErrors.invalidScope("scope contains illegal characters");
    const registered = parseScope(request.client.metadata.scope) ?? [];
    const named = request.audiences?.length ? await this.resolveAudiences(request.audiences) : NO_AUDIENCES;
    const targeted = [...request.resources, ...named.resources];
    const resources = await this.resolveResources(targeted, request.maxResources);
    const scopes = request.scope !== undefined ? requested : request.maxScopes ? await this.continuedScopes(request.maxScopes, targeted.length > 0 ? resources : undefined) : registered;

    for (const scope of scopes) {
      if (request.maxScopes && !request.maxScopes.includes(scope)) throw OAuthErrors.invalidScope(`scope "${scope}" exceeds the original grant`);
      if (!(await this.allowed(request.client, registered, scope))) throw OAuthErrors.invalidScope(`scope "${scope}" is not allowed for this client`);
    }
    const targets = [...resources, ...named.clients];
    const audiences = targets.length > 0 ? targets : await this.inferResources(scopes);
    if (resources.length > 0) await this.assertScopesFitResources(scopes, resources);
    return { scopes, resources: audiences };
  }

  /** Splits `audience` values into registered resources and registered clients; anything else is invalid_target (RFC 8693 §2.2.2). */
  private async resolveAudiences(audiences: readonly string[]): Promise<{ resources: string[]; clients: string[] }> {
    const named = { resources: [] as string[], clients: [] as string[] };
    for (const audience of new Set(audiences)) {
      if (await this.resources.find(audience)) named.resources.push(audience);
      else if (await this.clients.find(audience)) named.clients.push(audience);
      else throw OAuthErrors.invalidTarget(`unknown audience "${audience}"`);
    }
    return named;
  }

  private async allowed(client: Client, registered: readonly string[], scope: string): Promise<boolean> {
    if (OPENID_SCOPES.includes(scope)) return true;
    if (client.metadata.scope !== undefined) return registered.includes(scope);
    if (scope.startsWith(INTERNAL_SCOPE_PREFIX)) return false;
    return (await this.resources.owning(scope)).length > 0;
  }

  private async resolveResources(requested: readonly string[], max: readonly string[] | undefined): Promise<string[]> {
    const unique = [...new Set(requested)];
    for (const id of unique) {
      if (!URL.canParse(id) || id.includes("#")) throw OAuthErrors.invalidTarget("resource must be an absolute URI without a fragment");
      if (!(await this.resources.find(id))) throw OAuthErrors.invalidTarget(`unknown resource "${id}"`);
      if (max && !max.includes(id)) throw OAuthErrors.invalidTarget(`resource "${id}" exceeds the original grant`);
    }
    return unique.length > 0 ? unique : max ? [...max] : [];
  }

  private async inferResources(scopes: readonly string[]): Promise<string[]> {
    const ids = new Set<string>();
    for (const scope of scopes) for (const resource of await this.resources.owning(scope)) ids.add(resource.id);
    return [...ids];
  }

  /** Without `scope`, what is continued keeps its scopes; those of them that fit the targets it names (RFC 8707 §2.2). */
  private async continuedScopes(max: readonly string[], targets: readonly string[] | undefined): Promise<string[]> {
    if (!targets) return [...max];
    const fitting: string[] = [];
    for (const scope of max) if (await this.fits(scope, targets)) fitting.push(scope);
    return fitting;
  }

  private async assertScopesFitResources(scopes: readonly string[], resources: readonly string[]): Promise<void> {
    for (const scope of scopes) {
      if (!(await this.fits(scope, resources))) throw OAuthErrors.invalidScope(`scope "${scope}" does not belong to the requested resource`);
    }
  }

  /** The OpenID and internal scopes fit any target; others must be defined by one of the resources. */
  private async fits(scope: string, resources: readonly string[]): Promise<boolean> {
    if (OPENID_SCOPES.includes(scope) || scope.startsWith(INTERNAL_SCOPE_PREFIX)) return true;
    return (await this.resources.owning(scope)).some((r) => resources.includes(r.id));
  }
}
