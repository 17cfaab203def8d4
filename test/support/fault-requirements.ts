import { spawnSync } from "node:child_process";
import { test } from "node:test";

/**
 * Whether a fault suite can run: every variable in `variables` set (CI sets MYSQL_URL and REDIS_URL) and every binary
 * in `binaries` found. Otherwise registers a skipped test saying why, or a failing one under CI_REQUIRE_SERVICES=1.
 */
export function faultSuiteRuns(suite: string, needs: { variables?: readonly string[]; binaries?: readonly string[] }): boolean {
  const unset = (needs.variables ?? []).filter((name) => !process.env[name]);
  const missing = (needs.binaries ?? []).filter((binary) => spawnSync(binary, ["--version"], { stdio: "ignore" }).error !== undefined);
  const reasons = [...unset.map((name) => `${name} is not set`), ...missing.map((binary) => `${binary} is not installed`)];
  if (reasons.length === 0) return true;
  const reason = `${suite} cannot run: ${reasons.join(", ")}`;
  if (process.env.CI_REQUIRE_SERVICES === "1") {
    test(suite, () => {
      throw new Error(`${reason}; required because CI_REQUIRE_SERVICES=1`);
    });
  } else test(suite, { skip: reason }, () => {});
  return false;
}

/** Resolves after `ms` milliseconds. */
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `ready` every 50 ms until it is true; throws `what` after `limitMs`. */
export async function waitUntil(ready: () => Promise<boolean>, limitMs: number, what: string): Promise<void> {
  const deadline = performance.now() + limitMs;
  while (performance.now() < deadline) {
    if (await ready()) return;
    await sleep(50);
  }
  throw new Error(`${what} within ${limitMs} ms`);
}
