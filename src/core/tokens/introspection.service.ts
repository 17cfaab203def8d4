import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { AuthenticatedClient } from "../../plugin-sdk/client.js";
import type { IntrospectionCustomizer } from "../../plugin-sdk/hooks.js";
import { DI } from "../di-tokens.js";
import { InternalScopes } from "../policy/scopes.js";
import type { ActiveToken, TokenValidator } from "./access-token.js";
import { findToken } from "./find-token.js";
import { IntrospectionCustomizersToken } from "./introspection-customizers.js";

const INACTIVE = Object.freeze({ active: false });
const RESERVED = new Set(["active", "scope", "client_id", "username", "token_type", "exp", "iat", "nbf", "sub", "aud", "iss", "jti", "cnf"]);

/**
 * RFC 7662 introspection. A caller sees a token when it was issued to it, when the caller is in its audience,
 * or when the caller holds the internal `InternalScopes.tokens` scope (a trusted resource server); otherwise inactive.
 */
@injectable()
export class IntrospectionService {
  constructor(
    @inject(DI.TokenValidator) private readonly validator: TokenValidator,
    @inject(IntrospectionCustomizersToken) private readonly customizers: readonly IntrospectionCustomizer[],
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** The RFC 7662 §2.2 response; inactive tokens answer `{"active":false}` and nothing else. */
  async introspect(token: string, hint: string | undefined, caller: AuthenticatedClient): Promise<Record<string, unknown>> {
    const found = await findToken(this.validator, token, hint);
    if (!found || !mayIntrospect(found, caller)) return INACTIVE;
    let response: Record<string, unknown> = {
      active: true,
      client_id: found.clientId,
      sub: found.subject,
      exp: found.expiresAt,
      iat: found.issuedAt,
      iss: this.config.issuer,
      jti: found.jti,
      token_type: found.kind === "refresh_token" ? "refresh_token" : found.tokenType,
    };
    if (found.scopes.length > 0) response.scope = found.scopes.join(" ");
    if (found.audiences.length > 0) response.aud = found.audiences.length === 1 ? found.audiences[0] : found.audiences;
    if (found.claims.cnf) response.cnf = found.claims.cnf;
    for (const customizer of this.customizers.filter((c) => caller.client.metadata.hooks?.includes(c.id))) {
      const extra = await customizer.customize(response, caller.client);
      response = { ...Object.fromEntries(Object.entries(extra).filter(([k]) => !RESERVED.has(k))), ...response };
    }
    return response;
  }
}

function mayIntrospect(token: ActiveToken, caller: AuthenticatedClient): boolean {
  const id = caller.client.clientId;
  return token.clientId === id || token.audiences.includes(id) || (caller.client.metadata.scope ?? "").split(" ").includes(InternalScopes.tokens);
}
