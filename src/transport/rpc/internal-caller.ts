import type { HandlerContext } from "@connectrpc/connect";
import type { ClientRegistry } from "../../core/clients/client-registry.js";
import type { InternalCaller } from "../../core/policy/internal-caller.js";
import { rpcCaller } from "./interceptors/caller-auth.interceptor.js";

/** The caller the caller-auth interceptor authenticated, as core sees it: its scopes and the client its access token names (DESIGN "Listeners"). */
export async function internalCaller(context: HandlerContext, clients: ClientRegistry): Promise<InternalCaller> {
  const caller = context.values.get(rpcCaller);
  if (!caller) throw new Error("no authenticated caller: the caller-auth interceptor did not run");
  return { kind: "internal", scopes: caller.scopes, client: caller.clientId === undefined ? undefined : await clients.get(caller.clientId) };
}
