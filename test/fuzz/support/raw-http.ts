import { connect } from "node:net";

/** One HTTP/1.1 request as bytes: anything a fuzzer wants to send, invalid header bytes and repeated headers included. */
export interface RawHttpRequest {
  method: string;
  /** The request target sent as is (RFC 9112 §3.2). */
  target: string;
  /** Header lines in order; names are sent with their casing, values as bytes (latin1 for strings). */
  headers: readonly (readonly [string, string | Buffer])[];
  body?: Buffer;
}

export interface RawHttpResponse {
  status: number;
  /** Lower-cased names; repeated headers keep every value. */
  headers: Record<string, string[]>;
  body: Buffer;
}

/** The request's bytes; the body is framed by Content-Length and the connection closed after one exchange (RFC 9112 §6, §9.6). */
export function encodeRequest(request: RawHttpRequest, host: string): Buffer {
  const lines: Buffer[] = [Buffer.from(`${request.method} ${request.target} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n`, "latin1")];
  for (const [name, value] of request.headers) lines.push(Buffer.from(`${name}: `, "latin1"), typeof value === "string" ? Buffer.from(value, "latin1") : value, Buffer.from("\r\n"));
  if (request.body !== undefined) lines.push(Buffer.from(`Content-Length: ${request.body.length}\r\n`));
  lines.push(Buffer.from("\r\n"));
  if (request.body !== undefined) lines.push(request.body);
  return Buffer.concat(lines);
}

/** Sends one raw request to `origin` and reads the whole response; rejects on a socket error or after `timeoutMs` (a hang). */
export function rawExchange(origin: string, request: RawHttpRequest, timeoutMs = 10_000): Promise<RawHttpResponse> {
  const url = new URL(origin);
  return new Promise((resolve, reject) => {
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    const chunks: Buffer[] = [];
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no complete response within ${timeoutMs} ms: ${request.method} ${request.target.slice(0, 80)}`)));
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", reject);
    socket.on("close", () => {
      try {
        resolve(parseResponse(Buffer.concat(chunks)));
      } catch (error) {
        reject(error as Error);
      }
    });
    // No half-close: a server may drop a request whose client ended its side before the answer; Connection: close ends it.
    socket.write(encodeRequest(request, url.host));
  });
}

/** Parses a complete HTTP/1.1 response read until the connection closed (RFC 9112 §4–§7). */
function parseResponse(bytes: Buffer): RawHttpResponse {
  const end = bytes.indexOf("\r\n\r\n");
  if (end === -1) throw new Error(`the server closed the connection without a complete response (${bytes.length} bytes)`);
  const [statusLine, ...lines] = bytes.subarray(0, end).toString("latin1").split("\r\n");
  const status = /^HTTP\/1\.1 (\d{3})/.exec(statusLine!)?.[1];
  if (!status) throw new Error(`malformed status line: ${statusLine}`);
  const headers: Record<string, string[]> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  const rest = bytes.subarray(end + 4);
  return { status: Number(status), headers, body: headers["transfer-encoding"]?.includes("chunked") ? dechunk(rest) : rest };
}

/** The payload of a chunked body (RFC 9112 §7.1). */
function dechunk(bytes: Buffer): Buffer {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const lineEnd = bytes.indexOf("\r\n", at);
    const size = parseInt(bytes.subarray(at, lineEnd).toString("latin1"), 16);
    if (!(size > 0)) return Buffer.concat(parts);
    parts.push(bytes.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 4 + size;
  }
}
