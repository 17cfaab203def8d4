import { systemClock } from "../../../src/core/security/system-clock.js";
import { MemoryEphemeralStore } from "../../../src/storage/memory/memory-ephemeral.store.js";
import { EphemeralHost } from "../../../src/storage/ipc/ephemeral-host.js";
import { ipcPort } from "../../../src/storage/ipc/ipc-protocol.js";

// A stand-in for the cluster primary: the ephemeral host on this child process's IPC channel, until the parent leaves.
new EphemeralHost(new MemoryEphemeralStore(systemClock, { maxEntries: Number(process.env.MAX_ENTRIES ?? 1_000_000) })).attach(ipcPort(process));
process.on("disconnect", () => process.exit(0));
