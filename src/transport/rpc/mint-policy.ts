import { INTERNAL_SCOPE_PREFIX, parseScope } from "../../core/policy/scopes.js";
import { MAX_ACCESS_TOKEN_TTL } from "../../core/tokens/access-token.js";
import type { Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";

/** What an internal Mint call may ask for (DESIGN "Proto services"); throws the OAuth error that explains why not. */
export function assertMintable(client: Client, request: { scopes: readonly string[]; audiences: readonly string[]; ttl: number }): void {
  if (!Number.isInteger(request.ttl) || request.ttl < 0 || request.ttl > MAX_ACCESS_TOKEN_TTL) {
    throw OAuthErrors.invalidRequest(`ttl_seconds must be between 0 and ${MAX_ACCESS_TOKEN_TTL}`);
  }
  // RFC 6749 §3.3: each scope is one scope-token; internal `portcullis:` scopes need the client's own scope metadata.
  const registered = parseScope(client.metadata.scope) ?? [];
  for (const scope of request.scopes) {
    if (parseScope(scope)?.length !== 1) throw OAuthErrors.invalidScope("each scope must be one scope-token");
    if (scope.startsWith(INTERNAL_SCOPE_PREFIX) && !registered.includes(scope)) throw OAuthErrors.invalidScope(`scope "${scope}" is not registered for this client`);
  }
  // RFC 8707 §2: audiences are absolute URIs without a fragment.
  for (const audience of request.audiences) {
    if (!URL.canParse(audience) || audience.includes("#")) throw OAuthErrors.invalidTarget("each audience must be an absolute URI without a fragment");
  }
}
