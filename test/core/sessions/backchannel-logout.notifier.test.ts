import "reflect-metadata";
import assert from "node:assert/strict";
import { setImmediate as tick } from "node:timers/promises";
import { describe, it } from "node:test";
import type { ClientCache } from "../../../src/core/clients/client-cache.js";
import type { JwtSigner } from "../../../src/core/keys/jwt-signer.js";
import { BackchannelLogoutNotifier, MAX_CONCURRENT_DELIVERIES, MAX_QUEUED_DELIVERIES } from "../../../src/core/sessions/backchannel-logout.notifier.js";
import type { Session } from "../../../src/core/sessions/session.js";
import { SafeFetchError, type SafeFetcher, type SafeFetchResponse } from "../../../src/core/security/safe-fetch.js";
import type { SubjectResolver } from "../../../src/core/users/subject-resolver.js";
import type { Client } from "../../../src/plugin-sdk/client.js";
import { counterRandom, FakeClock, recordingLogger, testConfig } from "../keys/key-fixtures.js";

const session: Session = { id: "sid-1", userId: "alice", authTime: 0, amr: ["pwd"], createdAt: 0, expiresAt: Number.MAX_SAFE_INTEGER };

/** A notifier over stubs: every client has a backchannel_logout_uri; each POST waits until the test settles it. */
function harness() {
  const calls: { url: string; settle: (outcome: "ok" | "fail") => void }[] = [];
  const clients = { find: async (clientId: string): Promise<Client> => ({ clientId, metadata: { backchannel_logout_uri: `https://rp.example/${clientId}` }, issuedAt: 0, updatedAt: 0 }) };
  const fetcher = {
    postForm: (url: string) =>
      new Promise<SafeFetchResponse>((resolve, reject) => {
        calls.push({ url, settle: (outcome) => (outcome === "ok" ? resolve({ status: 200, contentType: undefined, body: Buffer.alloc(0) }) : reject(new SafeFetchError("status", "unexpected status 500"))) });
      }),
  };
  const logger = recordingLogger();
  const notifier = new BackchannelLogoutNotifier(
    testConfig(),
    new FakeClock(),
    counterRandom(),
    logger,
    clients as unknown as ClientCache,
    { forClient: async (_client: Client, userId: string) => userId } as unknown as SubjectResolver,
    { sign: () => "header.payload.signature" } as unknown as JwtSigner,
    fetcher as unknown as SafeFetcher,
  );
  return { notifier, calls, logger };
}

const settle = async () => {
  for (let i = 0; i < 5; i++) await tick();
};

/** Delivery scheduling of OIDC Back-Channel Logout §2.5 requests: bounded, in the background, never throwing. */
describe("BackchannelLogoutNotifier", () => {
  it(`keeps at most ${MAX_CONCURRENT_DELIVERIES} deliveries in flight and starts the next as one finishes`, async () => {
    const { notifier, calls, logger } = harness();
    const ids = Array.from({ length: MAX_CONCURRENT_DELIVERIES + 4 }, (_, i) => `rp-${i}`);
    notifier.notify(session, ids);
    await settle();
    assert.equal(calls.length, MAX_CONCURRENT_DELIVERIES);
    calls[0]!.settle("fail");
    await settle();
    assert.equal(calls.length, MAX_CONCURRENT_DELIVERIES + 1);
    let idle = false;
    void notifier.idle().then(() => (idle = true));
    for (let i = 1; i < calls.length; i++) calls[i]!.settle("ok");
    await settle();
    for (let i = MAX_CONCURRENT_DELIVERIES + 1; i < calls.length; i++) calls[i]!.settle("ok");
    await settle();
    assert.equal(calls.length, ids.length);
    assert.deepEqual(calls.map((c) => c.url), ids.map((id) => `https://rp.example/${id}`));
    assert.equal(idle, true);
    assert.deepEqual(logger.warnings, ["back-channel logout delivery failed"]);
  });

  it(`drops (and logs) deliveries beyond ${MAX_QUEUED_DELIVERIES} waiting ones instead of growing without bound`, async () => {
    const { notifier, calls, logger } = harness();
    notifier.notify(session, Array.from({ length: MAX_CONCURRENT_DELIVERIES + MAX_QUEUED_DELIVERIES + 3 }, (_, i) => `rp-${i}`));
    assert.equal(logger.warnings.filter((w) => w === "back-channel logout dropped: delivery queue full").length, 3);
    await settle();
    assert.equal(calls.length, MAX_CONCURRENT_DELIVERIES);
  });

  it("is idle at once when nothing is pending", async () => {
    await harness().notifier.idle();
  });
});
