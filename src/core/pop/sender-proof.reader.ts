import { inject, injectable } from "tsyringe";
import type { Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../plugin-sdk/request.js";
import { UNBOUND, type SenderBinding, type SenderProofs } from "../../plugin-sdk/sender-binding.js";
import { DpopRequestKey } from "./dpop/dpop-request-key.js";

/**
 * Reads, once per token-issuing request and before any grant runs, what the request proves it holds (DESIGN "Proof of
 * possession is core's"): a DPoP proof (RFC 9449 §5) and a client certificate (RFC 8705 §3).
 */
@injectable()
export class SenderProofReader implements SenderProofs {
  constructor(@inject(DpopRequestKey) private readonly dpop: DpopRequestKey) {}

  /** The binding for tokens issued to `client` at `request`; throws the RFC error when a required or presented proof fails. */
  async read(request: EndpointRequest, client: Client): Promise<SenderBinding> {
    const binding = await this.presented(request);
    // RFC 9449 §5.2: a client registered with dpop_bound_access_tokens gets no token without a proof (corpus F37).
    if (client.metadata.dpop_bound_access_tokens === true && binding.jkt === undefined) throw OAuthErrors.invalidDpopProof("this client must send a DPoP proof");
    return binding;
  }

  /** What `request` proves, when it carries a proof (PAR, RFC 9449 §10; plugin endpoints); nothing is required. */
  async presented(request: EndpointRequest): Promise<SenderBinding> {
    const jkt = await this.dpop.of(request);
    return jkt === undefined ? UNBOUND : { jkt };
  }
}
