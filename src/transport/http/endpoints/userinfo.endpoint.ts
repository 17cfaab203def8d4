import { inject, injectable } from "tsyringe";
import type { Config } from "../../../config/config.js";
import { DI } from "../../../core/di-tokens.js";
import { DPOP_SIGNING_ALGS } from "../../../core/pop/dpop/dpop-algorithms.js";
import { dpopHeaderValues } from "../../../core/pop/dpop/dpop-request-key.js";
import { DpopResourceProof, isResourceProofFailure, needsDpopCheck } from "../../../core/pop/dpop/dpop-resource-proof.js";
import type { ActiveToken, TokenValidator } from "../../../core/tokens/access-token.js";
import { UserinfoService } from "../../../core/users/userinfo.service.js";
import { OAuthError, type OAuthErrorCode } from "../../../plugin-sdk/errors.js";
import type { FormParams } from "../../../plugin-sdk/form-params.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { certificateThumbprint } from "../../../core/security/certificate-thumbprint.js";
import { unmetRequirement } from "../../../core/tokens/token-requirements.js";
import { noStore, type EndpointResponse, type HttpEndpoint } from "../endpoint.js";
import { parseForm } from "../parse-form.js";
import { bearerChallenge, dpopChallenge, parseTokenHeader, type TokenScheme } from "./bearer-token.js";

const OPENID = ["openid"] as const;
const ALGS = DPOP_SIGNING_ALGS.join(" ");

/** The access token of a request and the scheme it came with (a form or query token is a Bearer token, RFC 6750 §2.2–2.3). */
interface Presented {
  token: string;
  scheme: TokenScheme;
}

/**
 * GET and POST /userinfo (OIDC Core §5.3, RFC 6750, RFC 9449 §7): the access token comes from the Authorization header
 * (`Bearer`, or `DPoP` with a proof of this request), the form body (POST) or, when USERINFO_QUERY_TOKEN is on, the
 * query; exactly one of them (RFC 6750 §2). Errors carry a `WWW-Authenticate` challenge (§3), `DPoP` with `algs` for a
 * DPoP-bound token or the DPoP scheme: none sent → 401 without an error code, challenging with both schemes; unusable → 401 invalid_token; a bad
 * proof → 401 invalid_dpop_proof, or use_dpop_nonce with `DPoP-Nonce`; no `openid` scope → 403 insufficient_scope.
 */
@injectable()
export class UserinfoEndpoint implements HttpEndpoint {
  readonly path = "/userinfo";
  readonly methods = ["GET", "POST"] as const;
  readonly body = { POST: "optional-form" } as const;

  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.TokenValidator) private readonly validator: TokenValidator,
    @inject(UserinfoService) private readonly userinfo: UserinfoService,
    @inject(DpopResourceProof) private readonly dpop: DpopResourceProof,
  ) {}

  async handle(request: EndpointRequest): Promise<EndpointResponse> {
    const presented = this.presentedToken(request);
    if (presented === undefined) return { status: 401, headers: { ...noStore, "www-authenticate": this.noTokenChallenges() } };
    const active = await this.validator.validateAccessToken(presented.token);
    if (!active) throw this.challenge(presented.scheme === "dpop", "invalid_token", "the access token is invalid, expired or revoked");
    const dpopKey = await this.dpopKey(request, presented, active);
    const sentAsDpop = presented.scheme === "dpop" || active.tokenType === "DPoP";
    const thumbprint = request.clientCertificate && certificateThumbprint(request.clientCertificate.der);
    const unmet = unmetRequirement(active, { requiredScopes: OPENID, ...(thumbprint ? { certificateThumbprint: thumbprint } : {}), ...(dpopKey ? { dpopKey } : {}) });
    if (unmet === "insufficient_scope") throw this.challenge(sentAsDpop, unmet, "the access token was not granted the openid scope", { scope: "openid" });
    if (unmet) throw this.challenge(sentAsDpop, unmet, "the access token cannot be used here");
    const response = await this.userinfo.respond(active);
    if (!response) throw this.challenge(sentAsDpop, "invalid_token", "the access token's user or client is no longer active");
    if (response.format === "json") return { status: 200, headers: noStore, body: response.claims };
    return { status: 200, headers: { ...noStore, "content-type": "application/jwt" }, body: response.jwt };
  }

  /** The key of the request's DPoP proof when the token or the scheme calls for one (RFC 9449 §7.1); refusals are 401. */
  private async dpopKey(request: EndpointRequest, presented: Presented, active: ActiveToken): Promise<string | undefined> {
    if (!needsDpopCheck(active, presented.scheme)) return undefined;
    const proof = await this.dpop.check(active, { ...presented, proofs: dpopHeaderValues(request), method: request.method, url: request.url });
    if (!isResourceProofFailure(proof)) return proof.dpopKey;
    throw this.challenge(true, proof.error, proof.description, proof.nonce === undefined ? {} : { nonce: proof.nonce });
  }

  /** The one access token sent (RFC 6750 §2.1–2.3), undefined when none; invalid_request when several or malformed. */
  private presentedToken(request: EndpointRequest): Presented | undefined {
    const header = parseTokenHeader(request, ["bearer", "dpop"]);
    if (header.kind === "malformed") throw this.challenge(false, "invalid_request", "the Authorization header is malformed or repeated");
    const body = request.method === "POST" ? this.parameter(request.params) : undefined;
    const query = this.parameter(request.method === "GET" ? request.params : queryOf(request.url));
    if (query !== undefined && !this.config.userinfoQueryToken) throw this.challenge(false, "invalid_request", "access_token in the query string is not supported");
    const sent: Presented[] = [
      ...(header.kind === "token" ? [{ token: header.token, scheme: header.scheme }] : []),
      ...[body, query].filter((t) => t !== undefined).map((token) => ({ token, scheme: "bearer" as const })),
    ];
    if (sent.length > 1) throw this.challenge(false, "invalid_request", "the access token must be sent by exactly one method");
    return sent[0];
  }

  private parameter(params: FormParams): string | undefined {
    try {
      params.rejectRepeated({ only: ["access_token"] });
    } catch (error) {
      throw this.challenge(false, "invalid_request", (error as OAuthError).description ?? "");
    }
    return params.get("access_token");
  }

  /** No token sent: both schemes this endpoint accepts, without an error code (RFC 6750 §3.1, RFC 9449 §7.1, RFC 9110 §11.6.1). */
  private noTokenChallenges(): string {
    return `${bearerChallenge({ realm: this.config.issuer })}, ${dpopChallenge({ realm: this.config.issuer, algs: ALGS })}`;
  }

  /**
   * An RFC 6750 §3.1 error with its `WWW-Authenticate` challenge: `Bearer` with the realm, or `DPoP` with `algs` (RFC 9449
   * §7.1); DPoP proof errors are 401 (§7.1, §9), with the nonce to use in `DPoP-Nonce`.
   */
  private challenge(dpop: boolean, error: OAuthErrorCode, description: string, extra: { scope?: string; nonce?: string } = {}): OAuthError {
    const made = new OAuthError(error, description, error === "invalid_dpop_proof" || error === "use_dpop_nonce" ? { status: 401 } : {});
    const attributes = { error, description: made.description, ...(extra.scope ? { scope: extra.scope } : {}) };
    made.headers["www-authenticate"] = dpop ? dpopChallenge({ ...attributes, algs: ALGS }) : bearerChallenge({ realm: this.config.issuer, ...attributes });
    if (extra.nonce !== undefined) made.headers["dpop-nonce"] = extra.nonce;
    return made;
  }
}

function queryOf(url: string): FormParams {
  const index = url.indexOf("?");
  return parseForm(index === -1 ? "" : url.slice(index + 1));
}
