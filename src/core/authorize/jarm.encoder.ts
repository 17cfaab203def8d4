import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import type { Client } from "../../plugin-sdk/client.js";
import { DI } from "../di-tokens.js";
import { isSigningAlg, JwtSigner } from "../keys/jwt-signer.js";
import type { Clock } from "../ports/clock.js";
import { authorizationResponseAlgOf } from "../../plugin-sdk/client-metadata-defaults.js";

/** Lifetime of a JARM response JWT in seconds; JARM §2.1 recommends at most 10 minutes. */
export const JARM_TTL = 300;

/**
 * Encodes authorization response parameters (success or error) as a signed JWT (JARM §2.1, §2.2): iss, aud = client_id,
 * exp, plus every parameter; signed with the client's authorization_signed_response_alg, RS256 when it registered none.
 */
@injectable()
export class JarmEncoder {
  constructor(
    @inject(DI.Config) private readonly config: Config,
    @inject(DI.Clock) private readonly clock: Clock,
    @inject(JwtSigner) private readonly signer: JwtSigner,
  ) {}

  /** Returns the compact JWS for the `response` parameter (JARM §2.3); never unsigned ("none" is refused at registration). */
  encode(client: Client, params: Readonly<Record<string, string>>): string {
    const alg = authorizationResponseAlgOf(client.metadata);
    if (!isSigningAlg(alg)) throw new Error(`authorization_signed_response_alg "${alg}" is not supported`);
    const iat = Math.floor(this.clock.now() / 1000);
    return this.signer.sign(alg, "JWT", { ...params, iss: this.config.issuer, aud: client.clientId, iat, exp: iat + JARM_TTL });
  }
}
