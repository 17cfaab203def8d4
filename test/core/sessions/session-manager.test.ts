import "reflect-metadata";
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import { secretDigest } from "../../../src/core/security/digest.js";
import { SessionManager } from "../../../src/core/sessions/session-manager.js";
import { counterRandom, FakeClock, openStorage, testConfig } from "../keys/key-fixtures.js";

const TTL_S = 3600;
const AUTH = { authTime: 1_800_000_000, amr: ["pwd"], acr: "urn:portcullis:acr:pwd" };

describe("SessionManager", () => {
  let clock: FakeClock;
  let storage: DurableStorage;
  let sessions: SessionManager;
  beforeEach(async () => {
    clock = new FakeClock();
    storage = await openStorage();
    sessions = new SessionManager(testConfig({ sessionTtl: String(TTL_S) }), clock, counterRandom("sessions"), storage);
  });
  afterEach(() => storage.close());

  it("starts a session whose cookie is 32 random bytes stored only as a digest, separate from the sid", async () => {
    const { session, cookieValue } = await sessions.start({ userId: "alice", ...AUTH });
    assert.match(cookieValue, /^[A-Za-z0-9_-]{43}$/);
    assert.notEqual(session.id, cookieValue);
    assert.deepEqual(session, { id: session.id, userId: "alice", ...AUTH, createdAt: clock.now(), expiresAt: clock.now() + TTL_S * 1000 });
    assert.deepEqual(await storage.sessions.findByCookieDigest(secretDigest(cookieValue)), session);
    assert.deepEqual(await sessions.fromCookie(cookieValue), session);
    assert.deepEqual(await sessions.get(session.id), session);
    assert.equal(sessions.cookieMaxAge(session), TTL_S);
  });

  it("defaults SESSION_TTL to 14 days", () => {
    assert.equal(testConfig().sessionTtl, 1_209_600);
  });

  it("omits acr when the authentication has none", async () => {
    const { session } = await sessions.start({ userId: "alice", authTime: 1, amr: ["pwd"] });
    assert.equal("acr" in session, false);
    assert.deepEqual(await sessions.get(session.id), session);
  });

  it("fromCookie: undefined for absent, malformed and unknown values, without a lookup for the wrong shape", async () => {
    const { cookieValue } = await sessions.start({ userId: "alice", ...AUTH });
    const lookups: string[] = [];
    const find = storage.sessions.findByCookieDigest.bind(storage.sessions);
    storage.sessions.findByCookieDigest = (digest) => {
      lookups.push(digest);
      return find(digest);
    };
    for (const value of [undefined, "", cookieValue.slice(1), `${cookieValue}A`, `${cookieValue.slice(1)}=`, `${cookieValue.slice(1)}+`, "x".repeat(4096)]) {
      assert.equal(await sessions.fromCookie(value), undefined, `value of length ${value?.length}`);
    }
    assert.deepEqual(lookups, []);
    assert.equal(await sessions.fromCookie("A".repeat(43)), undefined);
    assert.equal(lookups.length, 1);
  });

  it("expires SESSION_TTL after sign-in: fromCookie, get and listForUser stop returning it", async () => {
    const { session, cookieValue } = await sessions.start({ userId: "alice", ...AUTH });
    clock.advance(TTL_S * 1000 - 1);
    assert.deepEqual(await sessions.fromCookie(cookieValue), session);
    assert.equal(sessions.cookieMaxAge(session), 0);
    clock.advance(1);
    assert.equal(await sessions.fromCookie(cookieValue), undefined);
    assert.equal(await sessions.get(session.id), undefined);
    assert.deepEqual(await sessions.listForUser("alice"), []);
  });

  it("end: ends once, returns the ended session with its clients, and the cookie stops working", async () => {
    const { session, cookieValue } = await sessions.start({ userId: "alice", ...AUTH });
    await sessions.recordClient(session.id, "rp-2");
    await sessions.recordClient(session.id, "rp-1");
    clock.advance(5000);
    assert.deepEqual(await sessions.end(session.id), { session: { ...session, endedAt: clock.now() }, clientIds: ["rp-1", "rp-2"] });
    assert.equal(await sessions.end(session.id), undefined);
    assert.equal(await sessions.end("unknown"), undefined);
    assert.equal(await sessions.fromCookie(cookieValue), undefined);
    assert.equal(await sessions.get(session.id), undefined);
  });

  it("reauthenticate: new auth_time, amr and acr in the same session, without extending it", async () => {
    const { session, cookieValue } = await sessions.start({ userId: "alice", ...AUTH });
    clock.advance(60_000);
    const again = await sessions.reauthenticate(session.id, { authTime: AUTH.authTime + 60, amr: ["pwd", "otp"], acr: "urn:portcullis:acr:mfa" });
    const expected = { ...session, authTime: AUTH.authTime + 60, amr: ["pwd", "otp"], acr: "urn:portcullis:acr:mfa" };
    assert.deepEqual(again, expected);
    assert.deepEqual(await sessions.fromCookie(cookieValue), expected);

    const { acr: _dropped, ...withoutAcr } = expected;
    assert.deepEqual(await sessions.reauthenticate(session.id, { authTime: AUTH.authTime + 61, amr: ["pwd"] }), { ...withoutAcr, authTime: AUTH.authTime + 61, amr: ["pwd"] });
    assert.deepEqual(await sessions.get(session.id), { ...withoutAcr, authTime: AUTH.authTime + 61, amr: ["pwd"] });
  });

  it("reauthenticate: login_required for an ended or unknown session", async () => {
    const { session } = await sessions.start({ userId: "alice", ...AUTH });
    await sessions.end(session.id);
    await assert.rejects(sessions.reauthenticate(session.id, AUTH), { error: "login_required" });
    await assert.rejects(sessions.reauthenticate("unknown", AUTH), { error: "login_required" });
  });

  it("recordClient is idempotent; clientIds are sorted", async () => {
    const { session } = await sessions.start({ userId: "alice", ...AUTH });
    await sessions.recordClient(session.id, "rp-b");
    await sessions.recordClient(session.id, "rp-a");
    await sessions.recordClient(session.id, "rp-b");
    assert.deepEqual(await sessions.clientIds(session.id), ["rp-a", "rp-b"]);
  });

  it("listForUser: the user's live sessions newest first, without ended or expired ones", async () => {
    const first = await sessions.start({ userId: "alice", ...AUTH });
    clock.advance(1000);
    const ended = await sessions.start({ userId: "alice", ...AUTH });
    clock.advance(1000);
    const latest = await sessions.start({ userId: "alice", ...AUTH });
    await sessions.start({ userId: "bob", ...AUTH });
    await sessions.end(ended.session.id);
    assert.deepEqual(await sessions.listForUser("alice"), [latest.session, first.session]);
    clock.advance(TTL_S * 1000 - 1500);
    assert.deepEqual(await sessions.listForUser("alice"), [latest.session]);
  });

  it("recordClient writes a session/client pair once per process, and again for another client or session", async () => {
    const { session } = await sessions.start({ userId: "alice", ...AUTH });
    const other = await sessions.start({ userId: "alice", ...AUTH });
    const writes: string[] = [];
    const add = storage.sessions.addClient.bind(storage.sessions);
    storage.sessions.addClient = (sessionId, clientId) => {
      writes.push(`${sessionId}/${clientId}`);
      return add(sessionId, clientId);
    };
    for (let i = 0; i < 3; i += 1) await sessions.recordClient(session.id, "rp-1");
    await sessions.recordClient(session.id, "rp-2");
    await sessions.recordClient(other.session.id, "rp-1");
    assert.deepEqual(writes, [`${session.id}/rp-1`, `${session.id}/rp-2`, `${other.session.id}/rp-1`]);
    assert.deepEqual(await sessions.clientIds(session.id), ["rp-1", "rp-2"]);
  });

  it("recordClient remembers nothing when the write fails, so the next authorization writes again", async () => {
    const { session } = await sessions.start({ userId: "alice", ...AUTH });
    const add = storage.sessions.addClient.bind(storage.sessions);
    let fail = true;
    storage.sessions.addClient = (sessionId, clientId) => (fail ? Promise.reject(new Error("storage down")) : add(sessionId, clientId));
    await assert.rejects(sessions.recordClient(session.id, "rp-1"), /storage down/);
    fail = false;
    await sessions.recordClient(session.id, "rp-1");
    assert.deepEqual(await sessions.clientIds(session.id), ["rp-1"]);
  });
});
