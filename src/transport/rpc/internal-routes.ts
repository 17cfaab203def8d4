import type { DescMethod } from "@bufbuild/protobuf";
import type { ConnectRouter } from "@connectrpc/connect";
import { answerMalformedRequestsAsInvalidArgument } from "./malformed-request.js";
import { clientRegistryRpc } from "./client-registry.rpc.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import type { RpcService } from "./rpc-service.js";
import { sessionRpc } from "./session.rpc.js";
import { tokenRpc } from "./token.rpc.js";
import { tokenValidationRpc } from "./token-validation.rpc.js";
import { trustedIssuerRpc } from "./trusted-issuer.rpc.js";

/** The services of the internal listener (DESIGN "Listeners"). */
export function internalServices(deps: InternalRpcDeps): RpcService[] {
  return [tokenValidationRpc(deps), tokenRpc(deps), clientRegistryRpc(deps), sessionRpc(deps), trustedIssuerRpc(deps)];
}

/** Registers `services` on a connect-es router (the `routes` option of connectNodeAdapter). */
export function internalRoutes(services: readonly RpcService[]): (router: ConnectRouter) => void {
  return (router) => {
    for (const service of services) service.register(router);
    answerMalformedRequestsAsInvalidArgument(router);
  };
}

/** The caller scope of every served method, for the caller-auth interceptor. */
export function callerScopes(services: readonly RpcService[]): ReadonlyMap<DescMethod, string> {
  return new Map(services.flatMap((service) => [...service.scopes]));
}
