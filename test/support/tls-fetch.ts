import https from "node:https";
import type { TlsClientOptions } from "./tls-client.js";

/** Statuses whose responses have no body (a Response with one cannot be constructed). */
const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

/** What the callers send: fetch's RequestInit, or a client library's custom-fetch options. */
export interface TlsFetchInit {
  method?: string;
  headers?: HeadersInit;
  body?: unknown;
}

/** A fetch that callers and client libraries both accept. */
export type TlsFetch = (input: string | URL | Request, init?: TlsFetchInit) => Promise<Response>;

async function bodyOf(body: unknown): Promise<string | Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof URLSearchParams) return String(body);
  return Buffer.from(await new Response(body as BodyInit).arrayBuffer());
}

/**
 * A `fetch` over node:https trusting `tls.ca` and presenting `tls.cert`/`tls.key` as the TLS client certificate (RFC 8705
 * §2), for client libraries' custom fetch (oauth4webapi, openid-client) and HttpBrowser. HTTP/1.1, one connection per
 * request, redirects never followed (like `redirect: "manual"`).
 */
export function tlsFetch(tls: TlsClientOptions, onRequest: (url: string) => void = () => undefined): TlsFetch {
  return async (input, init = {}) => {
    const url = input instanceof Request ? input.url : String(input);
    onRequest(url);
    const headers = Object.fromEntries(new Headers(init.headers));
    const body = await bodyOf(init.body);
    return new Promise<Response>((resolve, reject) => {
      const req = https.request(url, { method: init.method ?? "GET", headers, agent: false, ...tls }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => {
          const received = new Headers();
          for (const [name, value] of Object.entries(res.headers)) for (const one of [value ?? []].flat()) received.append(name, one);
          const status = res.statusCode ?? 0;
          resolve(new Response(NULL_BODY_STATUSES.has(status) ? null : Buffer.concat(chunks), { status, headers: received }));
        });
        res.on("error", reject);
      });
      req.on("error", reject);
      req.end(body);
    });
  };
}
