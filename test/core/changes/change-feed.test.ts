import "reflect-metadata";
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it, mock } from "node:test";
import { ChangeFeed } from "../../../src/core/changes/change-feed.js";
import type { ChangeSignal } from "../../../src/core/ports/change-log.js";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import type { Client } from "../../../src/plugin-sdk/client.js";
import { openSqlStorage } from "../../../src/storage/sql/open-sql-storage.js";
import { recordingLogger } from "../keys/key-fixtures.js";
import { testConfig } from "../clients/client-auth-harness.js";

const client = (clientId: string): Client => ({ clientId, metadata: {}, issuedAt: 0, updatedAt: 0 });
const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A change signal the test fires by hand (what Redis pub/sub does between nodes). */
class ManualSignal implements ChangeSignal {
  notified = 0;
  private listener: (() => void) | undefined;
  async notify(): Promise<void> {
    this.notified++;
  }
  subscribe(listener: () => void): () => void {
    this.listener = listener;
    return () => (this.listener = undefined);
  }
  fire(): void {
    this.listener?.();
  }
  async close(): Promise<void> {}
}

/**
 * The change feed (DESIGN "State": changes reach every process at once): `mine` is this node's storage, `theirs` a
 * second connection to the same SQLite file standing for the CLI or another process; polling is slowed to a minute,
 * so only the probe, the signal or an explicit catch-up can explain what a test sees.
 */
describe("ChangeFeed", () => {
  let dir: string;
  let mine: DurableStorage;
  let theirs: DurableStorage;
  let signal: ManualSignal;
  let logger: ReturnType<typeof recordingLogger>;
  let feed: ChangeFeed;
  let seen: [string, readonly string[] | "all"][];

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), "portcullis-feed-"));
    const url = `sqlite:${join(dir, "db.sqlite")}`;
    mine = await openSqlStorage(url);
    await mine.migrate();
    theirs = await openSqlStorage(url);
    signal = new ManualSignal();
    logger = recordingLogger();
    feed = new ChangeFeed(mine, signal, testConfig({ changePollInterval: "60000" }), logger);
    seen = [];
    for (const topic of ["client-created", "client", "resource", "signing-key", "grant-revoked"] as const) feed.on(topic, (keys) => void seen.push([topic, keys]));
    await feed.start();
  });
  afterEach(async () => {
    feed.stop();
    await Promise.all([mine.close(), theirs.close()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it("starts at the head: changes made before it started are not replayed", async () => {
    await theirs.clients.insert(client("early"));
    feed.stop();
    await feed.start();
    await feed.catchUp();
    assert.deepEqual(seen, []);
  });

  it("applies a change committed in this process before the write returns, and wakes the other nodes", async () => {
    await mine.clients.insert(client("local"));
    assert.deepEqual(seen, [["client-created", ["local"]]]);
    assert.equal(signal.notified, 1);
  });

  it("the per-request gate applies a change another process committed before the request (SQLite probe)", async () => {
    await turn();
    await theirs.clients.insert(client("from-the-cli"));
    const applying = feed.current();
    assert.ok(applying, "the gate has work to wait for");
    await applying;
    assert.deepEqual(seen, [["client-created", ["from-the-cli"]]]);
    await turn();
    assert.equal(feed.current(), undefined, "nothing changed since: no await needed");
  });

  it("probes at most once per event-loop turn; a request in a later turn sees a commit made after the probe", async () => {
    await turn();
    assert.equal(feed.current(), undefined);
    await theirs.clients.insert(client("later"));
    assert.equal(feed.current(), undefined, "the same turn reuses its probe");
    await turn();
    await feed.current();
    assert.deepEqual(seen, [["client-created", ["later"]]]);
  });

  /** This node's storage as a client/server engine shows it: no synchronous probe (signal and poll only). */
  const withoutProbe = async () => {
    feed.stop();
    const { probe: _none, ...changes } = mine.changes;
    feed = new ChangeFeed({ ...mine, changes }, signal, testConfig({ changePollInterval: "60000" }), logger);
    for (const topic of ["client-created", "client", "resource"] as const) feed.on(topic, (keys) => void seen.push([topic, keys]));
    await feed.start();
  };

  it("the signal wakes the feed; changes come grouped by topic (invalidations commute)", async () => {
    await withoutProbe();
    await theirs.clients.insert(client("a"));
    await theirs.resources.upsert({ id: "https://rs.example/", scopes: ["x"], accessTokenFormat: "jwt", accessTokenTtl: 60, createdAt: 0 });
    await theirs.clients.delete("a");
    assert.equal(feed.current(), undefined, "without a probe nothing is known before the signal");
    signal.fire();
    await feed.current();
    assert.deepEqual(seen, [
      ["client-created", ["a"]],
      ["resource", ["https://rs.example/"]],
      ["client", ["a"]],
    ]);
  });

  it("a catch-up asked for while a pass runs gets a pass that starts after it", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    feed.on("resource", () => gate);
    await theirs.resources.upsert({ id: "https://first.example/", scopes: ["x"], accessTokenFormat: "jwt", accessTokenTtl: 60, createdAt: 0 });
    const first = feed.catchUp();
    await turn();
    await theirs.clients.insert(client("during"));
    const second = feed.catchUp();
    assert.notEqual(second, first);
    release();
    await second;
    assert.deepEqual(seen.map(([topic]) => topic), ["resource", "client-created"]);
  });

  it("a node further behind than the retained log drops everything (handlers get \"all\")", async () => {
    for (const id of ["x", "y", "z"]) await theirs.clients.insert(client(id));
    await theirs.changes.purge(1);
    await feed.catchUp();
    assert.deepEqual(new Set(seen.map(([, keys]) => keys)), new Set(["all"]));
    assert.equal(seen.length, 5, "every topic");
    seen = [];
    await theirs.clients.insert(client("after"));
    await feed.catchUp();
    assert.deepEqual(seen, [["client-created", ["after"]]], "and follows the log again from its head");
  });

  it("a failing handler is logged; the others still run and the change counts as applied", async () => {
    feed.on("client-created", () => {
      throw new Error("boom");
    });
    let after = 0;
    feed.on("client-created", () => void after++);
    await theirs.clients.insert(client("c"));
    await feed.catchUp();
    await feed.catchUp();
    assert.equal(after, 1);
  });

  it("a log that cannot be read is logged and retried at the next catch-up", async () => {
    const since = mock.method(mine.changes, "since", async () => {
      throw new Error("database down");
    });
    await theirs.clients.insert(client("d"));
    await feed.catchUp();
    assert.deepEqual(seen, []);
    assert.match(logger.warnings.join("\n"), /could not read the change log/);
    since.mock.restore();
    await feed.catchUp();
    assert.deepEqual(seen, [["client-created", ["d"]]]);
  });

  it("the poll applies changes without any request", async () => {
    mock.timers.enable({ apis: ["setInterval"] });
    try {
      await withoutProbe();
      await theirs.clients.insert(client("polled"));
      assert.equal(feed.current(), undefined);
      mock.timers.tick(60_000);
      await feed.current();
      assert.deepEqual(seen, [["client-created", ["polled"]]]);
    } finally {
      mock.timers.reset();
    }
  });
});
