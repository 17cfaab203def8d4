import assert from "node:assert/strict";
import { fork, type ChildProcess } from "node:child_process";
import { after, test } from "node:test";
import { StorageUnavailableError } from "../../../src/core/errors/storage-unavailable.js";
import { openIpcEphemeral } from "../../../src/storage/ipc/open-ipc-ephemeral.js";
import { ipcPort, type IpcPort } from "../../../src/storage/ipc/ipc-protocol.js";
import { ephemeralStoreContract } from "./ephemeral-store.contract.js";
import { assertFailsFast, silentLogger } from "./services.js";

const children: ChildProcess[] = [];
after(() => {
  for (const child of children) child.disconnect();
});

/** A real primary stand-in in another process (test/integration/storage/ipc-host.process.ts), reached over Node IPC. */
function forkHost(env: Record<string, string> = {}): IpcPort {
  const child = fork(new URL("./ipc-host.process.ts", import.meta.url).pathname, { env: { ...process.env, ...env }, stdio: "inherit" });
  children.push(child);
  return ipcPort(child);
}

ephemeralStoreContract(
  "IPC (cluster worker → primary)",
  async () => {
    const port = forkHost();
    // Two workers on one primary: the store of the first, and a bus on each (events relayed by the primary).
    const worker1 = openIpcEphemeral(port, { logger: silentLogger });
    const worker2 = openIpcEphemeral(port, { logger: silentLogger });
    return {
      store: worker1.store,
      elapse: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
      buses: [worker1.bus, worker2.bus],
      close: async () => {
        for (const worker of [worker1, worker2]) {
          await worker.bus.close();
          await worker.signal.close();
          await worker.store.close();
        }
      },
    };
  },
  150,
);

test("IPC: a change signal from one worker wakes the others", async () => {
  const port = forkHost();
  const [sender, receiver] = [openIpcEphemeral(port), openIpcEphemeral(port)];
  const woken = new Promise<void>((resolve) => receiver.signal.subscribe(resolve));
  await sender.signal.notify();
  await woken;
  for (const worker of [sender, receiver]) await worker.store.close();
});

test("IPC: a primary that does not answer is an outage (StorageUnavailableError) within the call timeout", async () => {
  const silent: IpcPort = { send() {}, on() {}, off() {} };
  const { store } = openIpcEphemeral(silent, { timeoutMs: 200 });
  await assertFailsFast(() => store.take("code"), 1000);
  await assertFailsFast(() => store.ping(), 1000);
  await store.close();
});

test("IPC: the primary's full store fails closed in the worker as StorageUnavailableError", async () => {
  const { store } = openIpcEphemeral(forkHost({ MAX_ENTRIES: "1" }));
  await store.put("a", "1", 10_000);
  await assert.rejects(store.put("b", "2", 10_000), StorageUnavailableError);
  assert.equal(await store.get("a"), "1");
  await store.close();
});

test("IPC: closing a worker's store fails its waiting calls at once", async () => {
  const silent: IpcPort = { send() {}, on() {}, off() {} };
  const { store } = openIpcEphemeral(silent, { timeoutMs: 60_000 });
  const waiting = store.get("any");
  await store.close();
  await assert.rejects(waiting, StorageUnavailableError);
});
