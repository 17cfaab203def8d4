import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { DI } from "../../../src/core/di-tokens.js";
import { RefreshTokenService } from "../../../src/core/tokens/refresh-token.service.js";
import { TokenService, type IntrospectResponse } from "../../../gen/portcullis/token/v1/token_pb.js";
import { basic } from "../../support/test-app.js";
import { FORGED_CLAIMS } from "../../fixtures/plugins/test-hooks.plugin.js";
import { startRpcHarness, unary, type RpcHarness } from "./rpc-harness.js";

const plugin = fileURLToPath(new URL("../../fixtures/plugins/test-hooks.plugin.ts", import.meta.url));
const MINT_GRANT_TYPE = "urn:portcullis:grant-type:rpc-mint";
const API = "https://api.example.com";

type Registered = { client_id: string; client_secret?: string };

/** The payload of a JWT, unverified (the tests read what was signed). */
const payloadOf = (jwt: string) => JSON.parse(Buffer.from(jwt.split(".")[1]!, "base64url").toString()) as Record<string, unknown>;

/** A gRPC IntrospectResponse as RFC 7662 members: its fields under their member names, then `extra_members`. */
function membersOf(answer: IntrospectResponse): Record<string, unknown> {
  if (!answer.active) return { active: false };
  return {
    active: true,
    client_id: answer.clientId,
    sub: answer.sub,
    exp: Number(answer.exp),
    iat: Number(answer.iat),
    iss: answer.iss,
    jti: answer.jti,
    token_type: answer.tokenType,
    ...(answer.scope !== "" && { scope: answer.scope }),
    ...(answer.aud.length > 0 && { aud: answer.aud }),
    ...answer.extraMembers,
  };
}

/** An HTTP introspection body with `aud` always a list, as the repeated proto field holds it. */
function withAudienceList(body: Record<string, unknown>): Record<string, unknown> {
  return typeof body.aud === "string" ? { ...body, aud: [body.aud] } : body;
}

/** One owner per rule: Mint is issued by TokenIssuer (as /token), Introspect answered by IntrospectionService (as /introspect). */
describe("TokenService shares the token endpoint's and the introspection endpoint's rules", () => {
  let h: RpcHarness;
  let minter: string;
  let hooked: Registered;
  let plain: Registered;
  let resourceServer: Registered;
  let resourceServerToken: string;
  before(async () => {
    h = await startRpcHarness({ plugins: plugin });
    minter = await h.callerToken("portcullis:mint", "portcullis:tokens");
    hooked = await h.test.createClient({ grant_types: ["client_credentials"], scope: "read", hooks: ["test-token-customizer"] });
    plain = await h.test.createClient({ grant_types: ["client_credentials"], scope: "read" });
    resourceServer = await h.test.createClient({ grant_types: ["client_credentials"], scope: "portcullis:tokens", hooks: ["test-introspection-customizer"] });
    resourceServerToken = await h.mint(resourceServer.client_id, { scopes: ["portcullis:tokens"] });
  });
  after(() => h.close());

  const mint = (request: { clientId: string; subject?: string; scopes?: string[]; audiences?: string[]; ttlSeconds?: bigint; extraClaims?: Record<string, unknown> }) =>
    unary(h.grpc, TokenService.method.mint, request as never, minter);
  const grpcIntrospect = async (token: string, caller: string, tokenTypeHint = "") => membersOf(await unary(h.grpc, TokenService.method.introspect, { token, tokenTypeHint }, caller));
  const httpIntrospect = async (token: string, client: Registered) => {
    const res = await h.test.postForm("/introspect", { token }, basic(client.client_id, client.client_secret!));
    assert.equal(res.status, 200);
    return withAudienceList((await res.json()) as Record<string, unknown>);
  };
  const tokenEndpoint = async (client: Registered) => {
    const res = await h.test.postForm("/token", { grant_type: "client_credentials", scope: "read" }, basic(client.client_id, client.client_secret!));
    assert.equal(res.status, 200);
    return ((await res.json()) as { access_token: string }).access_token;
  };

  it("Mint runs the client's token customizers, as /token does, under the rpc-mint grant type", async () => {
    const minted = payloadOf((await mint({ clientId: hooked.client_id, scopes: ["read"] })).accessToken);
    assert.equal(minted.customized_for, MINT_GRANT_TYPE);
    assert.equal(payloadOf(await tokenEndpoint(hooked)).customized_for, "client_credentials");
    assert.equal(payloadOf((await mint({ clientId: plain.client_id })).accessToken).customized_for, undefined, "only clients that opted in");
  });

  it("Mint strips reserved and authentication claims from extra_claims and from customizers, keeping its own choices", async () => {
    const forged = { ...FORGED_CLAIMS, aud: "https://evil.example", exp: 1, iat: 1, nbf: 1, jti: "forged", client_id: "forged", scope: "admin", gid: "forged", _oidc: { acr: "forged" } };
    const answer = await mint({ clientId: hooked.client_id, subject: "svc-42", scopes: ["read"], audiences: [API], ttlSeconds: 120n, extraClaims: { tenant: "acme", ...forged } });
    const claims = payloadOf(answer.accessToken);
    for (const name of ["acr", "amr", "auth_time", "sid", "nonce", "nbf", "gid", "cnf", "act", "_oidc"]) assert.equal(claims[name], undefined, name);
    assert.deepEqual(
      [claims.iss, claims.sub, claims.aud, claims.client_id, claims.scope, claims.jti, (claims.exp as number) - (claims.iat as number)],
      [h.test.issuer, "svc-42", API, hooked.client_id, "read", answer.jti, 120],
    );
    assert.deepEqual([claims.tenant, claims.customized_for], ["acme", MINT_GRANT_TYPE]);
    const fromTokenEndpoint = payloadOf(await tokenEndpoint(hooked));
    for (const name of Object.keys(FORGED_CLAIMS).filter((n) => n !== "sub" && n !== "iss")) assert.equal(fromTokenEndpoint[name], undefined, `/token: ${name}`);
  });

  it("HTTP /introspect and gRPC Introspect answer the same members to the same client, customizer members included", async () => {
    const refresh = await h.test.app.container.resolve(RefreshTokenService).issue({
      client: (await h.test.app.container.resolve(DI.ClientRegistry).get(plain.client_id))!,
      subject: "alice",
      scopes: ["read"],
      resources: [],
    });
    const tokens = {
      minted: (await mint({ clientId: hooked.client_id, scopes: ["read"], audiences: [API] })).accessToken,
      bound: await h.mint(plain.client_id, { audiences: [API, "https://other.example.com"], confirmation: { "x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2" } }),
      refresh: refresh.refreshToken,
      unknown: "never-issued",
    };
    for (const [name, token] of Object.entries(tokens)) {
      const overHttp = await httpIntrospect(token, resourceServer);
      assert.deepEqual(await grpcIntrospect(token, resourceServerToken), overHttp, name);
      if (name === "unknown") assert.deepEqual(overHttp, { active: false });
      else assert.deepEqual([overHttp.active, overHttp.introspected_for], [true, resourceServer.client_id], name);
    }
    assert.deepEqual((await httpIntrospect(tokens.bound, resourceServer)).cnf, { "x5t#S256": "bwcK0esc3ACC3DB2Y5_lESsXE8o9ltc05O89jdN-dg2" });
    assert.notEqual((await httpIntrospect(tokens.minted, resourceServer)).sub, "forged", "customizers never replace core's members");
    assert.equal((await grpcIntrospect(tokens.minted, minter)).introspected_for, undefined, "a caller whose client did not opt in gets no customizer members");
  });
});
