import { inject, injectable } from "tsyringe";
import type { FailureLockout as PluginFailureLockout } from "../../plugin-sdk/capabilities.js";
import { FailureLockout } from "../security/failure-lockout.js";
import { pluginKey } from "./single-use-stores.js";

/** Core's failure counters with lockout for each plugin module, in its own key namespace (PluginTokens.FailureLockout). */
@injectable()
export class PluginFailureLockouts {
  constructor(@inject(FailureLockout) private readonly lockout: FailureLockout) {}

  /** The lockout of module `moduleId`: its keys can never meet core's or another module's. */
  for(moduleId: string): PluginFailureLockout {
    const { lockout } = this;
    return Object.freeze({
      retryAfter: (keys: readonly string[], windowMs: number) => lockout.retryAfter(keys.map((name) => pluginKey(moduleId, name)), windowMs),
      record: (subjects: readonly { key: string; limit: number }[], windowMs: number) =>
        lockout.record(subjects.map(({ key, limit }) => ({ key: pluginKey(moduleId, key), limit })), windowMs),
    });
  }
}
