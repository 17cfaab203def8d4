import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { test } from "node:test";
import { AUTH_SESSION_TTL_MS } from "../../../plugins/endpoints/authorization-challenge/auth-sessions.js";
import { AuthorizationChallengeEndpoint } from "../../../plugins/endpoints/authorization-challenge/authorization-challenge.endpoint.js";
import { challengeAllowed } from "../../../plugins/endpoints/authorization-challenge/challenge-allowed.field.js";
import { OAuthErrors, type Client, type ClientAuthentication, type DirectSignIn, type EndpointResponse } from "../../../src/plugin-sdk/index.js";
import {
  endpointRequest,
  fakeDirectSignIn,
  fakeSenderProofs,
  memorySingleUseStore,
  PASSWORD_PROMPT,
  recordingAuthorizationCodes,
  testClient,
} from "../../../src/plugin-sdk/testing/index.js";

const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";
const firstParty = { grant_types: ["authorization_code"], token_endpoint_auth_method: "none", authorization_challenge_allowed: true, skip_consent: true };
const clients: Client[] = [
  testClient(firstParty, "app"),
  testClient(firstParty, "other-app"),
  testClient({ ...firstParty, token_endpoint_auth_method: "client_secret_post" }, "backend"),
  testClient({ ...firstParty, authorization_challenge_allowed: false }, "third-party"),
  testClient({ ...firstParty, skip_consent: false }, "consenting"),
  testClient({ ...firstParty, tls_client_certificate_bound_access_tokens: true }, "mtls-app"),
];
const users = [
  { id: "u-alice", username: "alice", password: "alice-pw" },
  { id: "u-bob", username: "bob", password: "bob-pw", otp: "123456" },
];

/** Client authentication as core does it, reduced to client_id and a client_secret for the confidential one. */
const clientAuthentication: ClientAuthentication = {
  async authenticate(request) {
    const client = clients.find((c) => c.clientId === request.params.get("client_id"));
    if (!client) throw OAuthErrors.invalidClient("client authentication failed");
    const confidential = client.metadata.token_endpoint_auth_method !== "none";
    if (confidential && request.params.get("client_secret") !== "s3cret") throw OAuthErrors.invalidClient("client authentication required");
    return { client, method: confidential ? "client_secret_post" : "none" };
  },
};

function setup(signIn: DirectSignIn = fakeDirectSignIn({ users })) {
  let now = 1_000_000;
  const clock = { now: () => now };
  const codes = recordingAuthorizationCodes();
  const endpoint = new AuthorizationChallengeEndpoint(clientAuthentication, signIn, codes, memorySingleUseStore(clock.now), clock, fakeSenderProofs());
  const post = (params: Record<string, string | string[]>, headers: Record<string, string> = {}, certificate?: string) =>
    endpoint.handle(endpointRequest(params, { url: "https://as.example.test/authorize-challenge", headers, ...(certificate && { clientCertificate: { der: Buffer.from(certificate), chainVerified: false } }) }));
  const start = (params: Record<string, string> = {}) => post({ client_id: "app", response_type: "code", code_challenge: CHALLENGE, code_challenge_method: "S256", scope: "openid", ...params });
  return { endpoint, codes, post, start, advance: (ms: number) => void (now += ms) };
}

const bodyOf = (response: EndpointResponse) => response.body as Record<string, unknown> & { auth_session: string };

test("a first request without credentials asks for the first factor, with a new auth_session (draft §5.2.2)", async () => {
  const response = await setup().start();
  assert.equal(response.status, 403);
  assert.equal(response.headers?.["cache-control"], "no-store");
  const body = bodyOf(response);
  assert.match(body.auth_session, /^[A-Za-z0-9_-]{43}$/);
  assert.deepEqual(body, {
    error: "insufficient_authorization",
    error_description: "sign in with password",
    auth_session: body.auth_session,
    authenticator: "password",
    fields: [
      { name: "username", type: "text", label: "Username" },
      { name: "password", type: "password", label: "Password" },
    ],
  });
});

test("password, then the one-time code sent as otp: a code bound to the request; every auth_session is single use (draft §5.3.1)", async () => {
  const { start, post, codes } = setup();
  const first = bodyOf(await start({ username: "bob", password: "bob-pw" }));
  assert.equal(first.authenticator, "totp");
  assert.deepEqual(first.fields, [{ name: "code", type: "one-time-code", label: "Authentication code" }]);
  const done = await post({ auth_session: first.auth_session, otp: "123456" });
  assert.equal(done.status, 200);
  assert.deepEqual(done.body, { authorization_code: "code-1" });
  const [issued] = codes.issued;
  assert.equal(issued!.client.clientId, "app");
  assert.deepEqual([issued!.scope, issued!.codeChallenge, issued!.codeChallengeMethod], ["openid", CHALLENGE, "S256"]);
  assert.deepEqual(issued!.authentication.amr, ["pwd", "otp"]);
  await assert.rejects(post({ auth_session: first.auth_session, otp: "123456" }), { error: "invalid_session", status: 400 });
});

test("wrong credentials: the same step again under a new auth_session; nothing is submitted until the step is complete", async () => {
  const signIn = fakeDirectSignIn({ users });
  const { start, post } = setup(signIn);
  const partial = bodyOf(await start({ username: "alice" }));
  assert.equal(signIn.submissions.length, 0, "a step without all its fields is not a failed attempt");
  const wrong = await post({ auth_session: partial.auth_session, username: "alice", password: "nope" });
  assert.equal(wrong.status, 403);
  assert.equal(bodyOf(wrong).error_description, "the submitted credentials are not valid");
  assert.equal(bodyOf(wrong).authenticator, "password");
  assert.notEqual(bodyOf(wrong).auth_session, partial.auth_session);
  await assert.rejects(post({ auth_session: partial.auth_session, username: "alice", password: "alice-pw" }), { error: "invalid_session" });
  assert.equal((await post({ auth_session: bodyOf(wrong).auth_session, username: "alice", password: "alice-pw" })).status, 200);
});

test("a locked account or address: 429 with Retry-After and an auth_session to retry the same step", async () => {
  const signIn = fakeDirectSignIn({ users });
  signIn.throttle(120);
  const response = await setup(signIn).start({ username: "alice", password: "alice-pw" });
  assert.equal(response.status, 429);
  assert.equal(response.headers?.["retry-after"], "120");
  assert.equal(bodyOf(response).error, "too_many_requests");
  assert.match(bodyOf(response).auth_session, /^[A-Za-z0-9_-]{43}$/);
});

test("Q94: a client not allowed, missing or wrong parameters, a confidential client without its secret", async () => {
  const { start, post } = setup();
  await assert.rejects(start({ client_id: "third-party" }), { error: "unauthorized_client" });
  await assert.rejects(post({ client_id: "app", code_challenge: CHALLENGE }), { error: "invalid_request", description: "response_type is required" });
  await assert.rejects(start({ response_type: "token" }), { error: "unsupported_response_type" });
  await assert.rejects(post({ client_id: "app", response_type: "code" }), { error: "invalid_request", description: "code_challenge is required (PKCE)" });
  await assert.rejects(start({ scope: ["openid", "profile"] as never }), { error: "invalid_request", description: "parameter 'scope' must not be repeated" });
  await assert.rejects(start({ client_id: "backend" }), { error: "invalid_client" });
});

test("a client whose users must consent is sent to the browser (redirect_to_web, 403)", async () => {
  await assert.rejects(setup().start({ client_id: "consenting" }), { error: "redirect_to_web", status: 403 });
});

test("Q95: another client's auth_session is invalid_session and ends it; a confidential client authenticates on every request", async () => {
  const { start, post } = setup();
  const stolen = bodyOf(await start()).auth_session;
  await assert.rejects(post({ auth_session: stolen, client_id: "other-app", username: "alice", password: "alice-pw" }), { error: "invalid_session" });
  await assert.rejects(post({ auth_session: stolen, username: "alice", password: "alice-pw" }), { error: "invalid_session" }, "the session ended");
  const backend = bodyOf(await start({ client_id: "backend", client_secret: "s3cret" })).auth_session;
  await assert.rejects(post({ auth_session: backend, username: "alice", password: "alice-pw" }), { error: "invalid_client" });
  assert.equal((await post({ auth_session: backend, client_secret: "s3cret", username: "alice", password: "alice-pw" })).status, 200, "a failed client authentication keeps the session");
});

test("a client registered for certificate-bound tokens: its certificate binds the auth_session and the code; another certificate is invalid_session (RFC 8705 §3)", async () => {
  const { post, codes } = setup();
  const request = { client_id: "mtls-app", response_type: "code", code_challenge: CHALLENGE, code_challenge_method: "S256", scope: "openid" };
  const bound = bodyOf(await post({ ...request, username: "bob", password: "bob-pw" }, {}, "certificate A")).auth_session;
  await assert.rejects(post({ auth_session: bound, otp: "123456" }, {}, "certificate B"), { error: "invalid_session", description: "auth_session is bound to a key this request did not prove" });
  await post({ auth_session: bound, otp: "123456" }, {}, "certificate A");
  assert.deepEqual(codes.issued[0]!.binding, { x5tS256: createHash("sha256").update("certificate A").digest("base64url") });
});

test("a first request with a DPoP proof binds the auth_session and the code to its key; another key or none is invalid_session (draft §9.6.1)", async () => {
  const { post, codes } = setup();
  const request = { client_id: "app", response_type: "code", code_challenge: CHALLENGE, code_challenge_method: "S256", scope: "openid" };
  const bound = bodyOf(await post({ ...request, username: "bob", password: "bob-pw" }, { dpop: "jkt-a" })).auth_session;
  await assert.rejects(post({ auth_session: bound, otp: "123456" }), { error: "invalid_session", description: "auth_session is bound to a key this request did not prove" });
  await assert.rejects(post({ auth_session: bound, otp: "123456" }, { dpop: "jkt-b" }), { error: "invalid_session" });
  const done = await post({ auth_session: bound, otp: "123456" }, { dpop: "jkt-a" });
  assert.deepEqual(done.body, { authorization_code: "code-1" }, "the refused follow-ups left the session to its key holder");
  assert.deepEqual(codes.issued[0]!.binding, { jkt: "jkt-a" });
  const unbound = bodyOf(await post({ ...request, username: "alice" })).auth_session;
  await post({ auth_session: unbound, username: "alice", password: "alice-pw" });
  assert.equal(codes.issued[1]!.binding, undefined, "no proof, no binding");
});

test("Q95: unknown and expired auth_sessions; the deadline is the first request's, across rotations (draft §9.6.2)", async () => {
  const { start, post, advance } = setup();
  await assert.rejects(post({ auth_session: "not-issued" }), { error: "invalid_session" });
  const first = bodyOf(await start()).auth_session;
  advance(AUTH_SESSION_TTL_MS - 1000);
  const rotated = bodyOf(await post({ auth_session: first, username: "alice", password: "wrong" })).auth_session;
  advance(1000);
  await assert.rejects(post({ auth_session: rotated, username: "alice", password: "alice-pw" }), { error: "invalid_session" });
});

test("Q95: a step that needs the browser answers redirect_to_web (draft §5.2.2.1.1)", async () => {
  const browserOnly = { ...PASSWORD_PROMPT, authenticator: "passkey", browserOnly: true };
  const signIn: DirectSignIn = {
    begin: async () => ({ state: "s", prompt: browserOnly }),
    current: async () => ({ state: "s", prompt: browserOnly }),
    submit: async () => assert.fail("a browser-only step is never submitted here"),
  };
  await assert.rejects(setup(signIn).start(), { error: "redirect_to_web", description: "the passkey step needs the browser" });
});

test("authorization_challenge_allowed: an operator-only boolean that needs the authorization_code grant type", () => {
  const field = challengeAllowed;
  assert.equal(field.setBy, "operator");
  assert.throws(() => field.parse(1), { error: "invalid_client_metadata" });
  assert.throws(() => field.validate({ grant_types: ["client_credentials"], authorization_challenge_allowed: true }), { error: "invalid_client_metadata" });
  assert.doesNotThrow(() => field.validate({ grant_types: ["authorization_code"], authorization_challenge_allowed: true }));
});
