import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Client } from "../../plugin-sdk/client.js";
import { isOAuthError, OAuthErrors, type OAuthError } from "../../plugin-sdk/errors.js";
import type { FormParams } from "../../plugin-sdk/form-params.js";
import type { Capabilities } from "../capabilities.js";
import { ClientCache } from "../clients/client-cache.js";
import { validateChallenge, type PkceMethod } from "../codes/pkce.js";
import { DI } from "../di-tokens.js";
import type { PushedParams } from "../par/pushed-request.service.js";
import { AccessPolicy } from "../policy/access-policy.js";
import {
  AuthorizationEndpointError,
  type AuthorizationRequest,
  type ClaimRequest,
  type Prompt,
  type RequestedClaims,
  type ResponseMode,
  type ResponseTarget,
} from "./authorization-request.js";
import { matchRedirectUri } from "./redirect-uri-matcher.js";
import { RequestObjectResolver, type RequestChannel } from "./request-object.resolver.js";
import { defaultResponseMode, effectiveResponseMode, normalizeResponseType, PROMPT_VALUES, RESPONSE_MODES, returnsTokens } from "./response-types.js";
import { responseTypesOf } from "../../plugin-sdk/client-metadata-defaults.js";

/** Options of {@link AuthorizationRequestValidator.validate}. */
export interface ValidationOptions {
  via: RequestChannel;
  /** At /par: the authenticated client (RFC 9126 §2.1); at /authorize the client comes from client_id. */
  client?: Client;
}

const MODES: ReadonlySet<string> = new Set(RESPONSE_MODES);
/** Modes delivered by an auto-submitted HTML form, which only a web redirect URI can receive (OAuth 2.0 Form Post Response Mode §2). */
const FORM_POST_MODES: ReadonlySet<string> = new Set(["form_post", "form_post.jwt"]);
const isWebUri = (uri: string) => /^https?:\/\//i.test(uri);
const QUERY_MODES: ReadonlySet<string> = new Set(["query", "query.jwt"]);
const PROMPTS: ReadonlySet<string> = new Set(PROMPT_VALUES);
/** Authorization request parameters that may appear once only (RFC 6749 §3.1); `resource` may repeat (RFC 8707 §2). */
const SINGLE_VALUED: ReadonlySet<string> = new Set([
  "response_type",
  "client_id",
  "redirect_uri",
  "scope",
  "state",
  "response_mode",
  "nonce",
  "display",
  "prompt",
  "max_age",
  "ui_locales",
  "claims_locales",
  "id_token_hint",
  "login_hint",
  "acr_values",
  "claims",
  "request",
  "request_uri",
  "code_challenge",
  "code_challenge_method",
  "dpop_jkt",
]);
/** A JWK SHA-256 thumbprint (RFC 7638 §3, RFC 9449 §10): 32 bytes, base64url. */
const JWK_THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;
const MAX_AGE = /^(?:0|[1-9][0-9]{0,9})$/;

/** A repeated client_id or redirect_uri: refused before there is a target, so an error page (RFC 6749 §4.1.2.1). */
function refuseRepeated(params: FormParams, name: string): void {
  try {
    params.rejectRepeated({ only: [name] });
  } catch (error) {
    throw new AuthorizationEndpointError(error as OAuthError);
  }
}
const split = (value: string | undefined) => (value ?? "").split(" ").filter(Boolean);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/**
 * Validates authorization requests (RFC 6749 §4.1.1, OIDC Core §3.1.2.1–3.3.2, RFC 7636 §4.3, RFC 9101, RFC 9126) in an
 * order that decides where errors go: the client, request/request_uri and redirect_uri failures carry no target (an
 * error page, never a redirect, RFC 6749 §4.1.2.1); every later failure carries the validated target.
 */
@injectable()
export class AuthorizationRequestValidator {
  private readonly supportedTypes: ReadonlySet<string>;

  constructor(
    @inject(ClientCache) private readonly clients: ClientCache,
    @inject(RequestObjectResolver) private readonly resolver: RequestObjectResolver,
    @inject(AccessPolicy) private readonly policy: AccessPolicy,
    @inject(DI.Capabilities) capabilities: Capabilities,
    @inject(DI.Config) private readonly config: Config,
  ) {
    this.supportedTypes = new Set(capabilities.responseTypes.map(normalizeResponseType));
  }

  /** The validated request; throws AuthorizationEndpointError (with a target once client and redirect_uri are validated). */
  async validate(params: FormParams, options: ValidationOptions): Promise<AuthorizationRequest> {
    return (await this.check(params, options)).request;
  }

  /** For /par: validates like `validate` and returns the resolved parameters to store (RFC 9126 §2.1). */
  async validateForPush(params: FormParams, client: Client): Promise<PushedParams> {
    const { resolved } = await this.check(params, { via: "par", client });
    const pushed: PushedParams = {};
    for (const name of resolved.names()) {
      const values = resolved.getAll(name);
      if (values.length > 0) pushed[name] = values.length === 1 ? values[0]! : values;
    }
    pushed.client_id = client.clientId;
    return pushed;
  }

  private async check(params: FormParams, options: ValidationOptions): Promise<{ request: AuthorizationRequest; resolved: FormParams }> {
    const client = await this.client(params, options);
    const resolution = await this.resolver.resolve(params, client, options.via).catch((error: unknown) => {
      throw isOAuthError(error) ? new AuthorizationEndpointError(error) : error;
    });
    // RFC 9101 §10.5: the client registered that its requests come only as request objects; there is no trusted target yet.
    if (client.metadata.require_signed_request_object === true && !resolution.signed) {
      throw new AuthorizationEndpointError(OAuthErrors.invalidRequest("this client must send its authorization requests as signed request objects"));
    }
    const p = resolution.params;
    const redirectUri = this.redirectUri(p, client);
    const responseType = p.has("response_type") ? normalizeResponseType(p.get("response_type")!) : undefined;
    const target = this.target(p, client, redirectUri, responseType);
    try {
      const request = await this.checkAgainstTarget(p, target, responseType, options.via, resolution.pushedRequestUri);
      return { request, resolved: p };
    } catch (error) {
      throw isOAuthError(error) ? new AuthorizationEndpointError(error, target) : error;
    }
  }

  /** Everything after the target is known; plain OAuthErrors thrown here are redirected to it (RFC 6749 §4.1.2.1). */
  private async checkAgainstTarget(
    p: FormParams,
    target: ResponseTarget,
    responseType: string | undefined,
    via: RequestChannel,
    pushedRequestUri: string | undefined,
  ): Promise<AuthorizationRequest> {
    const { client } = target;
    p.rejectRepeated({ only: SINGLE_VALUED });
    if (responseType === undefined) throw OAuthErrors.invalidRequest("response_type is required");
    if (!this.supportedTypes.has(responseType)) throw OAuthErrors.unsupportedResponseType("response_type is not supported");
    if (!responseTypesOf(client.metadata).map(normalizeResponseType).includes(responseType)) {
      throw OAuthErrors.unsupportedResponseType(`response_type "${responseType}" is not enabled for this client`);
    }
    const mode = p.get("response_mode");
    if (mode !== undefined && !MODES.has(mode)) throw OAuthErrors.invalidRequest("response_mode is not supported");
    if (mode !== undefined && QUERY_MODES.has(mode) && target.returnsTokens) {
      throw OAuthErrors.invalidRequest(`response_mode "${mode}" must not be used with a response type that returns tokens`);
    }
    if (mode !== undefined && FORM_POST_MODES.has(mode) && !isWebUri(target.redirectUri)) {
      throw OAuthErrors.invalidRequest(`response_mode "${mode}" needs an http or https redirect_uri`);
    }

    const access = await this.policy.resolve({ client, scope: p.get("scope"), resources: p.getAll("resource") });
    const openid = access.scopes.includes("openid");
    const idToken = responseType.split(" ").includes("id_token");
    if (idToken && !openid) throw OAuthErrors.invalidRequest("response types with id_token require the openid scope");
    const nonce = p.get("nonce");
    if (idToken && nonce === undefined) throw OAuthErrors.invalidRequest("nonce is required for response types returning an ID token");
    const prompt = this.prompt(p);
    const maxAge = this.maxAge(p, client);
    const claims = this.claims(p);
    const pkce = this.pkce(p, client, responseType);
    const dpopJkt = p.get("dpop_jkt");
    if (dpopJkt !== undefined && !JWK_THUMBPRINT.test(dpopJkt)) throw OAuthErrors.invalidRequest("dpop_jkt must be a JWK SHA-256 thumbprint");
    const parRequired = client.metadata.require_pushed_authorization_requests === true || this.config.requirePar;
    if (parRequired && via === "authorize" && pushedRequestUri === undefined) {
      throw OAuthErrors.invalidRequest("authorization requests must be pushed to the pushed authorization request endpoint");
    }
    return {
      ...target,
      responseType,
      redirectUriParam: p.get("redirect_uri"),
      scopes: access.scopes,
      resources: access.resources,
      openid,
      nonce,
      prompt,
      maxAge,
      acrValues: p.has("acr_values") ? split(p.get("acr_values")) : [...(client.metadata.default_acr_values ?? [])],
      loginHint: p.get("login_hint"),
      idTokenHint: p.get("id_token_hint"),
      claims,
      uiLocales: split(p.get("ui_locales")),
      ...pkce,
      dpopJkt,
      pushedRequestUri,
    };
  }

  /** The client: the authenticated one at /par (a differing client_id is invalid_request), else the registered client_id (RFC 6749 §4.1.2.1). */
  private async client(params: FormParams, options: ValidationOptions): Promise<Client> {
    const refuse = (description: string): never => {
      throw new AuthorizationEndpointError(OAuthErrors.invalidRequest(description));
    };
    refuseRepeated(params, "client_id");
    const clientId = params.get("client_id");
    if (options.client) {
      if (clientId !== undefined && clientId !== options.client.clientId) refuse("client_id does not match the authenticated client");
      return options.client;
    }
    if (clientId === undefined) return refuse("client_id is required");
    return (await this.clients.find(clientId)) ?? refuse("client_id is not a registered client");
  }

  /**
   * The registered redirect URI this request names (RFC 6749 §3.1.2.3, RFC 8252 §7.3); required with the openid scope
   * (OIDC Core §3.1.2.1) or when several are registered. Failures have no target: an error page, never a redirect.
   */
  private redirectUri(params: FormParams, client: Client): string {
    const refuse = (description: string): never => {
      throw new AuthorizationEndpointError(OAuthErrors.invalidRequest(description));
    };
    refuseRepeated(params, "redirect_uri");
    const requested = params.get("redirect_uri");
    const registered = client.metadata.redirect_uris ?? [];
    if (requested === undefined && (split(params.get("scope")).includes("openid") || registered.length !== 1)) refuse("redirect_uri is required");
    return matchRedirectUri(requested, registered) ?? refuse("redirect_uri is not registered for this client");
  }

  /** Where errors and the response go; the mode is the requested one when usable, else the response type's default. */
  private target(params: FormParams, client: Client, redirectUri: string, responseType: string | undefined): ResponseTarget {
    const type = responseType ?? "code";
    const tokens = returnsTokens(type);
    const requested = params.get("response_mode");
    const usable =
      requested !== undefined && MODES.has(requested) && !(tokens && QUERY_MODES.has(requested)) && !(FORM_POST_MODES.has(requested) && !isWebUri(redirectUri));
    const responseMode = usable ? effectiveResponseMode(requested as ResponseMode, type) : defaultResponseMode(type);
    const state = params.count("state") === 1 ? params.get("state") : undefined;
    return { client, redirectUri, responseMode, state, returnsTokens: tokens };
  }


  /**
   * PKCE (RFC 7636 §4.3, RFC 9700 §2.1.1) for response types with a code: required for public clients, clients with
   * require_pkce and under PKCE_REQUIRED; S256, plain only under PKCE_PLAIN_ALLOWED.
   */
  private pkce(params: FormParams, client: Client, responseType: string): { codeChallenge?: string; codeChallengeMethod?: PkceMethod } {
    if (!responseType.split(" ").includes("code")) return {};
    const challenge = params.get("code_challenge");
    const method = params.get("code_challenge_method");
    if (challenge === undefined) {
      const required = client.metadata.token_endpoint_auth_method === "none" || client.metadata.require_pkce === true || this.config.pkceRequired;
      if (required) throw OAuthErrors.invalidRequest("code_challenge is required (PKCE)");
      if (method !== undefined) throw OAuthErrors.invalidRequest("code_challenge_method requires code_challenge");
      return {};
    }
    return { codeChallenge: challenge, codeChallengeMethod: validateChallenge(challenge, method, { plainAllowed: this.config.pkcePlainAllowed }) };
  }

  /** `prompt` as a set; unknown values, or none with another value, are invalid_request (OIDC Core §3.1.2.1). */
  private prompt(params: FormParams): ReadonlySet<Prompt> {
    const values = split(params.get("prompt"));
    const unknown = values.find((v) => !PROMPTS.has(v));
    if (unknown !== undefined) throw OAuthErrors.invalidRequest("prompt contains an unsupported value");
    const prompts = new Set(values as Prompt[]);
    if (prompts.has("none") && prompts.size > 1) throw OAuthErrors.invalidRequest("prompt=none must not be combined with other values");
    return prompts;
  }

  /** `max_age` in seconds, a non-negative integer, defaulting to the client's default_max_age (OIDC Core §3.1.2.1, Registration §2). */
  private maxAge(params: FormParams, client: Client): number | undefined {
    const raw = params.get("max_age");
    if (raw === undefined) return client.metadata.default_max_age;
    if (!MAX_AGE.test(raw)) throw OAuthErrors.invalidRequest("max_age must be a non-negative integer");
    return Number(raw);
  }

  /** The `claims` parameter: a JSON object whose id_token and userinfo members are objects of claim requests (OIDC Core §5.5). */
  private claims(params: FormParams): RequestedClaims | undefined {
    const raw = params.get("claims");
    if (raw === undefined) return undefined;
    const invalid = () => OAuthErrors.invalidRequest("claims must be a JSON object whose id_token and userinfo members are objects");
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch (cause) {
      throw OAuthErrors.invalidRequest("claims must be a JSON object", { cause });
    }
    if (!isObject(parsed)) throw invalid();
    const claims: RequestedClaims = {};
    for (const member of ["id_token", "userinfo"] as const) {
      const requests = parsed[member];
      if (requests === undefined) continue;
      if (!isObject(requests) || !Object.values(requests).every((r) => r === null || isObject(r))) throw invalid();
      claims[member] = requests as Record<string, ClaimRequest>;
    }
    return claims;
  }
}
