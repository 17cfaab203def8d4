import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { AuthenticatedClient, Client } from "../../plugin-sdk/client.js";
import type { GrantDecision } from "../../plugin-sdk/grant.js";
import type { TokenCustomizer } from "../../plugin-sdk/hooks.js";
import { AuthorizationCodeService } from "../codes/authorization-code.service.js";
import { DI } from "../di-tokens.js";
import { ResourceCatalog } from "../resources/resource-catalog.js";
import type { AccessTokenMinter } from "./access-token.js";
import { RESERVED_CLAIMS } from "./jwt-access-token.minter.js";
import { RefreshTokenService } from "./refresh-token.service.js";
import { TokenCustomizersToken } from "./token-customizers.js";

/** The successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer" | "DPoP";
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  [member: string]: unknown;
}

/** Claims a customizer may not set: those only core sets, plus the authentication facts it must not forge (RFC 9068 §2.2.1). */
const NOT_CUSTOMIZABLE: ReadonlySet<string> = new Set([...RESERVED_CLAIMS, "auth_time", "acr", "amr"]);

/**
 * Turns a grant's decision into tokens: refresh token first (so the access token carries its grant), then the access
 * token; a redeemed code is then linked to both so its reuse revokes them (RFC 6749 §4.1.2).
 */
@injectable()
export class TokenIssuer {
  constructor(
    @inject(DI.AccessTokenMinter) private readonly minter: AccessTokenMinter,
    @inject(RefreshTokenService) private readonly refreshTokens: RefreshTokenService,
    @inject(ResourceCatalog) private readonly resources: ResourceCatalog,
    @inject(TokenCustomizersToken) private readonly customizers: readonly TokenCustomizer[],
    @inject(AuthorizationCodeService) private readonly codes: AuthorizationCodeService,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** Mints what `decision` grants to `caller` (RFC 6749 §5.1, RFC 9068 §2). */
  async issue(caller: AuthenticatedClient, grantType: string, decision: GrantDecision): Promise<TokenResponse> {
    const client = caller.client;
    const subject = decision.refreshed?.subject ?? decision.subject ?? client.clientId;
    let grantId = decision.refreshed?.grantId;
    let refreshToken = decision.refreshed?.refreshToken;
    if (!decision.refreshed && decision.issueRefreshToken) {
      const issued = await this.refreshTokens.issue({ client, subject, scopes: decision.access.scopes, resources: decision.access.resources, claims: decision.claims });
      grantId = issued.grantId;
      refreshToken = issued.refreshToken;
    }
    const { format, ttl } = await this.formatAndTtl(client, decision.access.resources);
    const extra = { ...decision.refreshed?.claims, ...decision.claims };
    const customized = await this.customize(client, grantType, extra, ttl);
    const minted = await this.minter.mint({
      client,
      grantType,
      subject,
      scopes: decision.access.scopes,
      audiences: decision.access.resources,
      grantId,
      extraClaims: customized.claims,
      ttl: customized.ttl,
      format,
    });
    if (decision.redeemedCode) await this.codes.recordIssued(decision.redeemedCode.handle, { grantId, jti: minted.claims.jti, exp: minted.claims.exp });
    const response: TokenResponse = { access_token: minted.token, token_type: "Bearer", expires_in: minted.expiresIn };
    if (decision.access.scopes.length > 0) response.scope = decision.access.scopes.join(" ");
    if (refreshToken) response.refresh_token = refreshToken;
    return response;
  }

  /** Client setting, then the single audience's setting, then defaults (README "Access-token format"). */
  private async formatAndTtl(client: Client, audiences: readonly string[]): Promise<{ format: "jwt" | "opaque"; ttl: number }> {
    const resource = audiences.length === 1 ? await this.resources.find(audiences[0]!) : undefined;
    return {
      format: client.metadata.access_token_format ?? resource?.accessTokenFormat ?? "jwt",
      ttl: client.metadata.access_token_lifetime ?? resource?.accessTokenTtl ?? this.config.accessTokenTtl,
    };
  }

  /** Runs the token customizers the client opted into; they may add non-reserved claims and only shorten the TTL. */
  private async customize(client: Client, grantType: string, claims: Record<string, unknown>, ttl: number) {
    const enabled = this.customizers.filter((c) => client.metadata.hooks?.includes(c.id));
    let current = { claims, ttl };
    for (const customizer of enabled) {
      const result = await customizer.customize({ client, grantType, claims: current.claims, ttl: current.ttl });
      const added = Object.fromEntries(Object.entries(result.claims ?? {}).filter(([name]) => !NOT_CUSTOMIZABLE.has(name)));
      current = { claims: { ...current.claims, ...added }, ttl: result.ttl && result.ttl > 0 ? Math.min(result.ttl, current.ttl) : current.ttl };
    }
    return current;
  }
}
