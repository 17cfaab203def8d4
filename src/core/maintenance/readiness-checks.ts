import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { DI } from "../di-tokens.js";
import type { KeyService } from "../keys/key-service.js";
import type { EphemeralStore } from "../ports/ephemeral-store.js";
import type { DurableStorage } from "../ports/repositories.js";

/** How long each dependency may take to answer before it counts as down (ms); the checks run in parallel. */
export const READINESS_TIMEOUT_MS = 1000;

/** One check's answer: "ok", or a short reason that reveals nothing of the failure's detail. */
export type CheckResult = "ok" | "timeout" | "unavailable" | "no active signing key";

/** What a readiness probe learns: every check's result, and the error behind each failed one (for logs only). */
export interface ReadinessReport {
  ready: boolean;
  checks: { database: CheckResult; ephemeral: CheckResult; signingKeys: CheckResult };
  causes: Partial<Record<"database" | "ephemeral", unknown>>;
}

/**
 * Whether this node can serve OAuth requests: the database answers a cheap query, the ephemeral store answers (memory
 * always; Redis PING), and every configured signing alg has an active key loaded. Bounded by READINESS_TIMEOUT_MS.
 */
@injectable()
export class ReadinessChecks {
  constructor(
    @inject(DI.Durable) private readonly durable: DurableStorage,
    @inject(DI.Ephemeral) private readonly ephemeral: EphemeralStore,
    @inject(DI.Keys) private readonly keys: KeyService,
    @inject(DI.Config) private readonly config: Config,
  ) {}

  /** Runs every check at once; never rejects and never takes much longer than `timeoutMs`. */
  async run(timeoutMs = READINESS_TIMEOUT_MS): Promise<ReadinessReport> {
    const causes: ReadinessReport["causes"] = {};
    const [database, ephemeral] = await Promise.all([
      answered(() => this.durable.ping(), timeoutMs, (cause) => (causes.database = cause)),
      answered(() => this.ephemeral.ping(), timeoutMs, (cause) => (causes.ephemeral = cause)),
    ]);
    const signingKeys = this.config.signingAlgs.every((alg) => this.hasActiveKey(alg)) ? "ok" : "no active signing key";
    return { ready: database === "ok" && ephemeral === "ok" && signingKeys === "ok", checks: { database, ephemeral, signingKeys }, causes };
  }

  private hasActiveKey(alg: Config["signingAlgs"][number]): boolean {
    try {
      this.keys.activeKey(alg);
      return true;
    } catch {
      return false;
    }
  }
}

const TIMED_OUT = Symbol("timed out");

/** "ok" when `ping` resolves within `timeoutMs`; otherwise "timeout" or "unavailable", with the cause handed to `failed`. */
async function answered(ping: () => Promise<void>, timeoutMs: number, failed: (cause: unknown) => void): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<typeof TIMED_OUT>((resolve) => (timer = setTimeout(resolve, timeoutMs, TIMED_OUT)));
  try {
    const outcome = await Promise.race([ping(), deadline]);
    if (outcome !== TIMED_OUT) return "ok";
    failed(new Error(`no answer within ${timeoutMs} ms`));
    return "timeout";
  } catch (cause) {
    failed(cause);
    return "unavailable";
  } finally {
    clearTimeout(timer);
  }
}
