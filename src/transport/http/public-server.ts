import { createServer } from "node:http";
import http2, { type Http2ServerRequest, type Http2ServerResponse, type Http2Session, type SecureServerOptions } from "node:http2";
import type { AddressInfo, Server } from "node:net";
import { TurnBatches } from "../turn-batches.js";
import { acceptPriorKnowledge } from "./h2c-prior-knowledge.js";
import { withinH2Limits } from "./h2-request-limits.js";
import type { PublicHandler } from "./server-request.js";

export interface PublicServerOptions {
  host: string;
  port: number;
  headerLimit: number;
  requestTimeout: number;
  /** Serve HTTPS (HTTP/2 and HTTP/1.1 by ALPN) with these options; cleartext HTTP/1.1 and h2c when absent. */
  tls?: SecureServerOptions;
}

export interface PublicListener {
  /** Where a local client connects (the loopback address for a wildcard bind). */
  url: string;
  /** The address as bound, e.g. `https://0.0.0.0:8443`. */
  bound: string;
  /** Stops accepting, lets open requests finish (HTTP/2 sessions get GOAWAY), closes idle connections. */
  close(): Promise<void>;
}

/** How long an idle keep-alive connection or HTTP/2 session stays open (ms). */
const KEEP_ALIVE_MS = 5_000;

/**
 * The public listener (DESIGN "Listeners"): `handler` on HTTP/1.1 and HTTP/2 — h2c by prior knowledge on a cleartext
 * port, ALPN `h2`/`http/1.1` on TLS — with the same header (431), body (413, the router's) and request-time (408) limits;
 * requests that arrive while the server is busy start in batches per loop turn (../turn-batches.ts).
 */
export async function startPublicServer(handler: PublicHandler, options: PublicServerOptions): Promise<PublicListener> {
  const batches = new TurnBatches(handler);
  const serve: PublicHandler = (req, res) => {
    if (req.httpVersionMajor === 2 && !withinH2Limits(req as Http2ServerRequest, res as Http2ServerResponse, options)) return;
    batches.admit(req, res);
  };
  // node:http2 resets a stream whose header list exceeds this; withinH2Limits answers 431 below it, as HTTP/1.1 does.
  const h2Options = { settings: { maxHeaderListSize: 2 * options.headerLimit } };
  // Node enforces requestTimeout only every connectionsCheckingInterval (30 s by default), hence the explicit interval (corpus S114).
  const http1Limits = {
    maxHeaderSize: options.headerLimit,
    requestTimeout: options.requestTimeout,
    headersTimeout: Math.min(options.requestTimeout, 10_000),
    keepAliveTimeout: KEEP_ALIVE_MS,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, options.requestTimeout / 2)),
  };
  const sessions = new Set<Http2Session>();
  const trackSessions = (h2: Server) =>
    h2.on("session", (session: Http2Session) => {
      sessions.add(session);
      session.setTimeout(KEEP_ALIVE_MS, () => session.close());
      session.once("close", () => sessions.delete(session));
    });
  let server: Server & { closeIdleConnections(): void };
  if (options.tls) {
    // The HTTP/1.1 side of a secure HTTP/2 server reads these limits from the server object (allowHTTP1).
    server = Object.assign(http2.createSecureServer({ ...options.tls, ...h2Options, allowHTTP1: true }, serve), http1Limits) as unknown as typeof server;
    trackSessions(server);
  } else {
    const h2c = http2.createServer(h2Options, serve);
    server = createServer(http1Limits, serve);
    acceptPriorKnowledge(server as never, h2c, http1Limits.headersTimeout);
    trackSessions(h2c);
  }
  server.on("connection", batches.connectionAccepted);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  const loopback = host === "0.0.0.0" ? "127.0.0.1" : host === "[::]" ? "[::1]" : host;
  const scheme = options.tls ? "https" : "http";
  return {
    url: `${scheme}://${loopback}:${address.port}`,
    bound: `${scheme}://${host}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const session of sessions) session.close();
      }),
  };
}
