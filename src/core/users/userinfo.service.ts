import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { ClaimsProvider } from "../../plugin-sdk/hooks.js";
import { ClientCache } from "../clients/client-cache.js";
import { DI } from "../di-tokens.js";
import { isSigningAlg, JwtSigner } from "../keys/jwt-signer.js";
import type { DurableStorage } from "../ports/repositories.js";
import type { ActiveToken } from "../tokens/access-token.js";
import { ClaimsProvidersToken, collectClaims } from "../tokens/claims-providers.js";
import { SubjectResolver } from "./subject-resolver.js";
import { UserinfoClaimsRequests } from "./userinfo-claims-requests.store.js";

/** A UserInfo response: JSON claims, or a JWS when the client registered `userinfo_signed_response_alg` (OIDC Core §5.3.2). */
export type UserinfoResponse = { format: "json"; claims: Record<string, unknown> } | { format: "jwt"; jwt: string };

/** Builds UserInfo responses for validated access tokens (OIDC Core §5.3). */
@injectable()
export class UserinfoService {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Durable) private readonly storage: DurableStorage,
    @inject(ClientCache) private readonly clients: ClientCache,
    @inject(SubjectResolver) private readonly subjects: SubjectResolver,
    @inject(UserinfoClaimsRequests) private readonly requests: UserinfoClaimsRequests,
    @inject(ClaimsProvidersToken) private readonly providers: readonly ClaimsProvider[],
    @inject(JwtSigner) private readonly signer: JwtSigner,
  ) {}

  /**
   * `sub` as the token's client sees it plus the providers' claims for the token's scopes and the claims request;
   * undefined when the user no longer exists or is disabled, or the client is gone (the token is then invalid_token).
   */
  async respond(token: ActiveToken): Promise<UserinfoResponse | undefined> {
    const [user, client, requestedClaims] = await Promise.all([
      this.storage.users.findById(token.subject),
      this.clients.find(token.clientId),
      this.requests.find(token.jti),
    ]);
    if (!user || user.disabled || !client) return undefined;
    const [sub, provided] = await Promise.all([
      this.subjects.forClient(client, user.id),
      collectClaims(this.providers, { subject: user.id, client, scopes: token.scopes, target: "userinfo", ...(requestedClaims ? { requestedClaims } : {}) }),
    ]);
    const claims = { sub, ...provided };
    const alg = client.metadata.userinfo_signed_response_alg;
    if (alg === undefined) return { format: "json", claims };
    if (!isSigningAlg(alg)) throw new Error(`userinfo_signed_response_alg "${alg}" is not supported`);
    return { format: "jwt", jwt: this.signer.sign(alg, "JWT", { ...claims, iss: this.config.issuer, aud: client.clientId }) };
  }
}
