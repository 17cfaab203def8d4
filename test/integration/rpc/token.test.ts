import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { create, equals } from "@bufbuild/protobuf";
import { status } from "@grpc/grpc-js";
import { DI } from "../../../src/core/di-tokens.js";
import { RefreshTokenService } from "../../../src/core/tokens/refresh-token.service.js";
import { IntrospectResponseSchema, TokenService } from "../../../gen/portcullis/token/v1/token_pb.js";
import { TokenValidationService } from "../../../gen/portcullis/validation/v1/validation_pb.js";
import { grpcError, oauthErrorDetails, startRpcHarness, unary, type RpcHarness } from "./rpc-harness.js";

/** TokenService: Mint (internal), Introspect (RFC 7662) and Revoke (RFC 7009) over a real gRPC client. */
describe("TokenService", () => {
  let h: RpcHarness;
  let caller: string;
  let appId: string;
  before(async () => {
    h = await startRpcHarness();
    caller = await h.callerToken("portcullis:mint", "portcullis:tokens", "portcullis:validate");
    appId = (await h.test.createClient({ client_name: "app", grant_types: ["client_credentials"], scope: "read portcullis:validate" })).client_id;
  });
  after(() => h.close());

  const mint = (request: { clientId: string; subject?: string; scopes?: string[]; audiences?: string[]; ttlSeconds?: bigint; extraClaims?: Record<string, string> }) =>
    unary(h.grpc, TokenService.method.mint, request, caller);
  const introspect = (token: string, tokenTypeHint = "") => unary(h.grpc, TokenService.method.introspect, { token, tokenTypeHint }, caller);
  const revoke = (token: string, tokenTypeHint = "") => unary(h.grpc, TokenService.method.revoke, { token, tokenTypeHint }, caller);
  const validate = (token: string) => unary(h.grpc, TokenValidationService.method.validateToken, { token }, caller);

  /** A grant with its first refresh token, as the authorization-code grant would create it (RFC 6749 §6). */
  async function refreshGrant(): Promise<{ grantId: string; refreshToken: string }> {
    const client = (await h.test.app.container.resolve(DI.ClientRegistry).get(appId))!;
    return h.test.app.container.resolve(RefreshTokenService).issue({ client, subject: "alice", scopes: ["read"], resources: [] });
  }

  it("Mint issues a JWT access token that ValidateToken accepts", async () => {
    const minted = await mint({ clientId: appId, subject: "svc-42", scopes: ["read"], audiences: ["https://api.example.com"], ttlSeconds: 120n, extraClaims: { tenant: "acme", iss: "https://evil.example" } });
    assert.equal(minted.tokenType, "Bearer");
    assert.equal(minted.expiresIn, 120n);
    const answer = await validate(minted.accessToken);
    assert.equal(answer.active, true);
    assert.deepEqual([answer.subject, answer.clientId, answer.jti], ["svc-42", appId, minted.jti]);
    assert.deepEqual(answer.scopes, ["read"]);
    assert.deepEqual(answer.audiences, ["https://api.example.com"]);
    assert.equal(answer.claims?.tenant, "acme");
    assert.equal(answer.claims?.iss, h.test.issuer, "extra claims never override reserved ones");
  });

  it("Mint defaults the subject to the client, the audience to the issuer and the lifetime to ACCESS_TOKEN_TTL", async () => {
    const minted = await mint({ clientId: appId });
    assert.equal(minted.expiresIn, BigInt(h.test.app.config.accessTokenTtl));
    const answer = await validate(minted.accessToken);
    assert.deepEqual([answer.subject, answer.audiences], [appId, [h.test.issuer]]);
  });

  it("Mint answers NOT_FOUND for an unknown client and INVALID_ARGUMENT with an OAuthErrorDetail for bad input", async () => {
    assert.equal((await grpcError(mint({ clientId: "no-such-client" }))).code, status.NOT_FOUND);
    const cases: [Parameters<typeof mint>[0], string][] = [
      [{ clientId: "" }, "invalid_request"],
      [{ clientId: appId, ttlSeconds: 86_401n }, "invalid_request"],
      [{ clientId: appId, scopes: ["two words"] }, "invalid_scope"],
      [{ clientId: appId, scopes: ["portcullis:mint"] }, "invalid_scope"],
      [{ clientId: appId, audiences: ["not a uri"] }, "invalid_target"],
    ];
    for (const [request, error] of cases) {
      const failure = await grpcError(mint(request));
      assert.equal(failure.code, status.INVALID_ARGUMENT, error);
      const [detail] = oauthErrorDetails(failure);
      assert.equal(detail?.error, error);
      assert.ok(detail.errorDescription.length > 0);
    }
    assert.equal((await mint({ clientId: appId, scopes: ["portcullis:validate"] })).tokenType, "Bearer", "a registered internal scope may be minted");
  });

  it("Introspect answers RFC 7662 members for an access token and only active=false otherwise", async () => {
    const minted = await mint({ clientId: appId, scopes: ["read"], audiences: ["https://api.example.com"] });
    const answer = await introspect(minted.accessToken);
    assert.deepEqual(
      { active: answer.active, scope: answer.scope, clientId: answer.clientId, sub: answer.sub, aud: answer.aud, jti: answer.jti, tokenType: answer.tokenType, iss: answer.iss },
      { active: true, scope: "read", clientId: appId, sub: appId, aud: ["https://api.example.com"], jti: minted.jti, tokenType: "Bearer", iss: h.test.issuer },
    );
    assert.ok(answer.exp > answer.iat);
    const inactive = await introspect("unknown-token", "refresh_token");
    assert.ok(equals(IntrospectResponseSchema, inactive, create(IntrospectResponseSchema, { active: false })), "nothing but active=false");
  });

  it("Introspect and Revoke of a refresh token: revoking it revokes its grant and the grant's access tokens", async () => {
    const { grantId, refreshToken } = await refreshGrant();
    const accessToken = await h.mint(appId, { scopes: ["read"], grantId });
    for (const hint of ["refresh_token", "access_token", ""]) {
      const answer = await introspect(refreshToken, hint);
      assert.deepEqual([answer.active, answer.tokenType, answer.sub, answer.scope], [true, "refresh_token", "alice", "read"], hint);
    }
    await revoke(refreshToken, "refresh_token");
    assert.equal((await introspect(refreshToken)).active, false);
    assert.equal((await validate(accessToken)).active, false);
  });

  it("Revoke of a refresh token already rotated by a racing refresh still revokes the grant (corpus O86)", async () => {
    const { grantId, refreshToken } = await refreshGrant();
    const client = (await h.test.app.container.resolve(DI.ClientRegistry).get(appId))!;
    const rotated = await h.test.app.container.resolve(RefreshTokenService).rotate(refreshToken, { client, method: "client_secret_basic" });
    const accessToken = await h.mint(appId, { grantId });
    await revoke(refreshToken, "refresh_token");
    assert.equal((await introspect(rotated.refreshToken)).active, false);
    assert.equal((await introspect(accessToken)).active, false);
  });

  it("Revoke of an access token leaves its grant; unknown tokens are OK; an empty token is invalid_request", async () => {
    const { grantId, refreshToken } = await refreshGrant();
    const accessToken = await h.mint(appId, { grantId });
    await revoke(accessToken, "refresh_token");
    assert.equal((await introspect(accessToken)).active, false);
    assert.equal((await introspect(refreshToken)).active, true);
    await revoke("never-issued");
    await revoke(accessToken);
    const failure = await grpcError(revoke(""));
    assert.equal(failure.code, status.INVALID_ARGUMENT);
    assert.equal(oauthErrorDetails(failure)[0]?.error, "invalid_request");
  });
});
