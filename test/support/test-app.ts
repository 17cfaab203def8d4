import "reflect-metadata";
import { createServer, type AddressInfo } from "node:net";
import { Writable } from "node:stream";
import { pino } from "pino";
import { buildApp, type App, type BuildAppOptions } from "../../src/app/build-app.js";
import { requestIdMixin } from "../../src/app/create-logger.js";
import { loadConfig } from "../../src/config/config.js";
import type { SettingName } from "../../src/config/defaults.js";
import { DI } from "../../src/core/di-tokens.js";
import type { Logger } from "../../src/core/ports/logger.js";
import { ResourceService } from "../../src/core/resources/resource.service.js";

export interface TestApp {
  app: App;
  publicUrl: string;
  /** The mTLS listener's URL, when `publicMtlsPort` is set. */
  mtlsUrl?: string;
  grpcUrl: string;
  metricsUrl: string;
  issuer: string;
  /** Everything the app logged at debug level, as text (corpus S119). */
  logText(): string;
  /** Registers a client as an operator would (`cli client create`); returns the RFC 7591 response. */
  createClient(metadata: Record<string, unknown>): Promise<{ client_id: string; client_secret?: string } & Record<string, unknown>>;
  createResource(id: string, scopes: string, options?: { format?: "jwt" | "opaque"; ttl?: number }): Promise<void>;
  /** POSTs a form to a path of the public listener. */
  postForm(path: string, form: Record<string, string | string[]>, headers?: Record<string, string>): Promise<Response>;
  stop(): Promise<void>;
}

/**
 * Settings under which client certificates reach the server through a trusted proxy that tests never are (RFC 8705):
 * the mTLS client-auth methods and certificate-bound tokens are offered without an mTLS listener.
 */
export const CLIENT_CERTIFICATES_VIA_PROXY = { mtlsProxyHeader: "x-ssl-client-cert", mtlsTrustedProxies: "192.0.2.1" } as const;

/** A free loopback port (bound once, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Attempts at a free public port: another test may take the port between freePort() and listen (EADDRINUSE). */
const PORT_ATTEMPTS = 5;

/** Builds and starts an app on free loopback ports with in-memory SQLite and memory ephemeral state. */
export async function startTestApp(overrides: Partial<Record<SettingName, string>> = {}, options: Omit<BuildAppOptions, "config"> = {}): Promise<TestApp> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const logger = options.logger ?? (pino({ level: "debug", mixin: requestIdMixin }, sink) as unknown as Logger);
  const { app, config, publicUrl, mtlsUrl, grpcUrl, metricsUrl } = await startOnFreePort(overrides, { ...options, logger });
  const registry = app.container.resolve(DI.ClientRegistry);
  return {
    app,
    publicUrl,
    mtlsUrl,
    grpcUrl,
    metricsUrl: metricsUrl!,
    issuer: config.issuer,
    logText: () => lines.join(""),
    async createClient(metadata) {
      return registry.toResponse(await registry.register(metadata, "operator")) as never;
    },
    async createResource(id, scopes, resourceOptions = {}) {
      await app.container.resolve(ResourceService).upsert({ id, scopes, ...resourceOptions });
    },
    postForm(path, form, headers = {}) {
      const body = new URLSearchParams();
      for (const [name, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
      return fetch(`${publicUrl}${path}`, { method: "POST", body, headers: { "content-type": "application/x-www-form-urlencoded", ...headers } });
    },
    stop: () => app.stop(),
  };
}

/** Builds the app for a free port and starts it; when the port was taken meanwhile, tries again with another. */
async function startOnFreePort(overrides: Partial<Record<SettingName, string>>, options: Omit<BuildAppOptions, "config"> & { logger: Logger }) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    // A caller's own free port (e.g. PUBLIC_MTLS_PORT) may be handed out again once it is closed; never reuse it here.
    if (Object.values(overrides).includes(String(port))) continue;
    const config = loadConfig(
      {},
      { port: String(port), host: "127.0.0.1", grpcPort: "0", metricsPort: "0", databaseUrl: "sqlite::memory:", logLevel: "debug", issuer: `${overrides.publicTlsCert ? "https" : "http"}://127.0.0.1:${port}`, ...overrides },
    );
    const app = await buildApp({ ...options, config });
    try {
      return { app, config, ...(await app.start()) };
    } catch (error) {
      await app.stop();
      if ((error as { code?: string }).code !== "EADDRINUSE" || attempt === PORT_ATTEMPTS) throw error;
    }
  }
}

/** `Authorization: Basic` for a client id and secret, form-encoded first (RFC 6749 §2.3.1). */
export function basic(clientId: string, secret: string): Record<string, string> {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, "+");
  return { authorization: `Basic ${Buffer.from(`${enc(clientId)}:${enc(secret)}`).toString("base64")}` };
}
