import type { DescMethod, DescService } from "@bufbuild/protobuf";
import type { ConnectRouter, ServiceImpl } from "@connectrpc/connect";

/** The caller scope every method of `S` requires, by the method's local name (DESIGN "Listeners"). */
export type MethodScopes<S extends DescService> = { readonly [M in keyof ServiceImpl<S>]: string };

/** One service of the internal listener: how to register it and which caller scope each method needs. */
export interface RpcService {
  readonly service: DescService;
  readonly scopes: ReadonlyMap<DescMethod, string>;
  register(router: ConnectRouter): void;
}

/** Pairs a connect-es service implementation with its per-method caller scopes (all methods must be listed). */
export function defineRpc<S extends DescService>(service: S, scopes: MethodScopes<S>, implementation: ServiceImpl<S>): RpcService {
  const byMethod = new Map<DescMethod, string>();
  for (const method of service.methods) byMethod.set(method, (scopes as Record<string, string>)[method.localName]!);
  return { service, scopes: byMethod, register: (router) => router.service(service, implementation) };
}
