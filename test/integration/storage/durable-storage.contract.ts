import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { StorageUnavailableError } from "../../../src/core/errors/storage-unavailable.js";
import type { DurableStorage, GrantRecord, RefreshTokenRecord, SigningKeyRecord } from "../../../src/core/ports/repositories.js";
import { secretDigest } from "../../../src/core/security/digest.js";
import type { Session } from "../../../src/core/sessions/session.js";
import type { Client } from "../../../src/plugin-sdk/client.js";
import { trustedIssuerContract } from "./trusted-issuer.contract.js";

const T0 = 1_700_000_000_000;
const HOUR = 3_600_000;

const unique = (label: string) => `${label}-${randomUUID()}`;

function client(clientId: string): Client {
  return {
    clientId,
    metadata: {
      redirect_uris: ["https://rp.example/cb"],
      token_endpoint_auth_method: "private_key_jwt",
      jwks: { keys: [{ kty: "EC", crv: "P-256", x: "x", y: "y", kid: "k1" }] },
      client_name: "Zoë ✓",
    },
    secretDigest: secretDigest(clientId),
    issuedAt: T0 / 1000,
    updatedAt: T0,
  };
}

function grant(overrides: Partial<GrantRecord> = {}): GrantRecord {
  return {
    id: unique("grant"),
    clientId: "client-1",
    subject: "user-1",
    scopes: ["openid", "offline_access"],
    resources: ["https://api.example/"],
    claims: { acr: "1", amr: ["pwd"] },
    createdAt: T0,
    expiresAt: T0 + 24 * HOUR,
    ...overrides,
  };
}

function refreshToken(grantId: string, overrides: Partial<RefreshTokenRecord> = {}): RefreshTokenRecord {
  const id = unique("rt");
  return { id, grantId, clientId: "client-1", digest: secretDigest(id), status: "active", createdAt: T0, expiresAt: T0 + 24 * HOUR, ...overrides };
}

function signingKey(alg: string, overrides: Partial<SigningKeyRecord> = {}): SigningKeyRecord {
  return { kid: unique("kid"), alg, privateJwk: '{"d":"secret"}', publicJwk: '{"x":"public"}', status: "active", createdAt: T0, ...overrides };
}

function session(overrides: Partial<Session> = {}): Session {
  return { id: unique("sid"), userId: "user-1", authTime: T0 / 1000, amr: ["pwd"], createdAt: T0, expiresAt: T0 + 24 * HOUR, ...overrides };
}

/** The DurableStorage contract (DESIGN "State"), run against every SQL engine. */
export function durableStorageContract(name: string, open: () => Promise<DurableStorage>): void {
  describe(`${name} durable storage contract`, () => {
    let storage: DurableStorage;
    before(async () => {
      storage = await open();
      await storage.migrate();
    });
    after(() => storage.close());

    it("migrates idempotently and answers ping", async () => {
      await storage.migrate();
      await storage.ping();
    });

    it("clients: insert, find, update, delete", async () => {
      const c = client(unique("client"));
      await storage.clients.insert(c);
      assert.deepEqual(await storage.clients.find(c.clientId), c);
      const updated: Client = { ...c, metadata: { ...c.metadata, client_name: "renamed" }, secretDigest: undefined, updatedAt: T0 + 1 };
      delete updated.secretDigest;
      assert.equal(await storage.clients.update(updated), true);
      assert.deepEqual(await storage.clients.find(c.clientId), updated);
      assert.equal(await storage.clients.update(client(unique("missing"))), false);
      assert.equal(await storage.clients.delete(c.clientId), true);
      assert.equal(await storage.clients.delete(c.clientId), false);
      assert.equal(await storage.clients.find(c.clientId), undefined);
    });

    it("clients: ids are case-sensitive and list pages by exclusive cursor", async () => {
      const prefix = unique("page");
      const ids = [`${prefix}-A`, `${prefix}-a`, `${prefix}-b`, `${prefix}-c`];
      for (const id of [...ids].reverse()) await storage.clients.insert(client(id));
      const first = await storage.clients.list({ limit: 2, after: prefix });
      assert.deepEqual(first.map((c) => c.clientId), ids.slice(0, 2));
      const second = await storage.clients.list({ limit: 2, after: first[1]!.clientId });
      assert.deepEqual(second.map((c) => c.clientId), ids.slice(2, 4));
      assert.deepEqual(second[0], client(ids[2]!));
    });

    it("users: find by id and username; username is unique", async () => {
      const username = unique("alice");
      const user = { id: unique("user"), username, passwordHash: "scrypt$…", email: "a@example.com", disabled: false, createdAt: T0 };
      await storage.users.insert(user);
      assert.deepEqual(await storage.users.findById(user.id), user);
      assert.deepEqual(await storage.users.findByUsername(username), user);
      assert.equal(await storage.users.findByUsername(username.toUpperCase()), undefined);
      await assert.rejects(storage.users.insert({ ...user, id: unique("user"), disabled: true }), (error) => !(error instanceof StorageUnavailableError));
      const minimal = { id: unique("user"), username: unique("bob"), passwordHash: "h", disabled: true, createdAt: T0 };
      await storage.users.insert(minimal);
      assert.deepEqual(await storage.users.findById(minimal.id), minimal);
    });

    it("users: setTotpSecret stores and clears the sealed secret", async () => {
      const user = { id: unique("user"), username: unique("carol"), passwordHash: "h", disabled: false, createdAt: T0 };
      await storage.users.insert(user);
      await storage.users.setTotpSecret(user.id, "sealed-totp");
      assert.deepEqual(await storage.users.findById(user.id), { ...user, totpSecret: "sealed-totp" });
      await storage.users.setTotpSecret(user.id, undefined);
      assert.deepEqual(await storage.users.findByUsername(user.username), user);
      const enrolled = { ...user, id: unique("user"), username: unique("dave"), totpSecret: "sealed-at-insert" };
      await storage.users.insert(enrolled);
      assert.deepEqual(await storage.users.findById(enrolled.id), enrolled);
    });

    it("resources: upsert, find, list, delete", async () => {
      const resource = { id: `https://${unique("api")}.example/`, scopes: ["read"], accessTokenFormat: "jwt" as const, accessTokenTtl: 300, createdAt: T0 };
      await storage.resources.upsert(resource);
      assert.deepEqual(await storage.resources.find(resource.id), resource);
      const changed = { ...resource, scopes: ["read", "write"], accessTokenFormat: "opaque" as const, accessTokenTtl: 60 };
      await storage.resources.upsert(changed);
      assert.deepEqual(await storage.resources.find(resource.id), changed);
      assert.deepEqual((await storage.resources.list()).filter((r) => r.id === resource.id), [changed]);
      assert.equal(await storage.resources.delete(resource.id), true);
      assert.equal(await storage.resources.delete(resource.id), false);
    });

    it("signing keys: rotate leaves exactly one active key per alg; expired keys are unpublished and purged", async () => {
      const es1 = signingKey("ES256");
      const rs1 = signingKey("RS256");
      await storage.signingKeys.insert(es1);
      await storage.signingKeys.insert(rs1);
      const es2 = signingKey("ES256", { createdAt: T0 + HOUR });
      await storage.signingKeys.rotate("ES256", es2, { retiredAt: T0 + HOUR, expiresAt: T0 + 2 * HOUR });
      const es3 = signingKey("ES256", { createdAt: T0 + 3 * HOUR, status: "retired" });
      await storage.signingKeys.rotate("ES256", es3, { retiredAt: T0 + 3 * HOUR, expiresAt: T0 + 10 * HOUR });

      const published = await storage.signingKeys.listPublished(T0 + 3 * HOUR);
      const active = (alg: string) => published.filter((k) => k.alg === alg && k.status === "active").map((k) => k.kid);
      assert.deepEqual(active("ES256"), [es3.kid]);
      assert.deepEqual(active("RS256"), [rs1.kid]);
      assert.deepEqual(published.find((k) => k.kid === es2.kid), { ...es2, status: "retired", retiredAt: T0 + 3 * HOUR, expiresAt: T0 + 10 * HOUR });
      assert.equal(published.some((k) => k.kid === es1.kid), false, "expired key is not published");

      assert.equal(await storage.signingKeys.purgeExpired(T0 + 3 * HOUR), 1);
      assert.equal(await storage.signingKeys.purgeExpired(T0 + 3 * HOUR), 0);
      assert.equal((await storage.signingKeys.listPublished(0)).some((k) => k.kid === es1.kid), false);
    });

    it("registration tokens: valid until expiry; no expiry means valid; the policy comes back as stored", async () => {
      const expiring = { digest: secretDigest(unique("iat")), createdAt: T0, expiresAt: T0 + HOUR };
      const forever = { digest: secretDigest(unique("iat")), createdAt: T0, policy: { requireSoftwareStatement: true, softwareIds: ["4NRB1"], requireEvidence: true } };
      await storage.registrationTokens.insert(expiring);
      await storage.registrationTokens.insert(forever);
      assert.deepEqual(await storage.registrationTokens.findValid(expiring.digest, T0 + HOUR - 1), expiring);
      assert.equal(await storage.registrationTokens.findValid(expiring.digest, T0 + HOUR), undefined);
      assert.deepEqual(await storage.registrationTokens.findValid(forever.digest, T0 + 1000 * HOUR), forever);
      assert.equal(await storage.registrationTokens.findValid(secretDigest(unique("iat")), T0), undefined);
    });

    it("grants: create and find the grant with its refresh token", async () => {
      const g = grant();
      const rt = refreshToken(g.id);
      await storage.grants.create(g, rt);
      assert.deepEqual(await storage.grants.findGrant(g.id), g);
      assert.deepEqual(await storage.grants.findRefreshToken(rt.digest), rt);
      assert.deepEqual(await storage.grants.findRefreshTokenById(rt.id), rt);
      assert.equal(await storage.grants.findGrant(unique("grant")), undefined);
    });

    it("grants: the key a grant is bound to round-trips (RFC 9449 §5, RFC 8705 §4)", async () => {
      const g = grant({ binding: { jkt: "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I", x5tS256: "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2" } });
      await storage.grants.create(g, refreshToken(g.id));
      assert.deepEqual(await storage.grants.findGrant(g.id), g);
    });

    it("grants: rotate is single use and records the sealed successor", async () => {
      const g = grant();
      const rt1 = refreshToken(g.id);
      await storage.grants.create(g, rt1);
      const rt2 = refreshToken(g.id, { createdAt: T0 + 1 });
      assert.equal(await storage.grants.rotate(rt1.id, T0 + 1, rt2, "sealed-rt2"), true);
      assert.deepEqual(await storage.grants.findRefreshTokenById(rt1.id), { ...rt1, status: "rotated", rotatedAt: T0 + 1, successorId: rt2.id, successorSealed: "sealed-rt2" });
      assert.deepEqual(await storage.grants.findRefreshToken(rt2.digest), rt2);

      const rt3 = refreshToken(g.id);
      assert.equal(await storage.grants.rotate(rt1.id, T0 + 2, rt3, "sealed-rt3"), false);
      assert.equal(await storage.grants.findRefreshTokenById(rt3.id), undefined, "a lost rotation inserts nothing");
    });

    it("grants: exactly one of 20 concurrent rotations of one token wins", async () => {
      const g = grant();
      const rt = refreshToken(g.id);
      await storage.grants.create(g, rt);
      const successors = Array.from({ length: 20 }, () => refreshToken(g.id));
      const results = await Promise.all(successors.map((s, i) => storage.grants.rotate(rt.id, T0 + i, s, `sealed-${i}`)));
      assert.equal(results.filter(Boolean).length, 1);
      const winner = successors[results.indexOf(true)]!;
      const stored = await Promise.all(successors.map((s) => storage.grants.findRefreshTokenById(s.id)));
      assert.deepEqual(stored.filter(Boolean).map((s) => s!.id), [winner.id]);
      assert.equal((await storage.grants.findRefreshTokenById(rt.id))?.successorId, winner.id);
    });

    it("grants: revokeGrant revokes every refresh token once", async () => {
      const g = grant();
      const rt1 = refreshToken(g.id);
      const rt2 = refreshToken(g.id);
      await storage.grants.create(g, rt1);
      await storage.grants.rotate(rt1.id, T0 + 1, rt2, "sealed");
      assert.deepEqual(await storage.grants.revokeGrant(g.id, T0 + 5), [g.id]);
      assert.equal((await storage.grants.findGrant(g.id))?.revokedAt, T0 + 5);
      assert.equal((await storage.grants.findRefreshTokenById(rt1.id))?.status, "revoked");
      assert.equal((await storage.grants.findRefreshTokenById(rt2.id))?.status, "revoked");
      assert.deepEqual(await storage.grants.revokeGrant(g.id, T0 + 6), []);
      assert.equal((await storage.grants.findGrant(g.id))?.revokedAt, T0 + 5);
      assert.deepEqual(await storage.grants.revokeGrant(unique("grant"), T0), []);
      assert.equal(await storage.grants.rotate(rt2.id, T0 + 7, refreshToken(g.id), "sealed"), false, "a revoked token cannot rotate");
    });

    it("grants: a derived grant keeps its parent and is created only while the parent is live", async () => {
      const parent = grant();
      await storage.grants.create(parent, refreshToken(parent.id));
      const child = grant({ parentId: parent.id, clientId: "client-2" });
      assert.equal(await storage.grants.create(child, refreshToken(child.id)), true);
      assert.deepEqual(await storage.grants.findGrant(child.id), child);
      const orphan = grant({ parentId: unique("grant") });
      const orphanRt = refreshToken(orphan.id);
      assert.equal(await storage.grants.create(orphan, orphanRt), false);
      assert.equal(await storage.grants.findGrant(orphan.id), undefined);
      assert.equal(await storage.grants.findRefreshTokenById(orphanRt.id), undefined, "nothing is written");
      await storage.grants.revokeGrant(parent.id, T0 + 1);
      const late = grant({ parentId: parent.id });
      assert.equal(await storage.grants.create(late, refreshToken(late.id)), false, "a revoked parent derives nothing");
    });

    it("grants: revoking a grant revokes the grants derived from it, generation by generation, with their tokens", async () => {
      const root = grant();
      const child = grant({ parentId: root.id });
      const grandchild = grant({ parentId: child.id });
      const sibling = grant({ parentId: root.id });
      const unrelated = grant();
      const tokens = new Map([root, child, grandchild, sibling, unrelated].map((g) => [g.id, refreshToken(g.id)]));
      for (const g of [root, child, grandchild, sibling, unrelated]) await storage.grants.create(g, tokens.get(g.id)!);
      await storage.grants.revokeGrant(sibling.id, T0 + 1);

      assert.deepEqual(await storage.grants.revokeGrant(root.id, T0 + 5), [root.id, child.id, grandchild.id]);
      for (const g of [root, child, grandchild]) {
        assert.equal((await storage.grants.findGrant(g.id))?.revokedAt, T0 + 5, g.id);
        assert.equal((await storage.grants.findRefreshTokenById(tokens.get(g.id)!.id))?.status, "revoked", g.id);
      }
      assert.equal((await storage.grants.findGrant(sibling.id))?.revokedAt, T0 + 1, "an earlier revocation is kept");
      assert.equal((await storage.grants.findGrant(unrelated.id))?.revokedAt, undefined);
      assert.deepEqual(await storage.grants.revokeGrant(root.id, T0 + 6), []);
    });

    it("grants: a grant derived while its parent is being revoked is revoked with it, or never created", async () => {
      for (let round = 0; round < 5; round++) {
        const parent = grant();
        await storage.grants.create(parent, refreshToken(parent.id));
        const children = Array.from({ length: 5 }, () => grant({ parentId: parent.id }));
        const [created] = await Promise.all([Promise.all(children.map((c) => storage.grants.create(c, refreshToken(c.id)))), storage.grants.revokeGrant(parent.id, T0 + 5)]);
        for (const [i, child] of children.entries()) {
          const stored = await storage.grants.findGrant(child.id);
          assert.equal(stored?.revokedAt, created[i] ? T0 + 5 : undefined, `round ${round}, child ${i}`);
          if (!created[i]) assert.equal(stored, undefined);
        }
      }
    });

    it("grants: revokeForUser also revokes what was derived from those grants, for any client", async () => {
      const subject = unique("user");
      const mine = grant({ subject });
      const derived = grant({ subject: unique("user"), clientId: unique("client"), parentId: mine.id });
      for (const g of [mine, derived]) await storage.grants.create(g, refreshToken(g.id));
      assert.deepEqual(await storage.grants.revokeForUser(subject, T0 + 5, mine.clientId), [mine.id, derived.id]);
      assert.equal((await storage.grants.findGrant(derived.id))?.revokedAt, T0 + 5);
    });

    it("grants: purgeExpired removes expired grants, their tokens and expired tokens", async () => {
      const now = T0 - HOUR; // before every other case's expiry, so only these rows are affected
      const old = grant({ expiresAt: now - 1 });
      const oldRt = refreshToken(old.id, { expiresAt: now + HOUR });
      const live = grant({ expiresAt: now + HOUR });
      const liveRt = refreshToken(live.id, { expiresAt: now - 1 });
      const liveRt2 = refreshToken(live.id, { expiresAt: now + HOUR });
      await storage.grants.create(old, oldRt);
      await storage.grants.create(live, liveRt);
      await storage.grants.rotate(liveRt.id, T0, liveRt2, "sealed");
      assert.equal(await storage.grants.purgeExpired(now), 3);
      assert.equal(await storage.grants.findGrant(old.id), undefined);
      assert.equal(await storage.grants.findRefreshTokenById(oldRt.id), undefined);
      assert.equal(await storage.grants.findRefreshTokenById(liveRt.id), undefined);
      assert.deepEqual(await storage.grants.findGrant(live.id), live);
      assert.deepEqual(await storage.grants.findRefreshTokenById(liveRt2.id), liveRt2);
      assert.equal(await storage.grants.purgeExpired(now), 0);
    });

    it("grants: revokeForUser with a client revokes only that user's live grants for the client, with their tokens", async () => {
      const subject = unique("user");
      const clientId = unique("client");
      const mine = [grant({ subject, clientId }), grant({ subject, clientId })];
      const revokedEarlier = grant({ subject, clientId });
      const otherClient = grant({ subject });
      const otherUser = grant({ clientId });
      const all = [...mine, revokedEarlier, otherClient, otherUser];
      const tokens = new Map(all.map((g) => [g.id, refreshToken(g.id, { clientId: g.clientId })]));
      for (const g of all) await storage.grants.create(g, tokens.get(g.id)!);
      await storage.grants.revokeGrant(revokedEarlier.id, T0 + 1);

      const revoked = await storage.grants.revokeForUser(subject, T0 + 5, clientId);
      assert.deepEqual([...revoked].sort(), mine.map((g) => g.id).sort());
      for (const g of mine) {
        assert.equal((await storage.grants.findGrant(g.id))?.revokedAt, T0 + 5);
        assert.equal((await storage.grants.findRefreshTokenById(tokens.get(g.id)!.id))?.status, "revoked");
      }
      assert.equal((await storage.grants.findGrant(revokedEarlier.id))?.revokedAt, T0 + 1, "an earlier revocation is kept");
      for (const g of [otherClient, otherUser]) {
        assert.equal((await storage.grants.findGrant(g.id))?.revokedAt, undefined);
        assert.equal((await storage.grants.findRefreshTokenById(tokens.get(g.id)!.id))?.status, "active");
      }
      assert.deepEqual(await storage.grants.revokeForUser(subject, T0 + 6, clientId), []);
    });

    it("sessions: insert, find by cookie digest and id, update authentication, end once", async () => {
      const s = session({ acr: "urn:portcullis:acr:pwd" });
      const digest = secretDigest(unique("cookie"));
      await storage.sessions.insert(s, digest);
      assert.deepEqual(await storage.sessions.findByCookieDigest(digest), s);
      assert.deepEqual(await storage.sessions.findById(s.id), s);
      const swappedCase = [...digest].map((c) => (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase())).join("");
      assert.equal(await storage.sessions.findByCookieDigest(swappedCase), undefined, "digests compare case-sensitively");
      await assert.rejects(storage.sessions.insert(session(), digest), (error) => !(error instanceof StorageUnavailableError), "cookie digests are unique");

      await storage.sessions.updateAuthentication(s.id, { authTime: T0 / 1000 + 60, amr: ["pwd", "otp"] });
      const { acr: _dropped, ...withoutAcr } = s;
      assert.deepEqual(await storage.sessions.findById(s.id), { ...withoutAcr, authTime: T0 / 1000 + 60, amr: ["pwd", "otp"] });

      assert.equal(await storage.sessions.end(s.id, T0 + 10), true);
      assert.equal(await storage.sessions.end(s.id, T0 + 11), false);
      assert.equal((await storage.sessions.findByCookieDigest(digest))?.endedAt, T0 + 10);
      assert.equal(await storage.sessions.end(unique("sid"), T0), false);
      assert.equal(await storage.sessions.findById(unique("sid")), undefined);
    });

    it("sessions: listByUser returns the live sessions, newest first", async () => {
      const userId = unique("user");
      const older = session({ userId, createdAt: T0 });
      const newer = session({ userId, createdAt: T0 + 1 });
      const expired = session({ userId, expiresAt: T0 + HOUR });
      const ended = session({ userId });
      for (const s of [older, newer, expired, ended, session()]) await storage.sessions.insert(s, secretDigest(s.id));
      await storage.sessions.end(ended.id, T0 + 2);
      assert.deepEqual(await storage.sessions.listByUser(userId, T0 + HOUR), [newer, older]);
      assert.deepEqual(await storage.sessions.listByUser(unique("user"), T0), []);
    });

    it("sessions: addClient is idempotent, also concurrently", async () => {
      const s = session();
      await storage.sessions.insert(s, secretDigest(s.id));
      await Promise.all(Array.from({ length: 10 }, () => storage.sessions.addClient(s.id, "rp-b")));
      await storage.sessions.addClient(s.id, "rp-a");
      await storage.sessions.addClient(s.id, "rp-b");
      assert.deepEqual(await storage.sessions.clientIds(s.id), ["rp-a", "rp-b"]);
      assert.deepEqual(await storage.sessions.clientIds(unique("sid")), []);
    });

    it("sessions: purge removes sessions expired or ended before the instant, with their clients", async () => {
      const before = T0 - HOUR; // before every other case's expiry, so only these rows are affected
      const expired = session({ createdAt: before - 2 * HOUR, expiresAt: before - 1 });
      const ended = session({ createdAt: before - 2 * HOUR, expiresAt: before + HOUR });
      const live = session({ createdAt: before - 2 * HOUR, expiresAt: before + HOUR });
      for (const s of [expired, ended, live]) {
        await storage.sessions.insert(s, secretDigest(s.id));
        await storage.sessions.addClient(s.id, "rp");
      }
      await storage.sessions.end(ended.id, before - 1);
      assert.equal(await storage.sessions.purge(before), 2);
      assert.equal(await storage.sessions.findById(expired.id), undefined);
      assert.equal(await storage.sessions.findById(ended.id), undefined);
      assert.deepEqual(await storage.sessions.clientIds(expired.id), []);
      assert.deepEqual(await storage.sessions.findById(live.id), live);
      assert.deepEqual(await storage.sessions.clientIds(live.id), ["rp"]);
      assert.equal(await storage.sessions.purge(before), 0);
    });

    it("consents: put replaces the stored set; find, listByUser, delete", async () => {
      const userId = unique("user");
      const first = { userId, clientId: "rp-b", scopes: ["openid", "profile"], grantedAt: T0 };
      await storage.consents.put(first);
      assert.deepEqual(await storage.consents.find(userId, "rp-b"), first);
      const widened = { ...first, scopes: ["openid", "profile", "email"], grantedAt: T0 + 1 };
      await storage.consents.put(widened);
      assert.deepEqual(await storage.consents.find(userId, "rp-b"), widened);
      const other = { userId, clientId: "rp-a", scopes: ["openid"], grantedAt: T0 + 2 };
      await storage.consents.put(other);
      await storage.consents.put({ ...other, userId: unique("user") });
      assert.deepEqual(await storage.consents.listByUser(userId), [other, widened]);
      assert.equal(await storage.consents.find(userId, "RP-B"), undefined, "client ids compare case-sensitively");
      assert.equal(await storage.consents.delete(userId, "rp-b"), true);
      assert.equal(await storage.consents.delete(userId, "rp-b"), false);
      assert.deepEqual(await storage.consents.listByUser(userId), [other]);
    });

    it("change log: each write of a cached thing is recorded in commit order with gap-free seqs; reads, misses and other writes are not", async () => {
      const start = await storage.changes.head();
      const c = client(unique("changed"));
      await storage.clients.insert(c);
      await storage.clients.update({ ...c, updatedAt: T0 + 1 });
      assert.equal(await storage.clients.update(client(unique("missing"))), false);
      await storage.clients.delete(c.clientId);
      await storage.clients.delete(c.clientId);
      const resource = { id: `https://${unique("rs")}.example/`, scopes: ["a"], accessTokenFormat: "jwt" as const, accessTokenTtl: 60, createdAt: T0 };
      await storage.resources.upsert(resource);
      await storage.resources.delete(resource.id);
      await storage.resources.delete(resource.id);
      const alg = `A${randomUUID().slice(0, 8)}`;
      const first = signingKey(alg);
      const second = signingKey(alg);
      await storage.signingKeys.insert(first);
      await storage.signingKeys.rotate(alg, second, { retiredAt: T0 + 1, expiresAt: T0 + 2 });
      assert.equal(await storage.signingKeys.purgeExpired(T0 + 3), 1);
      const subject = unique("user");
      const live = grant({ subject });
      await storage.grants.create(live, refreshToken(live.id));
      await storage.users.insert({ id: unique("user"), username: unique("u"), passwordHash: "h", disabled: false, createdAt: T0 });
      await storage.consents.put({ userId: subject, clientId: "rp", scopes: ["openid"], grantedAt: T0 });
      assert.deepEqual(await storage.grants.revokeForUser(subject, T0 + 4), [live.id]);
      assert.deepEqual(await storage.grants.revokeForUser(subject, T0 + 5), []);

      const changes = await storage.changes.since(start, 100);
      assert.deepEqual(
        changes.map((change) => [change.topic, change.key]),
        [
          ["client-created", c.clientId],
          ["client", c.clientId],
          ["client", c.clientId],
          ["resource", resource.id],
          ["resource", resource.id],
          ["signing-key", first.kid],
          ["signing-key", first.kid],
          ["signing-key", second.kid],
          ["signing-key", first.kid],
          ["grant-revoked", live.id],
        ],
      );
      assert.deepEqual(changes.map((change) => change.seq), changes.map((_, i) => start + 1 + i));
      assert.equal(await storage.changes.head(), start + changes.length);
      assert.deepEqual(await storage.changes.since(start + 8, 1), [changes[8]]);
    });

    it("change log: 20 concurrent recording writes get distinct, gap-free seqs", async () => {
      const start = await storage.changes.head();
      const ids = Array.from({ length: 20 }, () => unique("concurrent"));
      await Promise.all(ids.map((id) => storage.clients.insert(client(id))));
      const changes = await storage.changes.since(start, 100);
      assert.deepEqual(changes.map((change) => change.seq), ids.map((_, i) => start + 1 + i));
      assert.deepEqual(changes.map((change) => change.key).sort(), [...ids].sort());
    });

    it("change log: commit listeners run after the commit and before the write resolves", async () => {
      let seen: number[] = [];
      let listening = true;
      storage.changes.onCommit(async () => {
        if (listening) seen.push(await storage.changes.head());
      });
      const start = await storage.changes.head();
      await storage.clients.insert(client(unique("listened")));
      assert.deepEqual(seen, [start + 1]);
      seen = [];
      await storage.clients.find("nobody");
      await storage.users.setDisabled("nobody", true);
      assert.deepEqual(seen, [], "no listener call without a recorded change");
      listening = false;
    });

    it("change log: purge keeps only the latest changes", async () => {
      for (let i = 0; i < 3; i++) await storage.clients.insert(client(unique("purged")));
      const head = await storage.changes.head();
      assert.ok((await storage.changes.purge(2)) >= 1);
      assert.deepEqual((await storage.changes.since(0, 100)).map((change) => change.seq), [head - 1, head]);
    });

    it("users: setDisabled disables and re-enables; false for an unknown user", async () => {
      const user = { id: unique("user"), username: unique("dora"), passwordHash: "h", disabled: false, createdAt: T0 };
      await storage.users.insert(user);
      assert.equal(await storage.users.setDisabled(user.id, true), true);
      assert.equal((await storage.users.findById(user.id))?.disabled, true);
      assert.equal(await storage.users.setDisabled(user.id, false), true);
      assert.equal((await storage.users.findById(user.id))?.disabled, false);
      assert.equal(await storage.users.setDisabled(unique("nobody"), true), false);
    });

    it("server secrets: concurrent getOrCreate converge on one value", async () => {
      const name = unique("kek");
      const values = await Promise.all(Array.from({ length: 20 }, (_, i) => storage.serverSecrets.getOrCreate(name, `candidate-${i}`)));
      assert.equal(new Set(values).size, 1);
      assert.match(values[0]!, /^candidate-\d+$/);
      assert.equal(await storage.serverSecrets.getOrCreate(name, "later"), values[0]);
    });

    trustedIssuerContract(() => storage);
  });
}
