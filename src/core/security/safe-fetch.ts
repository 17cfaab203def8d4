import { lookup } from "node:dns/promises";
import { request as httpRequest, type IncomingMessage, type RequestOptions } from "node:http";
import { request as httpsRequest } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { inject, injectable } from "tsyringe";
import type { Config } from "../../config/config.js";
import { DI } from "../di-tokens.js";

/** Why a fetch of a client-supplied URL was refused or failed. */
export type SafeFetchFailure =
  | "invalid_url"
  | "forbidden_address"
  | "unresolvable"
  | "network"
  | "timeout"
  | "redirect"
  | "status"
  | "too_large"
  | "invalid_json";

/** A typed outbound-fetch failure; callers map it to their own protocol error (its message is for logs). */
export class SafeFetchError extends Error {
  override name = "SafeFetchError";

  constructor(
    readonly reason: SafeFetchFailure,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export interface SafeFetchResponse {
  status: number;
  contentType: string | undefined;
  body: Buffer;
}

/** One outbound request: method, headers it needs and its time bound. */
interface Exchange {
  method: "GET" | "POST";
  accept: string;
  timeoutMs: number;
  body?: Buffer;
  contentType?: string;
  /** A lower body cap than FETCH_MAX_BYTES for this exchange. */
  maxBytes?: number;
}

interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Loopback, private, link-local, unique-local, CGNAT, multicast, reserved and translation ranges (RFC 6890 special-purpose registries). */
const FORBIDDEN = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.0.2.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["198.51.100.0", 24],
  ["203.0.113.0", 24],
  ["224.0.0.0", 3],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, "ipv4");
}
// ::/96 covers ::, ::1 and IPv4-compatible addresses; IPv4-mapped ones (::ffff:0:0/96) match the IPv4 rules above.
for (const [network, prefix] of [
  ["::", 96],
  ["64:ff9b::", 96],
  ["64:ff9b:1::", 48],
  ["100::", 64],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  FORBIDDEN.addSubnet(network, prefix, "ipv6");
}

/** True when `address` must not be fetched from: a non-public IP literal, or anything that is not an IP literal at all. */
export function isForbiddenAddress(address: string): boolean {
  const family = isIP(address);
  return family === 0 || FORBIDDEN.check(address, family === 4 ? "ipv4" : "ipv6");
}

/**
 * Fetches client-supplied URLs (jwks_uri, sector_identifier_uri, request_uri …) without SSRF (corpus #88, CVE-2021-26715): https only,
 * resolves DNS itself and refuses non-public addresses, connects to the vetted address (no re-resolution), follows no
 * redirects, bounds the whole exchange by `fetchTimeout` (or the caller's timeout) and the body by `fetchMaxBytes`. `fetchAllowPrivate` (tests
 * and development only) also allows http and private addresses.
 */
@injectable()
export class SafeFetcher {
  constructor(@inject(DI.Config) private readonly config: Config) {}

  /** GETs `url`; resolves only for a 2xx answer within the limits (`maxBytes` may only lower FETCH_MAX_BYTES), else throws SafeFetchError. */
  fetch(url: string, accept = "application/json", maxBytes?: number): Promise<SafeFetchResponse> {
    return this.exchange(url, { method: "GET", accept, timeoutMs: this.config.fetchTimeout, maxBytes });
  }

  /**
   * POSTs `form` as application/x-www-form-urlencoded (e.g. a back-channel logout token, OIDC Back-Channel Logout §2.5)
   * under the same rules as `fetch`, bounded by `timeoutMs`; resolves only for a 2xx answer, else throws SafeFetchError.
   */
  postForm(url: string, form: Readonly<Record<string, string>>, timeoutMs: number = this.config.fetchTimeout): Promise<SafeFetchResponse> {
    const body = Buffer.from(new URLSearchParams(form).toString());
    return this.exchange(url, { method: "POST", accept: "*/*", timeoutMs, body, contentType: "application/x-www-form-urlencoded" });
  }

  private async exchange(url: string, exchange: Exchange): Promise<SafeFetchResponse> {
    const target = this.target(url);
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new SafeFetchError("timeout", `fetch of ${target.origin} exceeded ${exchange.timeoutMs} ms`));
        controller.abort();
      }, exchange.timeoutMs);
    });
    try {
      return await Promise.race([this.resolve(target).then((address) => this.send(target, address, exchange, controller.signal)), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** GETs `url` and parses its body as JSON. */
  async fetchJson(url: string): Promise<unknown> {
    const { body } = await this.fetch(url);
    try {
      return JSON.parse(body.toString("utf8"));
    } catch (cause) {
      throw new SafeFetchError("invalid_json", "response body is not JSON", { cause });
    }
  }

  private target(url: string): URL {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    const schemes = this.config.fetchAllowPrivate ? ["https:", "http:"] : ["https:"];
    if (!parsed || !schemes.includes(parsed.protocol)) throw new SafeFetchError("invalid_url", "URL must be an absolute https URL");
    if (parsed.username || parsed.password) throw new SafeFetchError("invalid_url", "URL must not carry credentials");
    return parsed;
  }

  /** The address to connect to: the host itself when it is an IP literal, else the first DNS answer; all answers must be public. */
  private async resolve(target: URL): Promise<ResolvedAddress> {
    const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
    const literal = isIP(host);
    let addresses: ResolvedAddress[];
    try {
      addresses = literal ? [{ address: host, family: literal as 4 | 6 }] : ((await lookup(host, { all: true })) as ResolvedAddress[]);
    } catch (cause) {
      throw new SafeFetchError("unresolvable", `cannot resolve ${host}`, { cause });
    }
    if (addresses.length === 0) throw new SafeFetchError("unresolvable", `no address for ${host}`);
    if (!this.config.fetchAllowPrivate) {
      const forbidden = addresses.find((a) => isForbiddenAddress(a.address));
      if (forbidden) throw new SafeFetchError("forbidden_address", `${host} resolves to a non-public address (${forbidden.address})`);
    }
    return addresses[0]!;
  }

  private send(target: URL, address: ResolvedAddress, exchange: Exchange, signal: AbortSignal): Promise<SafeFetchResponse> {
    const pinned: LookupFunction = (_hostname, options, callback) => {
      if (options.all) (callback as (e: null, all: ResolvedAddress[]) => void)(null, [address]);
      else callback(null, address.address, address.family);
    };
    const headers: Record<string, string> = { accept: exchange.accept, "user-agent": "portcullis" };
    if (exchange.body) Object.assign(headers, { "content-type": exchange.contentType, "content-length": String(exchange.body.length) });
    const options: RequestOptions = { method: exchange.method, agent: false, signal, lookup: pinned, headers };
    const send = target.protocol === "https:" ? httpsRequest : httpRequest;
    return new Promise((resolve, reject) => {
      const request = send(target, options, (response) => this.read(response, Math.min(exchange.maxBytes ?? Infinity, this.config.fetchMaxBytes), resolve, reject));
      request.on("error", (cause) => reject(new SafeFetchError("network", `fetch of ${target.origin} failed`, { cause })));
      request.end(exchange.body);
    });
  }

  private read(response: IncomingMessage, limit: number, resolve: (r: SafeFetchResponse) => void, reject: (e: SafeFetchError) => void): void {
    const status = response.statusCode ?? 0;
    const fail = (error: SafeFetchError) => {
      reject(error);
      response.destroy();
    };
    if (status >= 300 && status < 400) return fail(new SafeFetchError("redirect", `redirect (${status}) not followed`));
    if (status < 200 || status >= 300) return fail(new SafeFetchError("status", `unexpected status ${status}`));
    if (Number(response.headers["content-length"] ?? 0) > limit) return fail(new SafeFetchError("too_large", `body exceeds ${limit} bytes`));
    const chunks: Buffer[] = [];
    let size = 0;
    response.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) fail(new SafeFetchError("too_large", `body exceeds ${limit} bytes`));
      else chunks.push(chunk);
    });
    response.on("error", (cause) => reject(new SafeFetchError("network", "response stream failed", { cause })));
    response.on("end", () => resolve({ status, contentType: response.headers["content-type"], body: Buffer.concat(chunks) }));
  }
}
