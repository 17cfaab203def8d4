import assert from "node:assert/strict";
import { test } from "node:test";
import { parseDeviceCodeOptions } from "../../../../plugins/grants/device-code/device-code-options.js";
import { deviceKey, DeviceRequests } from "../../../../plugins/grants/device-code/device-requests.js";
import { memorySingleUseStore } from "../../../../src/plugin-sdk/testing/index.js";
import { FakeClock } from "../../../support/fake-clock.js";

/** Bytes counting up from `start`, so every draw is different and known. */
function counting(start = 0): (size: number) => Uint8Array {
  let next = start;
  return (size) => Uint8Array.from({ length: size }, () => next++ % 240);
}

function requests(random = counting()) {
  const clock = new FakeClock();
  const store = memorySingleUseStore(() => clock.now());
  return { clock, store, requests: new DeviceRequests(store, clock, 600, random) };
}

test("a new request stores only the device code's digest, pending, expiring with expires_in", async () => {
  const { clock, store, requests: r } = requests();
  const { deviceCode, userCode } = await r.create({ clientId: "tv", scopes: ["openid"], resources: [] });
  assert.equal(Buffer.from(deviceCode, "base64url").length, 32);
  assert.equal(await store.get(`device:${deviceCode}`), undefined);
  assert.deepEqual(await r.find(deviceKey(deviceCode)), { clientId: "tv", scopes: ["openid"], resources: [], expiresAt: clock.now() + 600_000, status: "pending" });
  assert.equal(await store.get(`user-code:${userCode}`), deviceKey(deviceCode));
});

test("a user code is single use and expires with its device code; the request is kept as long again for expired_token", async () => {
  const { clock, requests: r } = requests();
  const first = await r.create({ clientId: "tv", scopes: [], resources: [] });
  assert.equal(await r.claimUserCode(first.userCode), deviceKey(first.deviceCode));
  assert.equal(await r.claimUserCode(first.userCode), undefined);
  const second = await r.create({ clientId: "tv", scopes: [], resources: [] });
  clock.advance(600_000);
  assert.equal(await r.claimUserCode(second.userCode), undefined);
  assert.ok(await r.find(deviceKey(second.deviceCode)));
  clock.advance(600_000);
  assert.equal(await r.find(deviceKey(second.deviceCode)), undefined);
});

test("a user code already live is never handed out twice", async () => {
  const same = () => new Uint8Array(32);
  const { requests: r } = requests(same);
  await r.create({ clientId: "tv", scopes: [], resources: [] });
  await assert.rejects(r.create({ clientId: "tv", scopes: [], resources: [] }), { error: "temporarily_unavailable" });
});

test("options default as documented and are checked at boot", () => {
  assert.deepEqual(parseDeviceCodeOptions({}), { expiresIn: 600, interval: 5, ipFailureLimit: 20, browserFailureLimit: 5, lockoutSeconds: 300 });
  assert.equal(parseDeviceCodeOptions({ interval: 1, expires_in: 60 }).interval, 1);
  assert.throws(() => parseDeviceCodeOptions({ interval: 0 }), /interval must be an integer from 1 to 60/);
  assert.throws(() => parseDeviceCodeOptions({ expires_in: "600" }), /expires_in/);
  assert.throws(() => parseDeviceCodeOptions({ intervall: 5 }), /unknown device-code options: intervall/);
});
