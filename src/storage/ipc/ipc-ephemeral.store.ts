import type { EphemeralStore } from "../../core/ports/ephemeral-store.js";
import type { IpcCaller } from "./ipc-caller.js";

/**
 * A cluster worker's EphemeralStore (DESIGN "State"): every call runs on the primary's one MemoryEphemeralStore, which
 * is single-threaded, so take/putIfAbsent/increment stay atomic across workers; no answer in time is a 503.
 */
export class IpcEphemeralStore implements EphemeralStore {
  constructor(private readonly caller: IpcCaller) {}

  async put(key: string, value: string, ttlMs: number): Promise<void> {
    await this.caller.call("put", [key, value, ttlMs]);
  }

  async putIfAbsent(key: string, value: string, ttlMs: number): Promise<boolean> {
    return (await this.caller.call("putIfAbsent", [key, value, ttlMs])) as boolean;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.caller.call("get", [key])) as string | undefined;
  }

  async exists(keys: readonly string[]): Promise<boolean[]> {
    return (await this.caller.call("exists", [keys])) as boolean[];
  }

  async take(key: string): Promise<string | undefined> {
    return (await this.caller.call("take", [key])) as string | undefined;
  }

  async delete(key: string): Promise<void> {
    await this.caller.call("delete", [key]);
  }

  async increment(key: string, ttlMs: number): Promise<number> {
    return (await this.caller.call("increment", [key, ttlMs])) as number;
  }

  async ttl(key: string): Promise<number | undefined> {
    return (await this.caller.call("ttl", [key])) as number | undefined;
  }

  /** A round trip to the primary (readiness). */
  async ping(): Promise<void> {
    await this.caller.call("ping", []);
  }

  /** Stops this worker's calls; the primary's store lives on for the other workers. */
  async close(): Promise<void> {
    this.caller.close();
  }
}
