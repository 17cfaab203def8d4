import { inject, injectable } from "tsyringe";
import { OAuthErrors, type OAuthError } from "../../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../../plugin-sdk/request.js";
import { DpopProofVerifier, type DpopProofFailure } from "./dpop-proof.verifier.js";

/** Every `DPoP` header value of a request (RFC 9449 §4.1); repeated headers stay separate, so two are caught. */
export function dpopHeaderValues(request: Pick<EndpointRequest, "headers">): readonly string[] {
  const value = request.headers.dpop;
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** A refused proof as the authorization server answers it: 400, and for use_dpop_nonce the nonce in `DPoP-Nonce` (RFC 9449 §5, §8). */
export function authorizationServerProofError(failure: DpopProofFailure): OAuthError {
  const headers = failure.nonce === undefined ? undefined : { "dpop-nonce": failure.nonce };
  return failure.error === "use_dpop_nonce" ? OAuthErrors.useDpopNonce(failure.description, { headers }) : OAuthErrors.invalidDpopProof(failure.description);
}

/** The DPoP proof of a request to an authorization-server endpoint (token, PAR, plugin endpoints; RFC 9449 §5, §10). */
@injectable()
export class DpopRequestKey {
  constructor(@inject(DpopProofVerifier) private readonly verifier: DpopProofVerifier) {}

  /** The JWK thumbprint of the request's proof, undefined without a `DPoP` header; a bad proof throws the 400 error. */
  async of(request: EndpointRequest): Promise<string | undefined> {
    const proofs = dpopHeaderValues(request);
    if (proofs.length === 0) return undefined;
    const result = await this.verifier.verify({ proofs, method: request.method, url: request.url });
    if (!result.valid) throw authorizationServerProofError(result);
    return result.jkt;
  }
}
