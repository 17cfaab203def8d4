import "reflect-metadata";
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, test } from "node:test";
import { container as rootContainer } from "tsyringe";
import { loadConfig } from "../../../src/config/config.js";
import { ACR } from "../../../src/core/authn/acr.js";
import { AuthenticatorsToken } from "../../../src/core/authn/authenticators.js";
import type { SignInContext, SignInOutcome, SignInRequirements, SignInState, SignInView } from "../../../src/core/authn/sign-in.js";
import { SignInMachine } from "../../../src/core/authn/sign-in.machine.js";
import { DI } from "../../../src/core/di-tokens.js";
import { AesGcmSealer } from "../../../src/core/keys/aes-gcm.sealer.js";
import type { Session } from "../../../src/core/sessions/session.js";
import { cryptoRandom } from "../../../src/core/security/system-clock.js";
import type { Authenticator } from "../../../src/plugin-sdk/authenticator.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { openSqlStorage } from "../../../src/storage/sql/open-sql-storage.js";
import { FakeClock } from "../../support/fake-clock.js";
import { AuditRecorderToken } from "../../../src/core/audit/audit-trail.js";
import { recordingAudit } from "../../support/recording-audit.js";

const IP = "198.51.100.7";
const field = { label: "Field", type: "text", autocomplete: "off" } as const;

/** A first factor: a known username with the password "right". */
const passwordStep: Authenticator = {
  id: "fake-password",
  factor: "first",
  amr: ["pwd"],
  fields: [{ ...field, name: "username" }, { ...field, name: "password" }],
  async authenticate({ fields }, ctx) {
    const user = await ctx.users.findByUsername(fields.username ?? "");
    return user && fields.password === "right" ? { ok: true, userId: user.id } : { ok: false };
  },
};
/** Another first factor the page does not offer (only the first one is asked). */
const linkStep: Authenticator = { ...passwordStep, id: "fake-link", amr: ["mca"] };

/** A second factor with a fixed code, enrolled for the users in `enrolled`. */
function secondStep(id: string, amr: string, code: string, enrolled: Set<string>): Authenticator {
  return {
    id,
    factor: "second",
    amr: [amr],
    fields: [{ ...field, name: "code" }],
    enrolled: async (userId) => enrolled.has(userId),
    authenticate: async ({ fields, userId }) => (userId && fields.code === code ? { ok: true, userId } : { ok: false }),
  };
}

/** The machine over real LoginService throttling, in-memory SQLite and ephemeral stores, fake authenticators and a fake clock. */
async function harness() {
  const clock = new FakeClock();
  const storage = await openSqlStorage("sqlite::memory:");
  await storage.migrate();
  const { store, bus } = await openEphemeral({ clock });
  const otpUsers = new Set<string>();
  const keyUsers = new Set<string>();
  const container = rootContainer.createChildContainer();
  container.register(DI.Config, { useValue: loadConfig({}, { issuer: "https://login.example.test" }) });
  container.register(DI.Clock, { useValue: clock });
  container.register(DI.Random, { useValue: cryptoRandom });
  container.register(DI.Durable, { useValue: storage });
  container.register(DI.Ephemeral, { useValue: store });
  container.register(DI.Sealer, { useValue: new AesGcmSealer(Buffer.alloc(32, 9)) });
  container.register(AuditRecorderToken, { useValue: recordingAudit() });
  container.register(AuthenticatorsToken, {
    useValue: [passwordStep, secondStep("fake-otp", "otp", "111111", otpUsers), linkStep, secondStep("fake-key", "hwk", "222222", keyUsers)],
  });
  for (const username of ["alice", "bob"]) {
    await storage.users.insert({ id: `u-${username}`, username, passwordHash: "unused", disabled: false, createdAt: clock.now() });
  }
  return {
    clock,
    otpUsers,
    keyUsers,
    machine: container.resolve(SignInMachine),
    async close() {
      await bus.close();
      await store.close();
      await storage.close();
    },
  };
}
type Harness = Awaited<ReturnType<typeof harness>>;

const nowSeconds = (h: Harness) => Math.floor(h.clock.now() / 1000);
/** A live SSO session of `userId`, authenticated `ageSeconds` ago with `amr`. */
function session(h: Harness, userId: string, amr = ["pwd"], ageSeconds = 0): Session {
  const acr = amr.length > 1 ? ACR.multiFactor : ACR.singleFactor;
  return { id: `sid-${userId}`, userId, authTime: nowSeconds(h) - ageSeconds, amr, acr, createdAt: h.clock.now(), expiresAt: h.clock.now() + 3_600_000 };
}
function context(current?: Session, requirements: Partial<SignInRequirements> = {}, acceptsSession?: SignInContext["acceptsSession"]): SignInContext {
  return { requirements: { reauthenticate: false, acrValues: [], selectAccount: false, ...requirements }, session: current, ...(acceptsSession && { acceptsSession }) };
}
const password = (username: string, pw = "right") => ({ kind: "authenticate", authenticatorId: "fake-password", fields: { username, password: pw } }) as const;
const code = (authenticatorId: string, value: string) => ({ kind: "authenticate", authenticatorId, fields: { code: value } }) as const;
/** The authenticator id asked for, else the step's (or, for `done`, the outcome's) kind. */
const asked = (result: SignInView | SignInOutcome) => {
  if (!("step" in result)) return result.kind;
  return result.step.kind === "authenticate" ? result.step.authenticator.id : result.step.kind;
};

describe("SignInMachine", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => h.close());

  test("without a session it asks for the first of the first factors, and lists them all", async () => {
    const state: SignInState = {};
    const view = await h.machine.current(state, context());
    assert.equal(asked(view), "fake-password");
    assert.equal(view.state, state, "nothing to store");
    assert.deepEqual(h.machine.firstFactors().map((a) => a.id), ["fake-password", "fake-link"]);
    const other = await h.machine.submit({}, { kind: "authenticate", authenticatorId: "fake-link", fields: { username: "alice", password: "right" } }, context(), IP);
    assert.equal(other.kind, "invalid", "only the asked first factor is accepted");
  });

  test("a first factor completes a user without second factors: done with userId, amr, acr and auth_time", async () => {
    const outcome = await h.machine.submit({}, password("alice"), context(), IP);
    assert.deepEqual(outcome, {
      kind: "done",
      state: { authenticated: true },
      login: { userId: "u-alice", amr: ["pwd"], acr: ACR.singleFactor, authTime: nowSeconds(h) },
    });
  });

  test("a wrong first factor is invalid, asks the same step again and leaves the state as it was", async () => {
    const state: SignInState = {};
    const outcome = await h.machine.submit(state, password("alice", "wrong"), context(), IP);
    assert.equal(outcome.kind, "invalid");
    assert.equal(asked(outcome), "fake-password");
    assert.equal(outcome.state, state);
  });

  test("every enrolled second factor is asked in plugin order; amr accumulates and acr becomes multi-factor", async () => {
    h.otpUsers.add("u-alice");
    h.keyUsers.add("u-alice");
    const first = await h.machine.submit({}, password("alice"), context(), IP);
    assert.equal(first.kind, "next");
    assert.equal(asked(first), "fake-otp");
    assert.deepEqual(first.state, { pending: { userId: "u-alice", amr: ["pwd"], remaining: ["fake-otp", "fake-key"] } });
    assert.equal((await h.machine.submit(first.state, code("fake-key", "222222"), context(), IP)).kind, "invalid", "out of order");
    assert.equal((await h.machine.submit(first.state, code("fake-otp", "000000"), context(), IP)).kind, "invalid", "wrong code");
    const second = await h.machine.submit(first.state, code("fake-otp", "111111"), context(), IP);
    assert.equal(asked(second), "fake-key");
    assert.equal(asked(await h.machine.current(second.state, context())), "fake-key", "current asks the pending factor too");
    h.clock.advance(5000);
    const done = await h.machine.submit(second.state, code("fake-key", "222222"), context(), IP);
    assert.deepEqual(done, {
      kind: "done",
      state: { authenticated: true },
      login: { userId: "u-alice", amr: ["pwd", "otp", "hwk"], acr: ACR.multiFactor, authTime: nowSeconds(h) },
    });
  });

  test("a second factor disabled mid-sign-in starts over at the first factor; a stale answer to it is invalid", async () => {
    h.otpUsers.add("u-bob");
    const pending = (await h.machine.submit({}, password("bob"), context(), IP)).state;
    h.otpUsers.delete("u-bob");
    const view = await h.machine.current(pending, context());
    assert.equal(asked(view), "fake-password");
    assert.deepEqual(view.state, {}, "the caller stores the restarted state");
    const stale = await h.machine.submit(pending, code("fake-otp", "111111"), context(), IP);
    assert.equal(stale.kind, "invalid");
    assert.equal(asked(stale), "fake-password");
    assert.deepEqual(stale.state, {});
  });

  test("LOGIN_FAILURE_LIMIT failures make the step throttled with retryAfterSeconds, even with the right answer, until the lock expires", async () => {
    for (let i = 0; i < 5; i++) assert.equal((await h.machine.submit({}, password("alice", `wrong-${i}`), context(), IP)).kind, "invalid");
    const state: SignInState = {};
    const locked = await h.machine.submit(state, password("alice"), context(), IP);
    assert.equal(locked.kind === "throttled" && locked.retryAfterSeconds, 300);
    assert.equal(asked(locked), "fake-password");
    assert.equal(locked.state, state);
    h.clock.advance(300_000);
    assert.equal((await h.machine.submit({}, password("alice"), context(), IP)).kind, "done");
  });

  test("step-up: a session missing the requested acr, max_age or prompt=login asks to sign in; one that meets them is signed in", async () => {
    const weak = session(h, "u-alice", ["pwd"], 600);
    const strong = session(h, "u-alice", ["pwd", "otp"], 60);
    for (const requirements of [{ acrValues: [ACR.singleFactor, ACR.multiFactor] }, { maxAge: 599 }, { reauthenticate: true }]) {
      assert.equal(asked(await h.machine.current({}, context(weak, requirements))), "fake-password", JSON.stringify(requirements));
    }
    assert.equal(asked(await h.machine.current({}, context(weak, { acrValues: [ACR.singleFactor], maxAge: 600 }))), "signed_in");
    const view = await h.machine.current({}, context(strong, { acrValues: [ACR.multiFactor], maxAge: 60 }));
    assert.deepEqual(view.step, { kind: "signed_in", session: strong });
    assert.equal(asked(await h.machine.current({ authenticated: true }, context(weak, { reauthenticate: true, acrValues: [ACR.multiFactor] }))), "signed_in", "no loop after signing in here");
    assert.equal(asked(await h.machine.current({ authenticated: true }, context())), "fake-password", "but a session is still needed");
  });

  test("the caller's own session condition (an id_token_hint) is asked last, only when the requirements let the session count", async () => {
    const calls: string[] = [];
    const accepts = (answer: boolean) => async (candidate: Session) => (calls.push(candidate.userId), answer);
    const alice = session(h, "u-alice");
    assert.equal(asked(await h.machine.current({}, context(alice, {}, accepts(false)))), "fake-password");
    assert.equal(asked(await h.machine.current({}, context(alice, { selectAccount: true }, accepts(true)))), "select_account");
    assert.equal(asked(await h.machine.current({}, context(alice, { reauthenticate: true }, accepts(true)))), "fake-password");
    assert.equal(asked(await h.machine.current({ authenticated: true }, context(alice, {}, accepts(false)))), "signed_in");
    assert.deepEqual(calls, ["u-alice", "u-alice"]);
  });

  test("select_account: continue as the session's user, or sign in as another one", async () => {
    const alice = session(h, "u-alice");
    const prompt = context(alice, { selectAccount: true });
    assert.deepEqual((await h.machine.current({}, prompt)).step, { kind: "select_account", userId: "u-alice" });
    const stay = await h.machine.submit({}, { kind: "select_account", choice: "current" }, prompt, IP);
    assert.deepEqual(stay, { kind: "next", state: { accountSelected: true }, step: { kind: "signed_in", session: alice } });
    const other = await h.machine.submit({}, { kind: "select_account", choice: "other" }, prompt, IP);
    assert.equal(other.kind, "next");
    assert.deepEqual(other.state, { anotherAccount: true });
    assert.equal(asked(other), "fake-password");
    assert.equal(asked(await h.machine.current({}, context(alice))), "signed_in", "without the prompt nothing is asked");
  });

  test("a pending second factor is asked before anything the session could answer", async () => {
    h.otpUsers.add("u-bob");
    const pending = (await h.machine.submit({}, password("bob"), context(), IP)).state;
    const alice = session(h, "u-alice", ["pwd", "otp"]);
    assert.equal(asked(await h.machine.current(pending, context(alice, { selectAccount: true }))), "fake-otp");
  });
});
