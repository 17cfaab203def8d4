import { inject, injectable } from "tsyringe";
import type { Client } from "../../plugin-sdk/client.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../plugin-sdk/request.js";
import { UNBOUND, type SenderBinding, type SenderProofs } from "../../plugin-sdk/sender-binding.js";
import { certificateThumbprint } from "../security/certificate-thumbprint.js";
import { DpopRequestKey } from "./dpop/dpop-request-key.js";

/**
 * Reads, once per token-issuing request and before any grant runs, what the request proves it holds (DESIGN "Proof of
 * possession is core's"): a DPoP proof (RFC 9449 §5) and a client certificate (RFC 8705 §3). A request may prove both;
 * what is minted is then bound to both.
 */
@injectable()
export class SenderProofReader implements SenderProofs {
  constructor(@inject(DpopRequestKey) private readonly dpop: DpopRequestKey) {}

  /** The binding for tokens issued to `client` at `request`; throws the RFC error when a required or presented proof fails. */
  async read(request: EndpointRequest, client: Client): Promise<SenderBinding> {
    const binding = await this.presented(request, client);
    // RFC 9449 §5.2: a client registered with dpop_bound_access_tokens gets no token without a proof (corpus F37).
    if (client.metadata.dpop_bound_access_tokens === true && binding.jkt === undefined) throw OAuthErrors.invalidDpopProof("this client must send a DPoP proof");
    // RFC 8705 §3: a client registered for certificate-bound tokens gets no unbound token (corpus G46).
    if (certificateBound(client) && binding.x5tS256 === undefined) {
      throw OAuthErrors.invalidRequest("this client's tokens are bound to its TLS client certificate: send the request over mutual TLS (mtls_endpoint_aliases)");
    }
    return binding;
  }

  /** What `request` proves for `client` (PAR, RFC 9449 §10; plugin endpoints); nothing is required. */
  async presented(request: EndpointRequest, client: Client): Promise<SenderBinding> {
    const jkt = await this.dpop.of(request);
    const der = certificateBound(client) ? request.clientCertificate?.der : undefined;
    const x5tS256 = der && certificateThumbprint(der);
    if (jkt === undefined && x5tS256 === undefined) return UNBOUND;
    return { ...(jkt !== undefined && { jkt }), ...(x5tS256 !== undefined && { x5tS256 }) };
  }
}

/** Whether the client registered for certificate-bound access tokens (RFC 8705 §3.4); only then does a certificate bind. */
function certificateBound(client: Client): boolean {
  return client.metadata.tls_client_certificate_bound_access_tokens === true;
}
