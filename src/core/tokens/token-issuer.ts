import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Client } from "../../plugin-sdk/client.js";
import type { AuthenticatedUser } from "../../plugin-sdk/capabilities.js";
import type { GrantDecision } from "../../plugin-sdk/grant.js";
import { actorClaimOf, type ActorClaim } from "../../plugin-sdk/token-exchange.js";
import type { TokenResponseContributor } from "../../plugin-sdk/token-response.js";
import { confirmationOf, type SenderBinding } from "../../plugin-sdk/sender-binding.js";
import { isVouched } from "../security/vouched.js";
import { TokenResponseContributorsToken } from "./token-response-contributors.js";
import type { TokenCustomizer } from "../../plugin-sdk/hooks.js";
import { AuditRecorderToken, type AuditRecorder } from "../audit/audit-trail.js";
import { AuthorizationCodeService, type IssuedForCode } from "../codes/authorization-code.service.js";
import { DI } from "../di-tokens.js";
import { StorageUnavailableError } from "../errors/storage-unavailable.js";
import { failpoint } from "../failpoints.js";
import { ResourceCatalog } from "../resources/resource-catalog.js";
import { UserinfoClaimsRequests } from "../users/userinfo-claims-requests.store.js";
import type { AccessTokenMinter, IssuedAccessToken } from "./access-token.js";
import { IdTokenMinter } from "./id-token.minter.js";
import { RESERVED_CLAIMS } from "./jwt-access-token.minter.js";
import { factsOfCode, splitFacts, withFacts, type OidcGrantFacts } from "./oidc-grant-facts.js";
import { RefreshTokenService } from "./refresh-token.service.js";
import { TokenCustomizersToken } from "./token-customizers.js";

/** The successful token response (RFC 6749 §5.1). */
export interface TokenResponse {
  access_token: string;
  token_type: "Bearer" | "DPoP";
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  /** OIDC Core §3.1.3.3 (code) and §12.2 (refresh) when the granted scopes include openid. */
  id_token?: string;
  [member: string]: unknown;
}

/** What a token request issued: the response (RFC 6749 §5.1) and the access token in it, with its claims (RFC 9068 §2.2). */
export interface TokenIssuance {
  response: TokenResponse;
  accessToken: IssuedAccessToken;
}

/** Access-token settings a caller chose, replacing the client's, the resource's and the default (README "Access-token format"). */
export interface AccessTokenSettings {
  format?: "jwt" | "opaque";
  /** Seconds; token customizers may still shorten it. */
  ttl?: number;
  /** The proof the request carried; the access token is bound to it (`cnf`, RFC 9449 §6, RFC 8705 §3). */
  binding?: SenderBinding;
}

/**
 * Claims a grant, a customizer or a Mint caller may not set: those only core sets, plus the authentication and session
 * facts it must not forge (RFC 9068 §2.2.1, OIDC Core §2) and the actor of a delegation (RFC 8693 §4.1, set only from
 * `GrantDecision.actor`). They are stripped, not refused.
 */
const NOT_CUSTOMIZABLE: ReadonlySet<string> = new Set([...RESERVED_CLAIMS, "auth_time", "acr", "amr", "sid", "nonce", "act"]);
/** Token-response members only core sets (RFC 6749 §5.1, OIDC Core §3.1.3.3); a grant may add others, e.g. issued_token_type (RFC 8693 §2.2.1). */
const CORE_RESPONSE_MEMBERS: ReadonlySet<string> = new Set(["access_token", "token_type", "expires_in", "scope", "refresh_token", "id_token"]);

const withoutProtectedClaims = (claims: Record<string, unknown>) => Object.fromEntries(Object.entries(claims).filter(([name]) => !NOT_CUSTOMIZABLE.has(name)));

/** `response` plus the `added` members whose names are not `protectedNames`. */
function withMembers(response: TokenResponse, added: Record<string, unknown> | undefined, protectedNames: ReadonlySet<string>): TokenResponse {
  const allowed = Object.entries(added ?? {}).filter(([name, value]) => !protectedNames.has(name) && name !== "__proto__" && value !== undefined);
  return allowed.length === 0 ? response : { ...response, ...Object.fromEntries(allowed) };
}

/** The facts of a core-vouched authentication, as OpenID grants keep them (OIDC Core §2). */
const factsOf = (user: AuthenticatedUser): OidcGrantFacts => ({ authTime: user.authTime, amr: [...user.amr], ...(user.acr !== undefined && { acr: user.acr }) });

/**
 * A decision's redeemed code, refreshed grant and authentication must be the objects core handed out (DESIGN "Grants
 * decide; core mints"); a plugin that forges one is a bug, answered as server_error and never minted. The subject of
 * an authentication, and of an exchanged token (RFC 8693: impersonation and delegation keep it), is the token subject.
 */
function assertCoreIssued(decision: GrantDecision, grantType: string): void {
  for (const name of ["redeemedCode", "refreshed", "authentication", "derivedFrom"] as const) {
    if (decision[name] !== undefined && !isVouched(decision[name])) throw new Error(`the ${grantType} grant returned a ${name} that core did not issue`);
  }
  if (decision.authentication && decision.subject !== undefined && decision.subject !== decision.authentication.subject) {
    throw new Error(`the ${grantType} grant returned a subject other than its authentication's`);
  }
  if (decision.derivedFrom && decision.subject !== decision.derivedFrom.subject) throw new Error(`the ${grantType} grant returned a subject other than its derivedFrom's`);
  if (decision.refreshed && (decision.derivedFrom || decision.actor)) throw new Error(`the ${grantType} grant changed the lineage of a refreshed grant`);
}

/** The decision's actor as the `act` claim (RFC 8693 §4.1); a malformed one is the grant's bug, never minted. */
function actOf(decision: GrantDecision, grantType: string): ActorClaim | undefined {
  if (decision.actor === undefined) return undefined;
  const act = actorClaimOf(decision.actor);
  if (!act) throw new Error(`the ${grantType} grant returned a malformed actor`);
  return act;
}

/**
 * Turns a grant's decision into tokens: refresh token first (so the access token carries its grant), then the access
 * token; a redeemed code is then linked to both so its reuse revokes them (RFC 6749 §4.1.2). With the openid scope, an
 * ID token follows, for a code (OIDC Core §3.1.3.3) and for a refresh (§12.2: same sub, the original auth_time/acr/amr,
 * no nonce), and the claims request's userinfo member is kept for /userinfo. Tokens derived from an exchanged token
 * (RFC 8693) carry its grant as `gid`, or start a grant that is its child, so revoking its grant revokes them; the
 * decision's actor becomes `act`, kept in a new grant for later refreshes.
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
    @inject(IdTokenMinter) private readonly idTokens: IdTokenMinter,
    @inject(UserinfoClaimsRequests) private readonly userinfoRequests: UserinfoClaimsRequests,
    @inject(TokenResponseContributorsToken) private readonly responseContributors: readonly TokenResponseContributor[],
    @inject(AuditRecorderToken) private readonly audit: AuditRecorder,
  ) {}

  /**
   * Mints what `decision` grants to `client` (RFC 6749 §5.1, RFC 9068 §2); `settings` replace the resolved format and
   * lifetime. A storage outage during a code's redemption revokes what the attempt had created, never delivered, and
   * puts the code back if its tokens were not yet recorded (corpus S108).
   */
  async issue(client: Client, grantType: string, decision: GrantDecision, settings: AccessTokenSettings = {}): Promise<TokenIssuance> {
    assertCoreIssued(decision, grantType);
    const created: IssuedForCode = {};
    try {
      return await this.mint(client, grantType, decision, settings, created);
    } catch (error) {
      if (decision.redeemedCode && error instanceof StorageUnavailableError) await this.codes.restore(decision.redeemedCode.handle, created).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Mints as `issue` says, noting in `created` the grant it started and the access token as soon as they exist; for a
   * redeemed code (no refreshed or parent grant) that is also what its used-marker records.
   */
  private async mint(client: Client, grantType: string, decision: GrantDecision, settings: AccessTokenSettings, created: IssuedForCode): Promise<TokenIssuance> {
    const { authentication } = decision;
    const subject = decision.refreshed?.subject ?? authentication?.subject ?? decision.subject ?? client.clientId;
    const openid = decision.access.scopes.includes("openid") && (decision.redeemedCode !== undefined || decision.refreshed !== undefined || authentication !== undefined);
    const stored = splitFacts(decision.refreshed?.claims);
    const own = withoutProtectedClaims(splitFacts(decision.claims).claims);
    const act = actOf(decision, grantType);
    const facts = decision.redeemedCode ? factsOfCode(decision.redeemedCode) : (stored.facts ?? (authentication && factsOf(authentication)));
    let grantId = decision.refreshed?.grantId ?? decision.derivedFrom?.grantId;
    let refreshToken = decision.refreshed?.refreshToken;
    if (!decision.refreshed && decision.issueRefreshToken) {
      const claims = { ...(openid && facts ? withFacts(own, facts) : own), ...(act && { act }) };
      const { scopes, resources } = decision.access;
      const issued = await this.refreshTokens.issue({ client, subject, scopes, resources, claims, parentGrantId: decision.derivedFrom?.grantId, binding: settings.binding });
      grantId = created.grantId = issued.grantId;
      created.grantExpiresAt = issued.expiresAt;
      refreshToken = issued.refreshToken;
    }
    const { format, ttl } = await this.formatAndTtl(client, decision.access.resources, { format: settings.format ?? decision.accessTokenFormat, ttl: settings.ttl });
    const customized = await this.customize(client, grantType, { ...stored.claims, ...own }, ttl);
    const confirmation = settings.binding && confirmationOf(settings.binding);
    const minted = await this.minter.mint({
      client,
      grantType,
      subject,
      scopes: decision.access.scopes,
      audiences: decision.access.resources,
      grantId,
      extraClaims: act ? { ...customized.claims, act } : customized.claims,
      ttl: customized.ttl,
      format,
      confirmation,
    });
    created.jti = minted.claims.jti;
    created.exp = minted.claims.exp;
    if (decision.redeemedCode) await this.codes.recordIssued(decision.redeemedCode.handle, created);
    failpoint("after-token-insert");
    const response: TokenResponse = { access_token: minted.token, token_type: confirmation?.jkt ? "DPoP" : "Bearer", expires_in: minted.expiresIn };
    if (decision.access.scopes.length > 0) response.scope = decision.access.scopes.join(" ");
    if (refreshToken) response.refresh_token = refreshToken;
    if (openid) response.id_token = await this.openIdResponse(client, subject, decision, minted, facts);
    this.audit.record({ type: "token.issued", clientId: client.clientId, grantType, subject, jti: minted.claims.jti, scopes: decision.access.scopes, refreshToken: refreshToken !== undefined, idToken: openid });
    return { response: await this.withContributedMembers(client, grantType, withMembers(response, decision.response, CORE_RESPONSE_MEMBERS)), accessToken: minted };
  }

  /** Members the token-response contributors add for this client (global ones, or those it opted into); none replaces a member already set. */
  private async withContributedMembers(client: Client, grantType: string, response: TokenResponse): Promise<TokenResponse> {
    if (this.responseContributors.length === 0) return response;
    let current = response;
    for (const contributor of this.responseContributors.filter((c) => c.global || client.metadata.hooks?.includes(c.id))) {
      current = withMembers(current, await contributor.members({ client, grantType, response: current }), new Set(Object.keys(current)));
    }
    return current;
  }

  /** Keeps the userinfo claims request for this access token and mints the ID token (OIDC Core §3.1.3.3, §12.2). */
  private async openIdResponse(client: Client, subject: string, decision: GrantDecision, minted: IssuedAccessToken, facts: OidcGrantFacts | undefined): Promise<string> {
    const userinfo = facts?.requestedClaims?.userinfo;
    if (userinfo) await this.userinfoRequests.remember(minted.claims.jti, minted.claims.exp, userinfo);
    const code = decision.redeemedCode;
    return this.idTokens.mint({
      client,
      subject,
      scopes: decision.access.scopes,
      accessToken: minted.token,
      ...(code ? { nonce: code.nonce, sessionId: code.sessionId } : { sessionId: decision.authentication?.sessionId }),
      authTime: facts?.authTime,
      acr: facts?.acr,
      amr: facts?.amr,
      requestedClaims: facts?.requestedClaims?.id_token,
    });
  }

  /** The caller's setting, then the client's, then the single audience's, then defaults (README "Access-token format"). */
  private async formatAndTtl(client: Client, audiences: readonly string[], chosen: Pick<AccessTokenSettings, "format" | "ttl">): Promise<Required<Pick<AccessTokenSettings, "format" | "ttl">>> {
    const resource = audiences.length === 1 ? await this.resources.find(audiences[0]!) : undefined;
    return {
      format: chosen.format ?? client.metadata.access_token_format ?? resource?.accessTokenFormat ?? "jwt",
      ttl: chosen.ttl ?? client.metadata.access_token_lifetime ?? resource?.accessTokenTtl ?? this.config.accessTokenTtl,
    };
  }

  /** Runs the token customizers the client opted into; they may add non-reserved claims and only shorten the TTL. */
  private async customize(client: Client, grantType: string, claims: Record<string, unknown>, ttl: number) {
    if (this.customizers.length === 0 || !client.metadata.hooks?.length) return { claims, ttl };
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
