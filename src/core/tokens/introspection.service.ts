import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { AuthenticatedClient, Client } from "../../plugin-sdk/client.js";
import type { IntrospectionCustomizer } from "../../plugin-sdk/hooks.js";
import { DI } from "../di-tokens.js";
import type { InternalCaller } from "../policy/internal-caller.js";
import { InternalScopes } from "../policy/scopes.js";
import type { AccessTokenClaims, ActiveToken, TokenValidator } from "./access-token.js";
import { findToken } from "./find-token.js";
import { IntrospectionCustomizersToken } from "./introspection-customizers.js";

/** The members core sets on an active answer (RFC 7662 §2.2); the others are those introspection customizers added. */
export interface ActiveIntrospection {
  active: true;
  client_id: string;
  sub: string;
  exp: number;
  iat: number;
  iss: string;
  jti: string;
  token_type: string;
  scope?: string;
  aud?: string | string[];
  cnf?: AccessTokenClaims["cnf"];
  /** The actor of a delegated token (RFC 8693 §4.1), nested for chains. */
  act?: unknown;
  [member: string]: unknown;
}

/** An RFC 7662 §2.2 answer: `active: false` alone, or an active token's members. */
export type IntrospectionResponse = { readonly active: false } | ActiveIntrospection;

/** Who introspects: a client authenticated at /introspect (RFC 7662 §2.1), or an internal gRPC caller. */
export type IntrospectionCaller = AuthenticatedClient | InternalCaller;

const INACTIVE = Object.freeze({ active: false } as const);
const RESERVED = new Set(["active", "scope", "client_id", "username", "token_type", "exp", "iat", "nbf", "sub", "aud", "iss", "jti", "cnf", "act"]);

/**
 * RFC 7662 introspection, for HTTP and gRPC alike. A caller sees a token when it was issued to it, when the caller is in
 * its audience, or when the caller holds the internal `InternalScopes.tokens` scope (a trusted resource server);
 * otherwise inactive. The introspection customizers its client opted into add members.
 */
@injectable()
export class IntrospectionService {
  constructor(
    @inject(DI.TokenValidator) private readonly validator: TokenValidator,
    @inject(IntrospectionCustomizersToken) private readonly customizers: readonly IntrospectionCustomizer[],
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** The RFC 7662 §2.2 response; inactive tokens answer `{"active":false}` and nothing else. */
  async introspect(token: string, hint: string | undefined, caller: IntrospectionCaller): Promise<IntrospectionResponse> {
    const found = await findToken(this.validator, token, hint);
    if (!found || !mayIntrospect(found, caller)) return INACTIVE;
    const response: ActiveIntrospection = {
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
    if (found.claims.act !== undefined) response.act = found.claims.act;
    return caller.client ? this.customize(response, caller.client) : response;
  }

  /** Adds the members of the customizers `client` opted into; none replaces a reserved member (RFC 7662 §2.2). */
  private async customize(response: ActiveIntrospection, client: Client): Promise<ActiveIntrospection> {
    let current = response;
    for (const customizer of this.customizers.filter((c) => client.metadata.hooks?.includes(c.id))) {
      const extra = await customizer.customize(current, client);
      current = { ...Object.fromEntries(Object.entries(extra).filter(([k]) => !RESERVED.has(k))), ...current };
    }
    return current;
  }
}

function mayIntrospect(token: ActiveToken, caller: IntrospectionCaller): boolean {
  if ("kind" in caller) return caller.scopes.includes(InternalScopes.tokens);
  const id = caller.client.clientId;
  return token.clientId === id || token.audiences.includes(id) || (caller.client.metadata.scope ?? "").split(" ").includes(InternalScopes.tokens);
}
