import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { status } from "@grpc/grpc-js";
import { SessionService } from "../../../gen/portcullis/session/v1/session_pb.js";
import { BackchannelLogoutNotifier } from "../../../src/core/sessions/backchannel-logout.notifier.js";
import { SessionManager } from "../../../src/core/sessions/session-manager.js";
import { LogoutReceiver } from "../http/logout-fixture.js";
import { grpcError, oauthErrorDetails, startRpcHarness, unary, type RpcHarness } from "./rpc-harness.js";

/** SessionService over a real gRPC client (DESIGN "Proto services"): list / get / end, ending through LogoutService. */
describe("SessionService", () => {
  let h: RpcHarness;
  let token: string;
  let sessions: SessionManager;
  let receiver: LogoutReceiver;
  let rp: string;
  const m = SessionService.method;

  before(async () => {
    receiver = await new LogoutReceiver().start();
    h = await startRpcHarness({ fetchAllowPrivate: "true" });
    token = await h.callerToken("portcullis:sessions");
    sessions = h.test.app.container.resolve(SessionManager);
    const registered = await h.test.createClient({
      client_name: "shop",
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
      redirect_uris: ["https://rp.example.com/cb"],
      backchannel_logout_uri: `${receiver.url}/ok`,
    });
    rp = registered.client_id;
  });
  after(async () => {
    h.close();
    await receiver.stop();
  });

  const start = async (userId: string, authTime: number, clientIds: string[] = []) => {
    const { session } = await sessions.start({ userId, authTime, amr: ["pwd", "otp"], acr: "urn:portcullis:mfa" });
    for (const clientId of clientIds) await sessions.recordClient(session.id, clientId);
    return session;
  };
  const nextSid = async () => {
    const token = (await receiver.next()).form.get("logout_token")!;
    return (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sid: string }).sid;
  };

  it("lists a user's live sessions, newest first, and gets one", async () => {
    const older = await start("alice", 1_000);
    h.clock.advance(1);
    const newer = await start("alice", 2_000, [rp]);
    await start("bob", 3_000);
    const listed = (await unary(h.grpc, m.listSessions, { subject: "alice" }, token)).sessions;
    assert.deepEqual(
      listed.map((s) => s.sessionId),
      [newer.id, older.id],
    );
    const got = (await unary(h.grpc, m.getSession, { sessionId: newer.id }, token)).session!;
    assert.equal(got.sessionId, newer.id);
    assert.equal(got.subject, "alice");
    assert.equal(got.authenticatedAt, 2_000n);
    assert.equal(got.expiresAt, BigInt(Math.floor(newer.expiresAt / 1000)));
    assert.deepEqual(got.amr, ["pwd", "otp"]);
    assert.deepEqual(got.clientIds, [rp]);
    assert.deepEqual((await unary(h.grpc, m.listSessions, { subject: "nobody" }, token)).sessions, []);
  });

  it("ends one session, which back-channel-notifies its RPs; NOT_FOUND afterwards and for unknown ids", async () => {
    const session = await start("carol", 1_000, [rp]);
    assert.deepEqual(await unary(h.grpc, m.endSession, { sessionId: session.id }, token), { $typeName: "portcullis.session.v1.EndSessionResponse" });
    assert.equal(await nextSid(), session.id);
    for (const call of [
      unary(h.grpc, m.getSession, { sessionId: session.id }, token),
      unary(h.grpc, m.endSession, { sessionId: session.id }, token),
      unary(h.grpc, m.getSession, { sessionId: "unknown" }, token),
      unary(h.grpc, m.endSession, { sessionId: "" }, token),
    ]) {
      assert.equal((await grpcError(call)).code, status.NOT_FOUND);
    }
  });

  it("ends all sessions of a user and says how many (logout everywhere)", async () => {
    const one = await start("dave", 1_000, [rp]);
    const two = await start("dave", 2_000, [rp]);
    const other = await start("erin", 1_000);
    assert.equal((await unary(h.grpc, m.endAllSessions, { subject: "dave" }, token)).ended, 2);
    assert.deepEqual([await nextSid(), await nextSid()].sort(), [one.id, two.id].sort());
    assert.deepEqual((await unary(h.grpc, m.listSessions, { subject: "dave" }, token)).sessions, []);
    assert.equal((await unary(h.grpc, m.endAllSessions, { subject: "dave" }, token)).ended, 0);
    assert.equal((await unary(h.grpc, m.getSession, { sessionId: other.id }, token)).session?.sessionId, other.id);
    await h.test.app.container.resolve(BackchannelLogoutNotifier).idle();
  });

  it("requires a subject: INVALID_ARGUMENT with invalid_request", async () => {
    for (const call of [unary(h.grpc, m.listSessions, { subject: "" }, token), unary(h.grpc, m.endAllSessions, {}, token)]) {
      const failure = await grpcError(call);
      assert.equal(failure.code, status.INVALID_ARGUMENT);
      assert.equal(oauthErrorDetails(failure)[0]?.error, "invalid_request");
    }
  });

  it("needs the portcullis:sessions scope: PERMISSION_DENIED without it, UNAUTHENTICATED without a token", async () => {
    const session = await start("frank", 1_000);
    const other = await h.callerToken("portcullis:clients:read", "portcullis:tokens");
    for (const call of [
      unary(h.grpc, m.listSessions, { subject: "frank" }, other),
      unary(h.grpc, m.getSession, { sessionId: session.id }, other),
      unary(h.grpc, m.endSession, { sessionId: session.id }, other),
      unary(h.grpc, m.endAllSessions, { subject: "frank" }, other),
    ]) {
      assert.equal((await grpcError(call)).code, status.PERMISSION_DENIED);
    }
    assert.equal((await grpcError(unary(h.grpc, m.listSessions, { subject: "frank" }))).code, status.UNAUTHENTICATED);
    assert.ok(await sessions.get(session.id), "nothing was ended");
  });
});
