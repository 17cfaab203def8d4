import { Code, ConnectError } from "@connectrpc/connect";
import { InternalScopes } from "../../core/policy/scopes.js";
import { TrustedIssuerService } from "../../../gen/portcullis/trust/v1/trust_pb.js";
import { toTrustedIssuerInput, toTrustedIssuerMessage } from "./mappers/trusted-issuer.mapper.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { defineRpc, type RpcService } from "./rpc-service.js";

/** TrustedIssuerService: the operator's registry of trusted JWT issuers (RFC 7523 §3); bad input is INVALID_ARGUMENT with invalid_request. */
export function trustedIssuerRpc({ trustedIssuers }: Pick<InternalRpcDeps, "trustedIssuers">): RpcService {
  const notFound = () => new ConnectError("trusted issuer not found", Code.NotFound);
  return defineRpc(
    TrustedIssuerService,
    {
      putTrustedIssuer: InternalScopes.issuersWrite,
      getTrustedIssuer: InternalScopes.issuersRead,
      listTrustedIssuers: InternalScopes.issuersRead,
      deleteTrustedIssuer: InternalScopes.issuersWrite,
    },
    {
      async putTrustedIssuer(request) {
        return { trustedIssuer: toTrustedIssuerMessage(await trustedIssuers.put(toTrustedIssuerInput(request.trustedIssuer))) };
      },

      async getTrustedIssuer(request) {
        const issuer = request.issuer ? await trustedIssuers.get(request.issuer) : undefined;
        if (!issuer) throw notFound();
        return { trustedIssuer: toTrustedIssuerMessage(issuer) };
      },

      async listTrustedIssuers() {
        return { trustedIssuers: (await trustedIssuers.list()).map(toTrustedIssuerMessage) };
      },

      async deleteTrustedIssuer(request) {
        if (!request.issuer || !(await trustedIssuers.delete(request.issuer))) throw notFound();
        return {};
      },
    },
  );
}
