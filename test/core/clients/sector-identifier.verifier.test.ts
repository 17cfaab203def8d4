import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { startLocalServer, type LocalServer } from "../security/local-server.js";
import { assertOAuthError, openRegistryFixture, type RegistryFixture } from "./registry-fixture.js";

const REDIRECTS = ["https://a.example.com/cb", "https://b.example.com/cb"];

describe("sector_identifier_uri (OIDC Registration §5, corpus 89)", () => {
  let server: LocalServer;
  let f: RegistryFixture;
  before(async () => {
    server = await startLocalServer((request, response) => {
      const documents: Record<string, unknown> = { "/all": [...REDIRECTS, "https://c.example.com/cb"], "/some": [REDIRECTS[0]], "/object": { redirect_uris: REDIRECTS } };
      const document = documents[request.url ?? ""];
      response.writeHead(document ? 200 : 404, { "content-type": "application/json" }).end(JSON.stringify(document ?? {}));
    });
    f = await openRegistryFixture({ settings: { fetchAllowPrivate: "true" } });
  });
  after(async () => {
    await f.close();
    await server.close();
  });

  const register = (path: string) => f.registry.register({ redirect_uris: REDIRECTS, sector_identifier_uri: `${server.url}${path}` }, "dynamic");

  it("accepts a document that lists every redirect URI", async () => {
    const { client } = await register("/all");
    assert.equal(client.metadata.sector_identifier_uri, `${server.url}/all`);
  });

  it("refuses a document missing a redirect URI", async () => {
    await assert.rejects(register("/some"), (e) => assertOAuthError(e, "invalid_client_metadata", /^redirect_uris\[1\] is not listed in the sector_identifier_uri document$/));
  });

  it("refuses a document that is not a JSON array", async () => {
    await assert.rejects(register("/object"), (e) => assertOAuthError(e, "invalid_client_metadata", /must return a JSON array/));
  });

  it("refuses a document that cannot be fetched", async () => {
    await assert.rejects(register("/missing"), (e) => assertOAuthError(e, "invalid_client_metadata", /^sector_identifier_uri could not be fetched$/));
  });

  it("is checked on update too", async () => {
    const { client } = await register("/all");
    await assert.rejects(
      f.registry.update(client.clientId, { redirect_uris: REDIRECTS, sector_identifier_uri: `${server.url}/some` }, "dynamic"),
      (e) => assertOAuthError(e, "invalid_client_metadata", /not listed/),
    );
  });

  it("never fetches a loopback URL when private addresses are not allowed", async () => {
    const strict = await openRegistryFixture();
    try {
      const hits = server.hits.length;
      await assert.rejects(
        strict.registry.register({ redirect_uris: REDIRECTS, sector_identifier_uri: `https://127.0.0.1:${new URL(server.url).port}/all` }, "dynamic"),
        (e) => assertOAuthError(e, "invalid_client_metadata", /^sector_identifier_uri must not point at a loopback/),
      );
      assert.equal(server.hits.length, hits);
    } finally {
      await strict.close();
    }
  });
});
