import "reflect-metadata";
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { createRemoteJWKSet, jwtVerify } from "jose";
import { DI } from "../../../src/core/di-tokens.js";
import { LogoutService } from "../../../src/core/sessions/logout.service.js";
import { SubjectResolver } from "../../../src/core/users/subject-resolver.js";
import { LogoutReceiver, startLogoutFixture, type LogoutFixture, type ReceivedLogout } from "./logout-fixture.js";

const EVENT = "http://schemas.openid.net/event/backchannel-logout";

/** OIDC Back-Channel Logout 1.0 §2.4–2.5 (corpus K68): logout tokens, and RPs that never block the user's logout. */
describe("back-channel logout (corpus K68)", () => {
  let f: LogoutFixture;
  let receiver: LogoutReceiver;

  before(async () => {
    receiver = await new LogoutReceiver().start();
    f = await startLogoutFixture({ backchannelLogoutTimeout: "60", unsignedIdTokens: "true" });
  });
  after(async () => {
    await receiver.stop();
    await f.close();
  });

  const logoutNow = async (clientId: string, userId: string) => {
    const browser = await f.signIn(userId, [clientId]);
    const hint = await f.idToken(clientId, browser.session);
    const response = await f.request("/end_session", { query: { id_token_hint: hint }, cookie: browser.cookie });
    return { browser, response };
  };

  it("sends each RP of the session a logout token with exactly iss, aud, iat, exp, jti, events, sub and sid, verifiable with /jwks", async () => {
    const plain = await f.registerRp({ backchannel_logout_uri: `${receiver.url}/ok` });
    const es256 = await f.registerRp({ backchannel_logout_uri: `${receiver.url}/ok?tenant=7`, id_token_signed_response_alg: "ES256", backchannel_logout_session_required: true });
    const unsigned = await f.registerRp({ backchannel_logout_uri: `${receiver.url}/ok`, id_token_signed_response_alg: "none" });
    const pairwise = await f.registerRp({ backchannel_logout_uri: `${receiver.url}/ok`, subject_type: "pairwise" });
    const silent = await f.registerRp();
    const browser = await f.signIn("alice", [plain, es256, unsigned, pairwise, silent]);

    await f.test.app.container.resolve(LogoutService).logout(browser.session.id);
    await f.notifier.idle();
    const received: ReceivedLogout[] = [];
    for (let i = 0; i < 4; i++) received.push(await receiver.next());
    assert.equal(receiver.received.length, 0, "no token for the RP without backchannel_logout_uri");

    const jwks = createRemoteJWKSet(new URL(`${f.test.publicUrl}/jwks`));
    const clients = f.test.app.container.resolve(DI.ClientRegistry);
    const subjects = f.test.app.container.resolve(SubjectResolver);
    const iat = Math.floor(f.clock.now() / 1000);
    const jtis = new Set<string>();
    const algs: Record<string, string> = {};
    for (const { contentType, form } of received) {
      assert.equal(contentType, "application/x-www-form-urlencoded");
      assert.deepEqual([...form.keys()], ["logout_token"]);
      const token = form.get("logout_token")!;
      const aud = (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { aud: string }).aud;
      const { payload, protectedHeader } = await jwtVerify(token, jwks, { issuer: f.test.issuer, audience: aud, typ: "logout+jwt", currentDate: new Date(f.clock.now()) });
      assert.equal(protectedHeader.typ, "logout+jwt");
      algs[aud] = protectedHeader.alg;
      const client = (await clients.get(aud))!;
      assert.equal("nonce" in payload, false, "a logout token never has a nonce (§2.4)");
      assert.deepEqual(payload, {
        iss: f.test.issuer,
        sub: await subjects.forClient(client, "alice"),
        aud,
        iat,
        exp: iat + 120,
        jti: payload.jti,
        events: { [EVENT]: {} },
        sid: browser.session.id,
      });
      assert.match(String(payload.jti), /^[A-Za-z0-9_-]{16,}$/);
      jtis.add(String(payload.jti));
    }
    assert.equal(jtis.size, 4, "every token has its own jti");
    assert.deepEqual(algs, { [plain]: "RS256", [es256]: "ES256", [unsigned]: "RS256", [pairwise]: "RS256" });
    const pairwiseSub = (await subjects.forClient((await clients.get(pairwise))!, "alice"));
    assert.notEqual(pairwiseSub, "alice", "a pairwise RP gets its pairwise sub");
  });

  it("answers the user's logout while the RP's endpoint still hangs", { timeout: 30_000 }, async () => {
    const hanging = await f.registerRp({ backchannel_logout_uri: `${receiver.url}/hang` });
    const { browser, response } = await logoutNow(hanging, "bob");
    assert.equal(response.status, 200);
    assert.match(await response.text(), /You are signed out/);
    assert.equal(await f.sessions.get(browser.session.id), undefined);
    const delivery = await receiver.next();
    assert.equal(delivery.path, "/hang");
    assert.equal(receiver.holding, 1, "the RP has not answered, yet the user already has the response");
    const second = await logoutNow(hanging, "bob");
    assert.equal(second.response.status, 200, "further logouts are not queued behind the hanging RP either");
    await receiver.next();
    receiver.release();
    await f.notifier.idle();
  });

  it("logs a 5xx from the RP without the token and never fails the logout", async () => {
    const failing = await f.registerRp({ backchannel_logout_uri: `${receiver.url}/fail` });
    const { response } = await logoutNow(failing, "carol");
    assert.equal(response.status, 200);
    const delivery = await receiver.next();
    await f.notifier.idle();
    const logs = f.test.logText();
    assert.match(logs, new RegExp(`"clientId":"${failing}","reason":"status".*"msg":"back-channel logout delivery failed"`));
    assert.ok(!logs.includes(delivery.form.get("logout_token")!), "the logout token is never logged");
  });

  it("ends every session of the user and notifies each with its own sid (logoutEverywhere)", async () => {
    const rp = await f.registerRp({ backchannel_logout_uri: `${receiver.url}/ok` });
    const one = await f.signIn("dave", [rp]);
    const two = await f.signIn("dave", [rp]);
    await f.signIn("erin", [rp]);
    assert.equal(await f.test.app.container.resolve(LogoutService).logoutEverywhere("dave"), 2);
    await f.notifier.idle();
    const sids = [await receiver.next(), await receiver.next()].map((r) => {
      const token = r.form.get("logout_token")!;
      return (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { sid: string }).sid;
    });
    assert.deepEqual(sids.sort(), [one.session.id, two.session.id].sort());
    assert.equal(receiver.received.length, 0);
    assert.equal(await f.test.app.container.resolve(LogoutService).logoutEverywhere("dave"), 0);
  });

  it("bounds a delivery by BACKCHANNEL_LOGOUT_TIMEOUT and logs the timeout", { timeout: 30_000 }, async () => {
    const quick = await startLogoutFixture({ backchannelLogoutTimeout: "1" });
    try {
      const hanging = await quick.registerRp({ backchannel_logout_uri: `${receiver.url}/hang` });
      const browser = await quick.signIn("frank", [hanging]);
      await quick.test.app.container.resolve(LogoutService).logout(browser.session.id);
      await receiver.next();
      await quick.notifier.idle();
      assert.equal(receiver.holding, 1, "the RP never answered");
      assert.match(quick.test.logText(), new RegExp(`"clientId":"${hanging}","reason":"timeout".*"msg":"back-channel logout delivery failed"`));
    } finally {
      receiver.release();
      await quick.close();
    }
  });

  it("publishes end_session_endpoint and back-channel logout support in discovery", async () => {
    const metadata = (await (await fetch(`${f.test.publicUrl}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    assert.equal(metadata.end_session_endpoint, `${f.test.issuer}/end_session`);
    assert.equal(metadata.backchannel_logout_supported, true);
    assert.equal(metadata.backchannel_logout_session_supported, true);
  });
});
