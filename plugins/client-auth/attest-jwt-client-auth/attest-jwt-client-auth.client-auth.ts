import { decodeJwt, decodeProtectedHeader } from "jose";
import {
  ClientAttestationHeaders,
  grantTypesOf,
  inject,
  injectable,
  OAuthErrors,
  PluginTokens,
  type AttestationChallenges,
  type Attestations,
  type AuthenticatedClient,
  type ClientAuthContext,
  type ClientAuthenticator,
  type ClientMetadata,
  type EndpointRequest,
  type PluginClock,
  type SingleUseStore,
} from "portcullis/plugin-sdk";
import { AttestationPopVerifier } from "./attestation-pop.js";

/** Seconds a PoP is accepted after its `iat` unless the `popMaxAge` option says otherwise. */
const DEFAULT_POP_MAX_AGE = 60;

/** The one value of header `name`; undefined when absent or sent more than once (§7.1 item 1, §7.2 item 1: precisely one). */
function single(request: EndpointRequest, name: string): string | undefined {
  const value = request.headers[name];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** A claim or header member of a JWT, unverified: only a hint of which client and verifier to use. */
function peek(jwt: string | undefined, read: (jwt: string) => unknown): string | undefined {
  if (jwt === undefined) return undefined;
  try {
    const value = read(jwt);
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `attest_jwt_client_auth` (draft-ietf-oauth-attestation-based-client-auth-11 §7.5): a Client Attestation JWT from a
 * trusted attester in `OAuth-Client-Attestation` and its proof of possession in `OAuth-Client-Attestation-PoP`. The
 * attestation is appraised by the enabled attestation verifiers (by its `typ`), the PoP here; `client_id`, when sent,
 * must be the attestation's `sub` (§7.5). DPoP combined mode (`attest_jwt_client_auth_dpop`) is not offered.
 */
@injectable()
export class AttestJwtClientAuth implements ClientAuthenticator {
  readonly method = "attest_jwt_client_auth";
  readonly parameters = ["client_id"] as const;
  private readonly pop: AttestationPopVerifier;

  constructor(
    @inject(PluginTokens.Attestations) private readonly attestations: Attestations,
    @inject(PluginTokens.AttestationChallenges) challenges: AttestationChallenges,
    @inject(PluginTokens.SingleUse) singleUse: SingleUseStore,
    @inject(PluginTokens.Issuer) issuer: string,
    @inject(PluginTokens.Clock) clock: PluginClock,
    @inject(PluginTokens.ClockTolerance) clockTolerance: number,
    @inject(PluginTokens.Options) options: Readonly<Record<string, unknown>> = {},
  ) {
    const maxAge = options.popMaxAge ?? DEFAULT_POP_MAX_AGE;
    if (!Number.isInteger(maxAge) || (maxAge as number) < 1) throw new RangeError("popMaxAge must be a positive whole number of seconds");
    if (options.requireChallenge !== undefined && typeof options.requireChallenge !== "boolean") throw new RangeError("requireChallenge must be a boolean");
    const policy = { issuer, maxAge: maxAge as number, clockTolerance, requireChallenge: options.requireChallenge === true, now: () => clock.now() };
    this.pop = new AttestationPopVerifier(policy, singleUse, challenges);
  }

  /** Either attestation header claims the request, so a PoP without its attestation fails here rather than as another method. */
  detect(request: EndpointRequest): boolean {
    return request.headers[ClientAttestationHeaders.attestation] !== undefined || request.headers[ClientAttestationHeaders.pop] !== undefined;
  }

  claimedClientId(request: EndpointRequest): string | undefined {
    return request.params.get("client_id") ?? peek(single(request, ClientAttestationHeaders.attestation), (jwt) => decodeJwt(jwt).sub);
  }

  /** The attestation first (§2: RECOMMENDED before the PoP), then the client, then the PoP with the attested key. */
  async authenticate(request: EndpointRequest, ctx: ClientAuthContext): Promise<AuthenticatedClient> {
    const attestation = single(request, ClientAttestationHeaders.attestation);
    const pop = single(request, ClientAttestationHeaders.pop);
    if (attestation === undefined) throw OAuthErrors.invalidClientAttestation("exactly one OAuth-Client-Attestation header is required");
    if (pop === undefined) {
      const combined = request.headers.dpop !== undefined;
      throw OAuthErrors.invalidClientAttestation(combined ? "DPoP combined mode is not supported: send an OAuth-Client-Attestation-PoP header" : "exactly one OAuth-Client-Attestation-PoP header is required");
    }
    const clientId = this.claimedClientId(request);
    if (clientId === undefined) throw OAuthErrors.invalidClientAttestation("the client attestation names no client (sub)");
    const format = peek(attestation, (jwt) => decodeProtectedHeader(jwt).typ) ?? "";
    const result = await this.attestations.verify({ format, value: attestation }, { purpose: "client-authentication", clientId });
    if (!result.ok) {
      const description = `client attestation rejected: ${result.description}`;
      throw result.reason === "expired" ? OAuthErrors.useFreshAttestation(description) : OAuthErrors.invalidClientAttestation(description);
    }
    const { instanceKey } = result.attestation;
    if (!instanceKey) throw OAuthErrors.invalidClientAttestation("client attestation rejected: it binds no instance key (cnf.jwk)");
    const client = await ctx.findClient(clientId);
    if (!client) throw OAuthErrors.invalidClient("client authentication failed");
    await this.pop.verify(pop, instanceKey);
    return { client, method: this.method };
  }

  /** Refresh tokens are not yet bound to the client instance key, which §10.3 requires, so the grant is refused for now. */
  validateMetadata(metadata: Readonly<ClientMetadata>): void {
    if (grantTypesOf(metadata).includes("refresh_token")) {
      throw OAuthErrors.invalidClientMetadata(`token_endpoint_auth_method ${this.method} cannot use refresh_token yet: refresh tokens are not bound to the client instance key`);
    }
  }
}
