import type { ChangeSignal } from "../../core/ports/change-log.js";

/** A single node has no other node to wake: the committing process applies its own changes, other processes poll or probe. */
export class LocalChangeSignal implements ChangeSignal {
  async notify(): Promise<void> {}

  subscribe(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {}
}
