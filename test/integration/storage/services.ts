import assert from "node:assert/strict";
import { createServer, type AddressInfo } from "node:net";
import { test } from "node:test";
import { StorageUnavailableError } from "../../../src/core/errors/storage-unavailable.js";
import type { Logger } from "../../../src/core/ports/logger.js";

/**
 * The URL of an external test service from `variable`, or undefined after registering a skipped test that says
 * why; with CI_REQUIRE_SERVICES=1 a missing URL registers a failing test instead.
 */
export function serviceUrl(variable: string, suite: string): string | undefined {
  const url = process.env[variable];
  if (url) return url;
  const reason = `${variable} not set: ${suite} needs a reachable service (e.g. ${variable}=${EXAMPLES[variable] ?? "…"})`;
  if (process.env.CI_REQUIRE_SERVICES === "1") {
    test(suite, () => {
      throw new Error(`${reason}; required because CI_REQUIRE_SERVICES=1`);
    });
  } else {
    test(suite, { skip: reason }, () => {});
  }
  return undefined;
}

const EXAMPLES: Record<string, string> = {
  MYSQL_URL: "mysql://root@127.0.0.1:3306/test",
  REDIS_URL: "redis://127.0.0.1:6379",
};

/** A local TCP port with nothing listening on it (bound once, then released). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Asserts that `operation` rejects with StorageUnavailableError within `limitMs` (security corpus S106/S108). */
export async function assertFailsFast(operation: () => Promise<unknown>, limitMs = 2500): Promise<void> {
  const started = performance.now();
  await assert.rejects(operation(), StorageUnavailableError);
  const elapsed = performance.now() - started;
  assert.ok(elapsed < limitMs, `took ${Math.round(elapsed)} ms`);
}

/** A logger that drops everything (expected driver noise and deliberately failing listeners). */
export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {}, child: () => silentLogger };
