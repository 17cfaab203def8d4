import type { JWTPayload } from "jose";
import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import { FormParams } from "../../plugin-sdk/form-params.js";
import { DI } from "../di-tokens.js";
import { PushedRequestService, REQUEST_URI_PREFIX } from "../par/pushed-request.service.js";
import { SafeFetcher, SafeFetchError } from "../security/safe-fetch.js";
import { RequestObjectVerifier } from "./request-object.verifier.js";

/** Where an authorization request arrives: the authorization endpoint, or the pushed authorization request endpoint (RFC 9126 §2). */
export type RequestChannel = "authorize" | "par";

/** The parameters an authorization request is processed with, and the PAR request_uri they came from. */
export interface ResolvedParams {
  params: FormParams;
  pushedRequestUri?: string;
  /** The parameters came from a verified request object, or from a push (where require_signed_request_object was enforced). */
  signed: boolean;
}

/** Largest remote request object fetched (OIDC Core §6.2; corpus I59). */
export const MAX_REMOTE_REQUEST_OBJECT_BYTES = 65_536;
/** JWT claims of the request object itself, not authorization parameters (RFC 7519 §4.1). */
const JWT_CLAIMS: ReadonlySet<string> = new Set(["iss", "aud", "exp", "nbf", "iat", "jti", "sub"]);
const REQUEST_OBJECT_TYPES = "application/oauth-authz-req+jwt, application/jwt";

/**
 * Resolves `request` and `request_uri` into the parameters to process (RFC 9101 §5, RFC 9126 §4, OIDC Core §6):
 * a pushed request_uri loads what was pushed; a request object (by value, or fetched from one of the client's
 * registered `request_uris`) replaces the outer parameters entirely. Without either, the parameters are used as sent.
 */
@injectable()
export class RequestObjectResolver {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(PushedRequestService) private readonly pushed: PushedRequestService,
    @inject(RequestObjectVerifier) private readonly verifier: RequestObjectVerifier,
    @inject(SafeFetcher) private readonly fetcher: SafeFetcher,
  ) {}

  /** The parameters to process for `client`; throws invalid_request, invalid_request_uri, invalid_request_object or request_uri_not_supported. */
  async resolve(params: FormParams, client: Client, channel: RequestChannel): Promise<ResolvedParams> {
    params.rejectRepeated({ only: ["request", "request_uri"] });
    if (channel === "par" && params.count("request_uri") > 0) {
      throw OAuthErrors.invalidRequest("request_uri must not be sent to the pushed authorization request endpoint");
    }
    const request = params.get("request");
    const requestUri = params.get("request_uri");
    if (request !== undefined && requestUri !== undefined) throw OAuthErrors.invalidRequest("request and request_uri must not both be present");
    if (requestUri?.startsWith(REQUEST_URI_PREFIX)) {
      // What was pushed was validated and resolved at /par; it never holds request or request_uri (RFC 9126 §2.1).
      return { params: FormParams.from(await this.pushed.load(requestUri, client.clientId)), pushedRequestUri: requestUri, signed: true };
    }
    if (requestUri !== undefined) return this.fromRequestObject(await this.fetchRemote(requestUri, client), client, channel);
    if (request !== undefined) return this.fromRequestObject(request, client, channel);
    return { params, signed: false };
  }

  /** Only the request object's parameters are used (RFC 9101 §5); client_id defaults to the verified client. */
  private async fromRequestObject(jwt: string, client: Client, channel: RequestChannel): Promise<ResolvedParams> {
    const claims = await this.verifier.verify(jwt, client);
    if (channel === "par" && claims.request_uri !== undefined) throw OAuthErrors.invalidRequest("a pushed request object must not contain request_uri");
    if (claims.request !== undefined || claims.request_uri !== undefined) {
      throw OAuthErrors.invalidRequestObject("a request object must not contain request or request_uri");
    }
    if (typeof claims.redirect_uri !== "string") throw OAuthErrors.invalidRequestObject("the request object must contain redirect_uri");
    const params = claimsToParams(claims);
    if (!params.has("client_id")) params.append("client_id", client.clientId);
    return { params, signed: true };
  }

  /** The request object at one of the client's registered `request_uris`, fetched safely (OIDC Core §6.2, RFC 9101 §5.2.3). */
  private async fetchRemote(requestUri: string, client: Client): Promise<string> {
    if (!this.config.requestUriFetch) throw OAuthErrors.requestUriNotSupported("request_uri is supported only for pushed authorization requests");
    if (!(client.metadata.request_uris ?? []).includes(requestUri)) throw OAuthErrors.invalidRequestUri("request_uri is not registered for this client");
    try {
      return (await this.fetcher.fetch(requestUri, REQUEST_OBJECT_TYPES, MAX_REMOTE_REQUEST_OBJECT_BYTES)).body.toString("utf8").trim();
    } catch (cause) {
      if (cause instanceof SafeFetchError) throw OAuthErrors.invalidRequestUri("request_uri could not be retrieved", { cause });
      throw cause;
    }
  }
}

/** Request object claims as authorization parameters: strings as sent, arrays as repeated values, other JSON as text (OIDC Core §6.1). */
function claimsToParams(claims: JWTPayload): FormParams {
  const params = new FormParams();
  for (const [name, value] of Object.entries(claims)) {
    if (JWT_CLAIMS.has(name) || value === null || value === undefined) continue;
    const values = Array.isArray(value) && name === "resource" ? value : [value];
    for (const v of values) params.append(name, typeof v === "string" ? v : JSON.stringify(v));
  }
  return params;
}
