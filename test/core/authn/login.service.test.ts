import "reflect-metadata";
import assert from "node:assert/strict";
import { after, afterEach, before, beforeEach, describe, test } from "node:test";
import { container as rootContainer, type DependencyContainer } from "tsyringe";
import { PasswordAuthenticator } from "../../../plugins/authn/password/password.authenticator.js";
import { hotp, timeStep } from "../../../plugins/authn/totp/rfc6238.js";
import { TotpAuthenticator } from "../../../plugins/authn/totp/totp.authenticator.js";
import { loadConfig } from "../../../src/config/config.js";
import type { SettingName } from "../../../src/config/defaults.js";
import { AuthenticatorsToken } from "../../../src/core/authn/authenticators.js";
import { LoginService } from "../../../src/core/authn/login.service.js";
import { DI } from "../../../src/core/di-tokens.js";
import { AesGcmSealer } from "../../../src/core/keys/aes-gcm.sealer.js";
import type { EphemeralStore } from "../../../src/core/ports/ephemeral-store.js";
import type { DurableStorage } from "../../../src/core/ports/repositories.js";
import { base32 } from "../../../src/core/security/base32.js";
import { cryptoRandom } from "../../../src/core/security/system-clock.js";
import { hashPassword } from "../../../src/core/users/password-hasher.js";
import { TotpSecretService } from "../../../src/core/users/totp-secret.service.js";
import { UserService } from "../../../src/core/users/user.service.js";
import { OAuthError } from "../../../src/plugin-sdk/errors.js";
import { openEphemeral } from "../../../src/storage/open-ephemeral.js";
import { openSqlStorage } from "../../../src/storage/sql/open-sql-storage.js";
import { FakeClock } from "../../support/fake-clock.js";

const PASSWORD = "correct horse";
const IP = "198.51.100.7";

/** LoginService over in-memory SQLite, the memory ephemeral store and a fake clock, with both first-party steps. */
async function harness(overrides: Partial<Record<SettingName, string>> = {}) {
  const clock = new FakeClock();
  const storage = await openSqlStorage("sqlite::memory:");
  await storage.migrate();
  const { store, bus } = await openEphemeral({ clock });
  const container: DependencyContainer = rootContainer.createChildContainer();
  container.register(DI.Config, { useValue: loadConfig({}, { issuer: "https://login.example.test", ...overrides }) });
  container.register(DI.Clock, { useValue: clock });
  container.register(DI.Random, { useValue: cryptoRandom });
  container.register(DI.Durable, { useValue: storage });
  container.register(DI.Ephemeral, { useValue: store });
  container.register(DI.Sealer, { useValue: new AesGcmSealer(Buffer.alloc(32, 9)) });
  container.register(AuthenticatorsToken, { useValue: [new PasswordAuthenticator(), new TotpAuthenticator()] });
  const users = container.resolve(UserService);
  const alice = await users.create({ username: "alice", password: PASSWORD });
  const bob = await users.create({ username: "bob", password: PASSWORD });
  await storage.users.insert({ id: "u-dora", username: "dora", passwordHash: await hashPassword(PASSWORD), disabled: true, createdAt: clock.now() });
  return {
    clock,
    storage: storage as DurableStorage,
    store: store as EphemeralStore,
    login: container.resolve(LoginService),
    totp: container.resolve(TotpSecretService),
    alice,
    bob,
    async close() {
      await bus.close();
      await store.close();
      await storage.close();
    },
  };
}
type Harness = Awaited<ReturnType<typeof harness>>;

const password = (h: Harness, username: string, pw = PASSWORD, ip = IP) => h.login.identify("password", { username, password: pw }, ip);
/** The current TOTP code of `username`, from the secret as core unseals it. */
async function currentCode(h: Harness, username: string, offsetSteps = 0): Promise<string> {
  const secret = h.totp.secretOf((await h.storage.users.findByUsername(username))!)!;
  return hotp(secret, timeStep(h.clock.now()) + offsetSteps);
}

describe("LoginService first factor", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await harness();
  });
  afterEach(() => h.close());

  test("lists the first factors and identifies a user with amr pwd", async () => {
    assert.deepEqual(h.login.firstFactors().map((a) => a.id), ["password"]);
    assert.deepEqual(await password(h, "alice"), { ok: true, userId: h.alice.id, amr: ["pwd"] });
  });

  test("wrong password, unknown user and disabled user are all plain invalid", async () => {
    assert.deepEqual(await password(h, "alice", "wrong"), { ok: false, reason: "invalid" });
    assert.deepEqual(await password(h, "mallory"), { ok: false, reason: "invalid" });
    assert.deepEqual(await password(h, "dora"), { ok: false, reason: "invalid" });
  });

  test("an unknown or second-factor authenticator id is invalid_request, not a 500", async () => {
    for (const id of ["nope", "totp"]) {
      await assert.rejects(h.login.identify(id, {}, IP), (e: unknown) => e instanceof OAuthError && e.error === "invalid_request");
    }
    await assert.rejects(h.login.verify("password", h.alice.id, {}, IP), (e: unknown) => e instanceof OAuthError && e.error === "invalid_request");
  });

  test("LOGIN_FAILURE_LIMIT failures lock the username (any case) for LOGIN_LOCKOUT_SECONDS, without running the step", async () => {
    for (let i = 0; i < 5; i++) assert.deepEqual(await password(h, i % 2 ? "ALICE" : "alice", "wrong", `203.0.113.${i}`), { ok: false, reason: "invalid" });
    assert.deepEqual(await password(h, "alice"), { ok: false, reason: "throttled", retryAfterSeconds: 300 }, "the right password does not help");
    assert.deepEqual(await password(h, "bob"), { ok: true, userId: h.bob.id, amr: ["pwd"] }, "other accounts are unaffected");
    h.clock.advance(120_000);
    assert.deepEqual(await password(h, "Alice"), { ok: false, reason: "throttled", retryAfterSeconds: 180 });
    h.clock.advance(180_000);
    assert.deepEqual(await password(h, "alice"), { ok: true, userId: h.alice.id, amr: ["pwd"] }, "the lock expires");
  });

  test("failures without a username count against the address only, never against a shared empty account", async () => {
    for (let i = 0; i < 6; i++) assert.deepEqual(await h.login.identify("password", { password: "x" }, `203.0.113.${i}`), { ok: false, reason: "invalid" });
    assert.deepEqual(await h.login.identify("password", { username: "", password: "x" }, IP), { ok: false, reason: "invalid" });
  });

  test("an unknown username is locked the same way (no enumeration through the throttle)", async () => {
    for (let i = 0; i < 5; i++) await password(h, "mallory", "x");
    assert.deepEqual(await password(h, "mallory", "x"), { ok: false, reason: "throttled", retryAfterSeconds: 300 });
  });
});

describe("LoginService per-IP throttling", () => {
  test("LOGIN_IP_FAILURE_LIMIT failures across usernames lock the address only", async (t) => {
    const h = await harness({ loginIpFailureLimit: "3" });
    t.after(() => h.close());
    for (const username of ["u1", "u2", "u3"]) assert.deepEqual(await password(h, username, "x"), { ok: false, reason: "invalid" });
    assert.deepEqual(await password(h, "alice"), { ok: false, reason: "throttled", retryAfterSeconds: 300 });
    assert.deepEqual(await password(h, "alice", PASSWORD, "192.0.2.1"), { ok: true, userId: h.alice.id, amr: ["pwd"] });
    h.clock.advance(300_000);
    assert.deepEqual(await password(h, "alice"), { ok: true, userId: h.alice.id, amr: ["pwd"] });
  });
});

describe("LoginService second factor (TOTP)", () => {
  let h: Harness;
  before(async () => {
    h = await harness();
  });
  after(() => h.close());

  test("no second factor until TOTP is enabled; enabling lists it; disabling removes it", async () => {
    assert.deepEqual(await h.login.secondFactorsFor(h.alice.id), []);
    await h.totp.enable("alice");
    assert.deepEqual((await h.login.secondFactorsFor(h.alice.id)).map((a) => a.id), ["totp"]);
    assert.deepEqual(await h.login.secondFactorsFor(h.bob.id), []);
    await h.totp.disable("alice");
    assert.deepEqual(await h.login.secondFactorsFor(h.alice.id), []);
    await assert.rejects(h.totp.enable("mallory"), /unknown user "mallory"/);
  });

  test("the secret is stored sealed, bound to its user, and round-trips to the enrolled value", async () => {
    const enrollment = await h.totp.enable("alice");
    const stored = (await h.storage.users.findByUsername("alice"))!;
    const secret = h.totp.secretOf(stored)!;
    assert.equal(secret.length, 20);
    assert.equal(base32(secret), enrollment.secret);
    assert.match(enrollment.secret, /^[A-Z2-7]{32}$/);
    assert.match(stored.totpSecret!, /^v1\./);
    assert.ok(!stored.totpSecret!.includes(secret.toString("base64url")) && !stored.totpSecret!.includes(enrollment.secret));
    assert.equal(
      enrollment.uri,
      `otpauth://totp/login.example.test:alice?secret=${enrollment.secret}&issuer=login.example.test&algorithm=SHA1&digits=6&period=30`,
    );
    assert.throws(() => h.totp.secretOf({ ...stored, id: h.bob.id }), "a secret copied to another user does not unseal");
  });

  test("a valid code passes with amr otp, once; a replay is invalid", async () => {
    await h.totp.enable("bob");
    const code = await currentCode(h, "bob");
    assert.deepEqual(await h.login.verify("totp", h.bob.id, { code }, IP), { ok: true, userId: h.bob.id, amr: ["otp"] });
    assert.deepEqual(await h.login.verify("totp", h.bob.id, { code }, IP), { ok: false, reason: "invalid" });
    h.clock.advance(30_000);
    assert.deepEqual(await h.login.verify("totp", h.bob.id, { code: await currentCode(h, "bob", -1) }, IP), { ok: false, reason: "invalid" }, "still a replay a step later");
    assert.deepEqual(await h.login.verify("totp", h.bob.id, { code: await currentCode(h, "bob") }, IP), { ok: true, userId: h.bob.id, amr: ["otp"] });
  });

  test("second-factor failures count against the user's login: the password step is locked too", async (t) => {
    const h2 = await harness();
    t.after(() => h2.close());
    await h2.totp.enable("alice");
    const wrong = String((Number(await currentCode(h2, "alice")) + 1) % 1_000_000).padStart(6, "0");
    for (let i = 0; i < 5; i++) assert.deepEqual(await h2.login.verify("totp", h2.alice.id, { code: wrong }, IP), { ok: false, reason: "invalid" });
    assert.deepEqual(await h2.login.verify("totp", h2.alice.id, { code: await currentCode(h2, "alice") }, IP), { ok: false, reason: "throttled", retryAfterSeconds: 300 });
    assert.deepEqual(await password(h2, "alice"), { ok: false, reason: "throttled", retryAfterSeconds: 300 });
  });

  test("unknown, disabled and unenrolled users never pass the second factor", async () => {
    assert.deepEqual(await h.login.verify("totp", "no-such-user", { code: "000000" }, IP), { ok: false, reason: "invalid" });
    assert.deepEqual(await h.login.verify("totp", "u-dora", { code: "000000" }, IP), { ok: false, reason: "invalid" });
    await h.totp.disable("alice");
    assert.deepEqual(await h.login.verify("totp", h.alice.id, { code: "000000" }, IP), { ok: false, reason: "invalid" });
  });
});
