import "reflect-metadata";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import { sectorIdentifierOf, SubjectResolver } from "../../../src/core/users/subject-resolver.js";
import type { Client, ClientMetadata } from "../../../src/plugin-sdk/client.js";
import { counterRandom, openStorage } from "../keys/key-fixtures.js";

const clientWith = (clientId: string, metadata: ClientMetadata): Client => ({ clientId, metadata, issuedAt: 0, updatedAt: 0 });
const pairwise = (clientId: string, metadata: ClientMetadata) => clientWith(clientId, { subject_type: "pairwise", ...metadata });

/** Pairwise subject identifiers (OIDC Core §8.1). */
describe("SubjectResolver", () => {
  let storage: DurableStorage;
  let subjects: SubjectResolver;
  before(async () => {
    storage = await openStorage();
    subjects = new SubjectResolver(storage, counterRandom("pairwise"));
  });
  after(() => storage.close());

  it("returns the local user id for public clients and clients that registered no subject_type", async () => {
    assert.equal(await subjects.forClient(clientWith("a", {}), "user-1"), "user-1");
    assert.equal(await subjects.forClient(clientWith("b", { subject_type: "public", redirect_uris: ["https://a.example/cb"] }), "user-1"), "user-1");
  });

  it("computes base64url(SHA-256(sector, user id, salt)) with the salt stored once as server secret pairwise-salt", async () => {
    const sub = await subjects.forClient(pairwise("rp", { redirect_uris: ["https://RP.example.org/cb", "https://rp.example.org/other"] }), "user-1");
    const salt = await storage.serverSecrets.getOrCreate("pairwise-salt", "not-used");
    assert.notEqual(salt, "not-used");
    assert.equal(sub, createHash("sha256").update(`rp.example.org\0user-1\0${salt}`).digest("base64url"));
  });

  it("is stable for a user within a sector (also across clients and nodes) and differs across sectors and users", async () => {
    const a1 = pairwise("a1", { redirect_uris: ["https://a.example/cb"] });
    const a2 = pairwise("a2", { redirect_uris: ["https://a.example/other"] });
    const b = pairwise("b", { redirect_uris: ["https://b.example/cb"] });
    const sub = await subjects.forClient(a1, "user-1");
    assert.equal(await subjects.forClient(a1, "user-1"), sub);
    assert.equal(await subjects.forClient(a2, "user-1"), sub);
    const otherNode = new SubjectResolver(storage, counterRandom("another-node"));
    assert.equal(await otherNode.forClient(a1, "user-1"), sub);
    assert.notEqual(await subjects.forClient(b, "user-1"), sub);
    assert.notEqual(await subjects.forClient(a1, "user-2"), sub);
  });

  it("uses the host of sector_identifier_uri over the redirect URIs' hosts", async () => {
    const viaSector = pairwise("s", { sector_identifier_uri: "https://sector.example/ids.json", redirect_uris: ["https://a.example/cb", "https://b.example/cb"] });
    const sameHost = pairwise("t", { redirect_uris: ["https://sector.example/cb"] });
    assert.equal(await subjects.forClient(viaSector, "user-1"), await subjects.forClient(sameHost, "user-1"));
  });

  it("differs per salt: another deployment's storage yields other identifiers", async () => {
    const other = await openStorage();
    try {
      const client = pairwise("rp", { redirect_uris: ["https://a.example/cb"] });
      assert.notEqual(await new SubjectResolver(other, counterRandom("other")).forClient(client, "user-1"), await subjects.forClient(client, "user-1"));
    } finally {
      await other.close();
    }
  });

  it("refuses a pairwise client without a sector identifier (registration prevents it)", async () => {
    await assert.rejects(subjects.forClient(pairwise("multi", { redirect_uris: ["https://a.example/cb", "https://b.example/cb"] }), "user-1"), /no sector identifier/);
  });
});

describe("sectorIdentifierOf", () => {
  it("is the host of sector_identifier_uri, else the single host of the redirect URIs", () => {
    assert.equal(sectorIdentifierOf({ sector_identifier_uri: "https://ids.example:8443/s.json", redirect_uris: ["https://a.example/cb"] }), "ids.example");
    assert.equal(sectorIdentifierOf({ redirect_uris: ["https://a.example/cb", "https://a.example:444/x"] }), "a.example");
    assert.equal(sectorIdentifierOf({ redirect_uris: ["http://127.0.0.1:8080/cb", "http://127.0.0.1:9090/cb"] }), "127.0.0.1");
    assert.equal(sectorIdentifierOf({ redirect_uris: ["com.example.app:/cb"] }), "com.example.app:");
  });
  it("is undefined for several hosts or no redirect URIs", () => {
    assert.equal(sectorIdentifierOf({ redirect_uris: ["https://a.example/cb", "https://b.example/cb"] }), undefined);
    assert.equal(sectorIdentifierOf({}), undefined);
  });
});
