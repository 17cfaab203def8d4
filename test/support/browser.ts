import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** The system Chromium (Debian package `chromium`; .ci/run installs it). */
export const CHROMIUM_PATH = "/usr/bin/chromium";

/**
 * Why browser tests cannot run here (no Chromium), for `describe(…, { skip })`; undefined when they can.
 * With CI_REQUIRE_SERVICES=1 it never skips: launchBrowser() then fails the suite instead.
 */
export function browserSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH) || process.env.CI_REQUIRE_SERVICES === "1") return undefined;
  return `browser tests need Chromium at ${CHROMIUM_PATH} (apt-get install chromium)`;
}

/** Launches headless Chromium; one per test file, closed in after(). */
export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`Chromium is missing at ${CHROMIUM_PATH} (apt-get install chromium)`);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
}
