import http from "node:http";
import http2 from "node:http2";
import https from "node:https";
import type { TLSSocket } from "node:tls";

/** The trust anchor and optional client identity of a test client. */
export interface TlsClientOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface RequestInit {
  method?: string;
  /** An array sends the header as several fields (e.g. HTTP/2 cookie crumbs). */
  headers?: Record<string, string | string[]>;
  body?: string;
  tls?: TlsClientOptions;
}

/** A response with the protocol that carried it: `http/1.1`, `h2` (ALPN) or `h2c` (prior knowledge). */
export interface ProtocolResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  protocol: string;
  json(): Record<string, unknown>;
}

const response = (status: number, headers: ProtocolResponse["headers"], body: string, protocol: string): ProtocolResponse => ({ status, headers, body, protocol, json: () => JSON.parse(body) as Record<string, unknown> });

/** One HTTP/1.1 request on a fresh connection (ALPN offers only `http/1.1` over TLS). */
export function http1Request(url: string, init: RequestInit = {}): Promise<ProtocolResponse> {
  const secure = url.startsWith("https:");
  const options = { method: init.method ?? "GET", headers: init.headers, agent: false as const, ...(secure && { ...init.tls, ALPNProtocols: ["http/1.1"] }) };
  return new Promise((resolve, reject) => {
    const req = (secure ? https : http).request(url, options, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve(response(res.statusCode ?? 0, res.headers, body, (res.socket as TLSSocket).alpnProtocol || "http/1.1")));
    });
    req.on("error", reject);
    req.end(init.body);
  });
}

/** One HTTP/2 request on a fresh session: ALPN `h2` for https://, prior knowledge (h2c) for http://. */
export function http2Request(url: string, init: RequestInit = {}): Promise<ProtocolResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const session = http2.connect(target.origin, { ...init.tls });
    session.on("error", reject);
    const stream = session.request({ ":method": init.method ?? "GET", ":path": target.pathname + target.search, ...init.headers });
    let body = "";
    let headers: http2.IncomingHttpHeaders = {};
    stream.on("response", (received) => (headers = received));
    stream.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    stream.on("error", reject);
    stream.on("end", () => {
      const protocol = session.alpnProtocol ?? "";
      session.close();
      resolve(response(Number(headers[":status"]), headers, body, protocol));
    });
    stream.end(init.body);
  });
}
