import type { Client } from "../../plugin-sdk/client.js";

/**
 * An internal service calling over gRPC (DESIGN "Listeners"), not a client authenticated at an HTTP endpoint: its
 * `scopes` are the internal scopes its credential carries (an access token's, or `GRPC_MTLS_CALLERS` for a
 * certificate). `client` is the registered client its access token was issued to, whose `hooks` apply; a caller
 * known only by its certificate has none.
 */
export interface InternalCaller {
  readonly kind: "internal";
  readonly scopes: readonly string[];
  readonly client: Client | undefined;
}
