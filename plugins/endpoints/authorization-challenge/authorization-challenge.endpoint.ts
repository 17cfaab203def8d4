import {
  confirmationOf,
  inject,
  injectable,
  OAuthErrors,
  PluginTokens,
  proves,
  type AuthenticatedClient,
  type AuthorizationCodes,
  type ClientAuthentication,
  type DirectSignIn,
  type DirectSignInProgress,
  type EndpointRequest,
  type EndpointResponse,
  type FormParams,
  type PluginClock,
  type PublicEndpoint,
  type SenderProofs,
  type SingleUseStore,
} from "portcullis/plugin-sdk";
import { AUTH_SESSION_TTL_MS, AuthSessions, type AuthSession, type ChallengeRequest } from "./auth-sessions.js";
import { challengeAllowed } from "./challenge-allowed.field.js";
import { authorizationCode, insufficientAuthorization, invalidSession, redirectToWeb, throttled } from "./challenge-responses.js";
import { postable, submittedFields } from "./step-fields.js";

/**
 * The authorization challenge endpoint (OAuth 2.0 for First-Party Applications, draft-ietf-oauth-first-party-apps-04
 * §4.1, §5): an operator-allowed client runs core's sign-in step by step (the login pages' authenticators and lockout),
 * carried by a rotating auth_session, and gets a PKCE-bound authorization code to redeem at the token endpoint.
 */
@injectable()
export class AuthorizationChallengeEndpoint implements PublicEndpoint {
  readonly path = "/authorize-challenge";
  readonly methods = ["POST"] as const;
  readonly metadataMember = "authorization_challenge_endpoint";
  private readonly sessions: AuthSessions;

  constructor(
    @inject(PluginTokens.ClientAuthentication) private readonly clients: ClientAuthentication,
    @inject(PluginTokens.DirectSignIn) private readonly signIn: DirectSignIn,
    @inject(PluginTokens.AuthorizationCodes) private readonly codes: AuthorizationCodes,
    @inject(PluginTokens.SingleUse) store: SingleUseStore,
    @inject(PluginTokens.Clock) private readonly clock: PluginClock,
    @inject(PluginTokens.SenderProofs) private readonly proofs: SenderProofs,
  ) {
    this.sessions = new AuthSessions(store, clock);
  }

  async handle(http: EndpointRequest): Promise<EndpointResponse> {
    http.params.rejectRepeated({ repeatable: ["resource"] });
    const presented = http.params.get("auth_session");
    return presented === undefined ? this.begin(http) : this.resume(http, presented);
  }

  /** The initial request (draft §5.1): client authentication as at the token endpoint, then the authorization request. */
  private async begin(http: EndpointRequest): Promise<EndpointResponse> {
    const client = await this.clients.authenticate(http, { allowPublic: true });
    if (namesAnotherClient(http, client.client.clientId)) throw OAuthErrors.invalidRequest("client_id does not match the authenticated client");
    assertAllowed(client);
    const request = challengeRequestOf(http.params);
    await this.codes.check({ client: client.client, ...request });
    const binding = await this.proofs.presented(http, client.client);
    const session = { clientId: client.client.clientId, request, expiresAt: this.clock.now() + AUTH_SESSION_TTL_MS, ...(confirmationOf(binding) && { binding }) };
    return this.proceed(http, client, session, await this.signIn.begin());
  }

  /**
   * A follow-up (draft §5.3.1): the auth_session names the client, which authenticates again unless public; another
   * client's session, or a used one, is invalid_session. A session started with a DPoP proof needs a proof of the same
   * key (draft §9.6.1); without it the follow-up is invalid_session and the session stays for its key holder.
   */
  private async resume(http: EndpointRequest, presented: string): Promise<EndpointResponse> {
    const session = await this.sessions.find(presented);
    if (!session) throw invalidSession();
    const client = await this.clients.authenticate(withClientId(http, session.clientId), { allowPublic: true });
    if (client.client.clientId !== session.clientId || namesAnotherClient(http, session.clientId)) {
      await this.sessions.discard(presented);
      throw invalidSession("auth_session was issued to another client");
    }
    assertAllowed(client);
    if (!proves(await this.proofs.presented(http, client.client), session.binding)) throw invalidSession("auth_session is bound to a key this request did not prove");
    if (!(await this.sessions.take(presented))) throw invalidSession();
    return this.proceed(http, client, session, await this.signIn.current(session.signIn));
  }

  /**
   * Runs the current step when the request carries all its fields, then answers with the next step or the code. Consent
   * is the browser's: only clients that skip it continue here (docs/decisions.md "First-party apps").
   */
  private async proceed(http: EndpointRequest, client: AuthenticatedClient, session: Omit<AuthSession, "signIn">, progress: DirectSignInProgress): Promise<EndpointResponse> {
    if (client.client.metadata.skip_consent !== true) throw redirectToWeb("the end-user must consent in the browser");
    assertPostable(progress);
    const fields = submittedFields(progress.prompt, http.params);
    if (!fields) return this.ask(session, progress, `sign in with ${progress.prompt.authenticator}`);
    const outcome = await this.signIn.submit(progress.state, { authenticator: progress.prompt.authenticator, fields }, http.remoteAddress);
    switch (outcome.kind) {
      case "done":
        return authorizationCode(await this.codes.issue({ client: client.client, ...session.request, authentication: outcome.authentication, binding: session.binding }));
      case "next":
        assertPostable(outcome);
        return this.ask(session, outcome, `sign in with ${outcome.prompt.authenticator} as well`);
      case "invalid":
        return this.ask(session, outcome, "the submitted credentials are not valid");
      case "throttled":
        return throttled(await this.rotate(session, outcome), outcome.retryAfterSeconds);
    }
  }

  private async ask(session: Omit<AuthSession, "signIn">, progress: DirectSignInProgress, description: string): Promise<EndpointResponse> {
    return insufficientAuthorization(await this.rotate(session, progress), progress.prompt, description);
  }

  /** A new auth_session for the sign-in's next state (draft §5.3.1: every response may carry a new one). */
  private async rotate(session: Omit<AuthSession, "signIn">, progress: DirectSignInProgress): Promise<string> {
    const value = await this.sessions.issue({ ...session, signIn: progress.state });
    if (value === undefined) throw invalidSession("auth_session expired");
    return value;
  }
}

/** Only clients an operator allowed: the server cannot tell a first-party app by itself (draft §5, §9.1). */
function assertAllowed({ client }: AuthenticatedClient): void {
  if (!challengeAllowed.isOn(client.metadata)) throw OAuthErrors.unauthorizedClient("the client may not use the authorization challenge endpoint");
}

/** A step this endpoint cannot run sends the user to the browser (draft §5.2.2.1.1). */
function assertPostable({ prompt }: DirectSignInProgress): void {
  if (!postable(prompt)) throw redirectToWeb(`the ${prompt.authenticator} step needs the browser`);
}

/** A client_id parameter naming another client than the one determined otherwise (draft §5.1: MUST be rejected). */
function namesAnotherClient(http: EndpointRequest, clientId: string): boolean {
  const named = http.params.get("client_id");
  return named !== undefined && named !== clientId;
}

/** The authorization request parameters this endpoint acts on (draft §4.1, §5.1); others without meaning here are ignored. */
function challengeRequestOf(params: FormParams): ChallengeRequest {
  const responseType = params.get("response_type");
  if (responseType === undefined) throw OAuthErrors.invalidRequest("response_type is required");
  if (responseType !== "code") throw OAuthErrors.unsupportedResponseType("response_type must be code");
  return {
    scope: params.get("scope"),
    resources: params.getAll("resource"),
    codeChallenge: params.get("code_challenge"),
    codeChallengeMethod: params.get("code_challenge_method"),
    nonce: params.get("nonce"),
  };
}

/** The request naming the session's client when it names none itself (draft §5.1: the auth_session identifies the client). */
function withClientId(http: EndpointRequest, clientId: string): EndpointRequest {
  if (http.params.count("client_id") > 0) return http;
  const params = http.params.pick(new Set(http.params.names()));
  params.append("client_id", clientId);
  return { ...http, params };
}
