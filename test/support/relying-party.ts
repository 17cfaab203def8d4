import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the relying party received: the full URL it was called with (query) and, for POSTs, the form body. */
export interface ReceivedCallback {
  method: string;
  url: URL;
  form: URLSearchParams;
}

/**
 * A minimal relying party for browser tests: answers every request on 127.0.0.1 with a tiny page and records it, so a
 * test can wait for the authorization response (query, form_post) or a back-channel logout token.
 */
export class RelyingParty {
  readonly received: ReceivedCallback[] = [];
  private readonly waiters: { path: string; method?: string; resolve: (callback: ReceivedCallback) => void }[] = [];
  private server?: Server;
  origin = "";

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void readBody(req).then((body) => {
        const callback = { method: req.method ?? "GET", url: new URL(req.url ?? "/", this.origin), form: new URLSearchParams(body) };
        this.received.push(callback);
        const waiter = this.waiters.find((w) => matches(callback, w.path, w.method));
        if (waiter) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve(callback);
        }
        res.writeHead(200, { "content-type": "text/html; charset=utf-8" }).end("<!doctype html><title>relying party</title><p>ok</p>");
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, "127.0.0.1", resolve));
    this.origin = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The next `method` (any when omitted) request to `path`, or one already received and not yet consumed. */
  next(path: string, method?: string): Promise<ReceivedCallback> {
    const index = this.received.findIndex((c) => matches(c, path, method));
    if (index !== -1) return Promise.resolve(this.received.splice(index, 1)[0]!);
    return new Promise((resolve) => this.waiters.push({ path, method, resolve: (c) => (this.received.splice(this.received.indexOf(c), 1), resolve(c)) }));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

function matches(callback: ReceivedCallback, path: string, method: string | undefined): boolean {
  return callback.url.pathname === path && (method === undefined || callback.method === method);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
