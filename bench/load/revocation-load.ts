/**
 * Revocation load: `connections` workers, each with its own keep-alive connection, get a client_credentials token and
 * revoke it (RFC 7009 §2.1) back to back; one "request" is the pair, counted ok when the token answered 200 with an
 * access token and the revocation 200. Run as its own (pinned) process by spawn-load.ts; prints one LoadResult line.
 */
import http from "node:http";
import { send } from "../lib/code-flow.js";
import { quantileSorted } from "../lib/stats.js";
import { basicAuthorization, type ClientCredentials } from "../lib/token-request.js";
import { openWindow, loadOptions, report, type CommonLoadOptions } from "./load-result.js";

export interface RevocationLoadOptions extends CommonLoadOptions {
  baseUrl: string;
  client: ClientCredentials;
  tokenBody: string;
  connections: number;
}

const MAX_SAMPLES = 1_000_000;
const options = loadOptions<RevocationLoadOptions>();
const headers = { authorization: basicAuthorization(options.client), "content-type": "application/x-www-form-urlencoded" };
const latencies = new Float64Array(MAX_SAMPLES);
let [ok, failed, samples] = [0, 0, 0];
let firstError: string | undefined;
const loadWindow = openWindow(options);
const started = performance.now();
const endAt = started + options.durationSec * 1000;

/** One token issued and revoked; throws with the answer that broke it. */
async function issueAndRevoke(agent: http.Agent): Promise<void> {
  const issued = await send(agent, `${options.baseUrl}/token`, { method: "POST", headers, body: options.tokenBody });
  const token = issued.status === 200 ? (JSON.parse(issued.body) as { access_token?: string }).access_token : undefined;
  if (!token) throw new Error(`token answered ${issued.status}: ${issued.body.slice(0, 200)}`);
  const revoked = await send(agent, `${options.baseUrl}/revoke`, { method: "POST", headers, body: `token=${encodeURIComponent(token)}` });
  if (revoked.status !== 200) throw new Error(`revoke answered ${revoked.status}: ${revoked.body.slice(0, 200)}`);
}

async function worker(): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  while (performance.now() < endAt) {
    const t0 = performance.now();
    try {
      await issueAndRevoke(agent);
    } catch (error) {
      failed++;
      firstError ??= (error as Error).message;
      continue;
    }
    ok++;
    if (samples < MAX_SAMPLES) latencies[samples++] = performance.now() - t0;
  }
  agent.destroy();
}

await Promise.all(Array.from({ length: options.connections }, worker));
const durationSec = (performance.now() - started) / 1000;
const closed = loadWindow();
const sorted = latencies.subarray(0, samples).sort();
report({ ok, failed, durationSec, rps: ok / durationSec, p50: quantileSorted(sorted, 0.5), p99: quantileSorted(sorted, 0.99), ...closed, firstError });
