import type { Logger } from "../../core/ports/logger.js";
import type { Ephemeral } from "../open-ephemeral.js";
import { IpcCaller } from "./ipc-caller.js";
import { IpcChangeSignal } from "./ipc-change.signal.js";
import { IpcEphemeralStore } from "./ipc-ephemeral.store.js";
import type { IpcPort } from "./ipc-protocol.js";
import { IpcRevocationBus } from "./ipc-revocation.bus.js";

/** A cluster worker's ephemeral store, revocation bus and change signal, all served by the primary over `port`. */
export function openIpcEphemeral(port: IpcPort, options: { logger?: Logger; timeoutMs?: number } = {}): Ephemeral {
  const caller = new IpcCaller(port, options.timeoutMs);
  return { store: new IpcEphemeralStore(caller), bus: new IpcRevocationBus(caller, options.logger), signal: new IpcChangeSignal(caller, options.logger) };
}
