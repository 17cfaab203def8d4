import assert from "node:assert/strict";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";

/** RFC 6749 §5.2: `error_description` is limited to %x20-21 / %x23-5B / %x5D-7E (no CR, LF, TAB, `"` or `\`). */
export const DESCRIPTION_CHARSET = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

/** The error body of an OAuth response (RFC 6749 §5.2). */
export interface OAuthErrorBody {
  error: string;
  error_description?: string;
  error_uri?: string;
}

export interface ErrorExpectation {
  /** Exact `WWW-Authenticate` value or a pattern; `false` asserts it is absent; undefined does not check. */
  wwwAuthenticate?: RegExp | string | false;
  /** Assert `Cache-Control: no-store` (default true: every token-endpoint error carries it, RFC 6749 §5.1). */
  noStore?: boolean;
}

/** Headers of a fetch Response or a raw response, read the same way. */
type HeaderSource = Response | { headers: IncomingHttpHeaders };

function header(source: HeaderSource, name: string): string | undefined {
  if (source instanceof Response) return source.headers.get(name) ?? undefined;
  const value = source.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * Asserts an OAuth error response: exact status, JSON content type, exactly `error` (+ optional description/uri and
 * nothing else), a description inside the RFC 6749 §5.2 character set, `no-store`, and the WWW-Authenticate rule.
 */
export async function expectOAuthError(res: Response, status: number, error: string, expectation: ErrorExpectation = {}): Promise<OAuthErrorBody> {
  const text = await res.text();
  assert.equal(res.status, status, `status ${res.status} (expected ${status}); body: ${text}`);
  return checkErrorBody({ headers: res, text }, error, expectation);
}

/** The same checks for a response read through `rawHttp`. */
export function expectRawOAuthError(res: RawResponse, status: number, error: string, expectation: ErrorExpectation = {}): OAuthErrorBody {
  assert.equal(res.status, status, `status ${res.status} (expected ${status}); body: ${res.body}`);
  return checkErrorBody({ headers: res, text: res.body }, error, expectation);
}

function checkErrorBody(input: { headers: HeaderSource; text: string }, error: string, expectation: ErrorExpectation): OAuthErrorBody {
  const { headers, text } = input;
  assert.match(header(headers, "content-type") ?? "", /^application\/json/, "error responses are JSON (RFC 6749 §5.2)");
  const body = JSON.parse(text) as OAuthErrorBody & Record<string, unknown>;
  assert.equal(body.error, error, `error code; body: ${text}`);
  for (const name of Object.keys(body)) assert.ok(["error", "error_description", "error_uri"].includes(name), `unexpected member ${name} in ${text}`);
  if (body.error_description !== undefined) {
    assert.equal(typeof body.error_description, "string");
    assert.match(body.error_description, DESCRIPTION_CHARSET, `error_description outside RFC 6749 §5.2: ${JSON.stringify(body.error_description)}`);
  }
  if (expectation.noStore ?? true) assert.equal(header(headers, "cache-control"), "no-store", "error responses are not cached");
  const challenge = header(headers, "www-authenticate");
  if (expectation.wwwAuthenticate === false) assert.equal(challenge, undefined, "no WWW-Authenticate without an Authorization header");
  else if (typeof expectation.wwwAuthenticate === "string") assert.equal(challenge, expectation.wwwAuthenticate);
  else if (expectation.wwwAuthenticate instanceof RegExp) assert.match(challenge ?? "", expectation.wwwAuthenticate);
  return body;
}

/** `WWW-Authenticate` for a failed Basic authentication (RFC 6749 §5.2, RFC 7617 §2). */
export const BASIC_CHALLENGE = /^Basic realm="[^"]+"$/;

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
  /** Source address of the connection (another loopback address such as 127.0.0.2 counts as another IP). */
  localAddress?: string;
  /** Send the body with chunked transfer encoding instead of Content-Length. */
  chunked?: boolean;
  /** The request target sent as is (fetch and the URL parser would normalise `/%2e%2e/` and the like). */
  rawPath?: string;
  timeoutMs?: number;
}

/**
 * One HTTP/1.1 request through node:http, for what fetch cannot send: bytes that are not valid UTF-8, huge headers,
 * chunked bodies, another source address. Resolves with the response, or rejects on a socket error.
 */
export function rawHttp(url: string, options: RawRequest = {}): Promise<RawResponse> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | string[]> = { connection: "close", ...options.headers };
    if (options.body !== undefined && !options.chunked) headers["content-length"] = String(Buffer.byteLength(options.body));
    const req = httpRequest(
      { host: target.hostname, port: target.port, path: options.rawPath ?? target.pathname + target.search, method: options.method ?? "POST", headers, localAddress: options.localAddress },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    req.setTimeout(options.timeoutMs ?? 10_000, () => req.destroy(new Error("raw request timed out")));
    req.on("error", reject);
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** Form body text the way a client would encode it (application/x-www-form-urlencoded). */
export function formBody(form: Record<string, string | string[]>): string {
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  return body.toString();
}
