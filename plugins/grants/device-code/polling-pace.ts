import type { SingleUseStore } from "portcullis/plugin-sdk";

/** What each slow_down adds to a device code's polling interval (RFC 8628 §3.5). */
export const SLOW_DOWN_STEP_SECONDS = 5;

/**
 * The polling interval of each device code (RFC 8628 §3.5), enforced across nodes: a poll marks the device code busy
 * for the current interval (an atomic put-if-absent), and a poll that finds it busy is too fast: it adds 5 seconds to
 * that device code's interval for good (an atomic counter) and starts the longer wait afresh. Of concurrent polls at
 * most one is admitted.
 */
export class PollingPace {
  constructor(
    private readonly store: SingleUseStore,
    private readonly baseIntervalSeconds: number,
  ) {}

  /** True when this poll keeps the interval; false when it must be answered slow_down. `retainMs` bounds the state's lifetime. */
  async admit(key: string, retainMs: number): Promise<boolean> {
    const slowDowns = Number((await this.store.get(`slow-downs:${key}`)) ?? "0");
    if (await this.store.putIfAbsent(`polled:${key}`, "1", this.intervalMs(slowDowns))) return true;
    const total = await this.store.increment(`slow-downs:${key}`, retainMs);
    await this.store.put(`polled:${key}`, "1", this.intervalMs(total));
    return false;
  }

  private intervalMs(slowDowns: number): number {
    return (this.baseIntervalSeconds + SLOW_DOWN_STEP_SECONDS * slowDowns) * 1000;
  }
}
