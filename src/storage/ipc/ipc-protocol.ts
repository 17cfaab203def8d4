import type { EphemeralStore, RevocationEvent } from "../../core/ports/ephemeral-store.js";

/** Tags every message of this protocol, so other users of the same IPC channel (prom-client, node:cluster) are left alone. */
export const EPHEMERAL_CHANNEL = "portcullis:ephemeral";

/** The EphemeralStore operations a worker may ask the primary for (close is the worker's own business). */
export const STORE_OPERATIONS = ["put", "putIfAbsent", "get", "exists", "take", "delete", "increment", "ttl", "ping"] as const satisfies readonly (keyof EphemeralStore)[];
export type StoreOperation = (typeof STORE_OPERATIONS)[number];

/** One store call, answered by the reply with the same id. */
export interface Call {
  id: number;
  op: StoreOperation;
  args: unknown[];
}

/** The outcome of a call; `failed` says whether the store was unavailable (503) or the call was wrong. */
export interface Reply {
  id: number;
  value?: unknown;
  failed?: "unavailable" | "error";
  message?: string;
}

/** Worker → primary: the calls made in one turn of the worker's event loop, run in this order (one message, not one each). */
export interface CallMessage {
  channel: typeof EPHEMERAL_CHANNEL;
  kind: "calls";
  calls: Call[];
}

/** Primary → worker: the replies to one CallMessage. */
export interface ReplyMessage {
  channel: typeof EPHEMERAL_CHANNEL;
  kind: "replies";
  replies: Reply[];
}

/** Either direction: a revocation or a change signal; the primary relays each to every worker, the sender included. */
export type EventMessage = { channel: typeof EPHEMERAL_CHANNEL; kind: "revocation"; event: RevocationEvent } | { channel: typeof EPHEMERAL_CHANNEL; kind: "change" };

export type EphemeralMessage = CallMessage | ReplyMessage | EventMessage;

/** One end of a Node IPC channel: `process` in a worker, a cluster `Worker` or `ChildProcess` in the primary. */
export interface IpcPort {
  send(message: EphemeralMessage): void;
  on(event: "message", listener: (message: unknown) => void): unknown;
  off(event: "message", listener: (message: unknown) => void): unknown;
}

/** The message when it belongs to this protocol, undefined otherwise. */
export function ephemeralMessage(message: unknown): EphemeralMessage | undefined {
  return typeof message === "object" && message !== null && (message as { channel?: unknown }).channel === EPHEMERAL_CHANNEL ? (message as EphemeralMessage) : undefined;
}

/** What `process`, a cluster `Worker` and a `ChildProcess` have in common. */
interface NodeIpcEnd {
  send?(message: EphemeralMessage, sendHandle: undefined, options: undefined, callback: (error: Error | null) => void): boolean;
  on(event: "message", listener: (message: unknown) => void): unknown;
  off(event: "message", listener: (message: unknown) => void): unknown;
}

/** An IpcPort over a Node IPC end; a message that cannot be sent (closed channel) is dropped: the caller's timeout reports it. */
export function ipcPort(end: NodeIpcEnd): IpcPort {
  return {
    send: (message) => void end.send?.(message, undefined, undefined, () => undefined),
    on: (event, listener) => end.on(event, listener),
    off: (event, listener) => end.off(event, listener),
  };
}
