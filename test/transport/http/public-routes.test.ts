import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, test } from "node:test";
import { TokenValidationService } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { publicHandler } from "../../../src/transport/http/public-routes.js";
import type { PublicHandler } from "../../../src/transport/http/server-request.js";

const RPC_PATH = `/${TokenValidationService.typeName}/${TokenValidationService.method.validateToken.name}`;
const routedToOAuth: string[] = [];
const oauthRouter: PublicHandler = (req, res) => {
  routedToOAuth.push(req.url ?? "");
  res.end("oauth");
};
const server = createServer(
  publicHandler(oauthRouter, (router) =>
    router.service(TokenValidationService, {
      validateToken: () => ({ active: true, scopes: ["from-connect"] }),
      async *watchRevocations() {},
    }),
  ) as never,
);
let base = "";
before(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => new Promise<void>((resolve) => server.close(() => resolve())));

test("with no public Connect service the OAuth router is the handler itself", () => {
  assert.equal(publicHandler(oauthRouter), oauthRouter);
});

test("a registered service's RPC path is served by Connect", async () => {
  const answer = await fetch(`${base}${RPC_PATH}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: "t" }) });
  assert.equal(answer.status, 200);
  assert.deepEqual(await answer.json(), { active: true, scopes: ["from-connect"] });
  assert.deepEqual(routedToOAuth, []);
});

test("every other path, and a path that only starts like an RPC path, goes to the OAuth router with its query", async () => {
  for (const path of ["/token", "/authorize?client_id=c&state=s", `${RPC_PATH}x`, `/${TokenValidationService.typeName}/Other`]) {
    const answer = await fetch(`${base}${path}`);
    assert.equal(await answer.text(), "oauth", path);
  }
  assert.deepEqual(routedToOAuth, ["/token", "/authorize?client_id=c&state=s", `${RPC_PATH}x`, `/${TokenValidationService.typeName}/Other`]);
});
