import "reflect-metadata";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SettingName } from "../../../src/config/defaults.js";
import { DI } from "../../../src/core/di-tokens.js";
import { BackchannelLogoutNotifier } from "../../../src/core/sessions/backchannel-logout.notifier.js";
import type { Session } from "../../../src/core/sessions/session.js";
import { SessionManager } from "../../../src/core/sessions/session-manager.js";
import { IdTokenMinter } from "../../../src/core/tokens/id-token.minter.js";
import { SESSION_COOKIE } from "../../../src/transport/http/cookies.js";
import { FakeClock } from "../../support/fake-clock.js";
import { startTestApp, type TestApp } from "../../support/test-app.js";

/** A signed-in browser: its session and the Cookie header that carries it. */
export interface SignedIn {
  session: Session;
  cookie: string;
}

/** An app with a fixed clock, RP registration, sessions started in process and ID tokens minted as /token would. */
export interface LogoutFixture {
  test: TestApp;
  clock: FakeClock;
  notifier: BackchannelLogoutNotifier;
  sessions: SessionManager;
  /** Registers a public code-flow RP with `metadata` on top; returns its client id. */
  registerRp(metadata?: Record<string, unknown>): Promise<string>;
  /** Starts a session for `userId` in which `clientIds` received tokens. */
  signIn(userId: string, clientIds?: string[]): Promise<SignedIn>;
  /** An ID token for `clientId` in `session` (sid included unless `withSid` is false). */
  idToken(clientId: string, session: Session, options?: { withSid?: boolean }): Promise<string>;
  /** GET or POST (form) to a path of the public listener, never following redirects. */
  request(path: string, options?: { query?: Record<string, string>; form?: Record<string, string>; cookie?: string }): Promise<Response>;
  close(): Promise<void>;
}

export async function startLogoutFixture(overrides: Partial<Record<SettingName, string>> = {}): Promise<LogoutFixture> {
  const clock = new FakeClock();
  const test = await startTestApp({ fetchAllowPrivate: "true", ...overrides }, { clock });
  const container = test.app.container;
  const sessions = container.resolve(SessionManager);
  const minter = container.resolve(IdTokenMinter);
  const clients = container.resolve(DI.ClientRegistry);
  let rpCount = 0;
  return {
    test,
    clock,
    notifier: container.resolve(BackchannelLogoutNotifier),
    sessions,
    async registerRp(metadata = {}) {
      const registered = await test.createClient({
        client_name: `RP ${++rpCount}`,
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
        redirect_uris: ["https://rp.example.com/cb"],
        ...metadata,
      });
      return registered.client_id;
    },
    async signIn(userId, clientIds = []) {
      const { session, cookieValue } = await sessions.start({ userId, authTime: Math.floor(clock.now() / 1000), amr: ["pwd"] });
      for (const clientId of clientIds) await sessions.recordClient(session.id, clientId);
      return { session, cookie: `${SESSION_COOKIE}=${cookieValue}` };
    },
    async idToken(clientId, session, options = {}) {
      const client = await clients.get(clientId);
      if (!client) throw new Error(`no client ${clientId}`);
      const sid = options.withSid === false ? {} : { sessionId: session.id };
      return minter.mint({ client, subject: session.userId, scopes: ["openid"], authTime: session.authTime, ...sid });
    },
    request(path, options = {}) {
      const query = options.query ? `?${new URLSearchParams(options.query)}` : "";
      const headers: Record<string, string> = options.cookie ? { cookie: options.cookie } : {};
      if (!options.form) return fetch(`${test.publicUrl}${path}${query}`, { redirect: "manual", headers });
      headers["content-type"] = "application/x-www-form-urlencoded";
      return fetch(`${test.publicUrl}${path}${query}`, { method: "POST", redirect: "manual", headers, body: new URLSearchParams(options.form) });
    },
    close: () => test.stop(),
  };
}

/** One back-channel logout request as the RP received it. */
export interface ReceivedLogout {
  path: string;
  contentType: string | undefined;
  form: URLSearchParams;
}

/**
 * A back-channel logout endpoint on 127.0.0.1 (OIDC Back-Channel Logout §2.5): `/ok` answers 200, `/fail` 500, and
 * `/hang` holds the request open until `release()`, so a test can observe that nothing waits for it.
 */
export class LogoutReceiver {
  readonly received: ReceivedLogout[] = [];
  private readonly held: ServerResponse[] = [];
  private readonly waiters: ((received: ReceivedLogout) => void)[] = [];
  private server?: Server;
  url = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => void this.answer(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** Resolves with the next request received (or the oldest one not yet taken). */
  next(): Promise<ReceivedLogout> {
    const waiting = this.received.shift();
    return waiting ? Promise.resolve(waiting) : new Promise((resolve) => this.waiters.push(resolve));
  }

  /** How many requests are held open right now. */
  get holding(): number {
    return this.held.length;
  }

  /** Answers every held request with 200. */
  release(): void {
    for (const res of this.held.splice(0)) res.writeHead(200).end();
  }

  async stop(): Promise<void> {
    this.release();
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }

  private async answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const path = new URL(req.url ?? "/", this.url).pathname;
    if (path === "/hang") this.held.push(res);
    else res.writeHead(path === "/fail" ? 500 : 200, { "cache-control": "no-store" }).end();
    const received = { path, contentType: req.headers["content-type"], form: new URLSearchParams(Buffer.concat(chunks).toString("utf8")) };
    const waiter = this.waiters.shift();
    if (waiter) waiter(received);
    else this.received.push(received);
  }
}
