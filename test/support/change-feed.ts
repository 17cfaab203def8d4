import { ChangeFeed } from "../../src/core/changes/change-feed.js";
import type { Config } from "../../src/config/config.js";
import type { ChangeSignal } from "../../src/core/ports/change-log.js";
import type { DurableStorage } from "../../src/core/ports/repositories.js";
import { LocalChangeSignal } from "../../src/storage/memory/local-change.signal.js";
import { silentLogger } from "../integration/storage/services.js";
import { testConfig } from "../core/clients/client-auth-harness.js";

interface FeedOptions {
  config?: Config;
  signal?: ChangeSignal;
}

/** A change feed over `storage` that is not following the log: its subscribers are wired but never called. */
export function idleChangeFeed(storage: DurableStorage, options: FeedOptions = {}): ChangeFeed {
  return new ChangeFeed(storage, options.signal ?? new LocalChangeSignal(), options.config ?? testConfig(), silentLogger);
}

/** A started change feed over `storage`, as one node of the app follows it (stop it before closing the storage). */
export async function startedChangeFeed(storage: DurableStorage, options: FeedOptions = {}): Promise<ChangeFeed> {
  const feed = idleChangeFeed(storage, options);
  await feed.start();
  return feed;
}
