import { FormParams } from "../../plugin-sdk/form-params.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { EndpointRequest } from "../../plugin-sdk/request.js";
import { toOAuthError } from "../../core/errors/error-table.js";
import type { Logger } from "../../core/ports/logger.js";
import { requestScope } from "../../core/request-scope.js";
import { requestIdOf } from "../request-id.js";
import type { BodyKind, HttpEndpoint } from "./endpoint.js";
import type { HttpMetrics } from "../metrics/http-metrics.js";
import { parseForm } from "./parse-form.js";
import { readBody } from "./read-body.js";
import { sendError, sendResponse } from "./send-response.js";
import { socketCertificate, type ClientCertificateSource } from "./client-certificate.js";
import { pathOf, type PublicHandler, type ServerRequest, type ServerResponseLike } from "./server-request.js";

/** Operator changes committed before a request arrived are applied before it is served (ChangeFeed.current). */
export interface ChangeGate {
  current(): Promise<void> | undefined;
}

const FORM_TYPE = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

export interface OAuthRouterOptions {
  issuer: string;
  /** The issuer as reached for mTLS (RFC 8705 §5), when that is another origin: requests whose Host names it are served as on it. */
  mtlsIssuer?: string;
  bodyLimit: number;
  logger: Logger;
  metrics?: HttpMetrics;
  changes?: ChangeGate;
  /** Where client certificates come from; by default the TLS socket, its chain verified when `authorized`. */
  certificates?: ClientCertificateSource;
}

/** Routes public HTTP requests to endpoints: method check (405 + Allow), body limits and parsing, error mapping. */
export class OAuthRouter {
  private readonly exact = new Map<string, HttpEndpoint>();
  private readonly prefixed: { prefix: string; endpoint: HttpEndpoint }[] = [];
  private readonly basePath: string;
  /** The origin of the issuer, and of the mTLS aliases by their Host (`host[:port]`) when that differs. */
  private readonly origin: string;
  private readonly originsByHost = new Map<string, string>();
  private readonly certificates: ClientCertificateSource;
  /** The request listener of the public server, for requests on the issuer's origin. */
  readonly handle: PublicHandler;

  constructor(
    endpoints: readonly HttpEndpoint[],
    private readonly options: OAuthRouterOptions,
  ) {
    const issuer = new URL(options.issuer);
    this.basePath = issuer.pathname.replace(/\/$/, "");
    this.origin = issuer.origin;
    const mtls = options.mtlsIssuer === undefined ? undefined : new URL(options.mtlsIssuer);
    if (mtls && mtls.origin !== issuer.origin) for (const url of [issuer, mtls]) for (const host of hostsOf(url)) this.originsByHost.set(host, url.origin);
    this.certificates = options.certificates ?? ((req) => socketCertificate(req, true));
    for (const endpoint of endpoints) {
      if (endpoint.path.endsWith("/*")) this.prefixed.push({ prefix: this.basePath + endpoint.path.slice(0, -1), endpoint });
      else this.exact.set(this.basePath + endpoint.path, endpoint);
    }
    this.handle = this.handlerAt(this.origin);
  }

  /** Every served path (a trailing "/*" matches sub-paths) with its methods and body kinds: what the router dispatches. */
  routes(): readonly Pick<HttpEndpoint, "path" | "methods" | "body">[] {
    const all = [...this.exact.values(), ...this.prefixed.map((p) => p.endpoint)];
    return all.map(({ path, methods, body }) => ({ path, methods, body }));
  }

  /**
   * The request listener of a listener whose requests arrive on `origin` (e.g. the mTLS port): endpoint URLs — and so
   * DPoP `htu` checks (RFC 9449 §4.3) — use it, or the mTLS or issuer origin the request's Host names.
   */
  handlerAt(origin: string): PublicHandler {
    return (req, res) => this.route(req, res, this.originsByHost.size === 0 ? origin : this.originOf(req, origin));
  }

  private originOf(req: ServerRequest, fallback: string): string {
    const host = req.headers.host ?? req.headers[":authority"];
    return (typeof host === "string" && this.originsByHost.get(host.toLowerCase())) || fallback;
  }

  private route(req: ServerRequest, res: ServerResponseLike, origin: string): void {
    const rawUrl = req.url ?? "/";
    const path = pathOf(rawUrl);
    const endpoint = this.exact.get(path) ?? this.prefixed.find((p) => path.startsWith(p.prefix))?.endpoint;
    const metrics = this.options.metrics;
    if (metrics) {
      const started = performance.now();
      res.once("finish", () => metrics.observe(endpoint?.path ?? "unmatched", res.statusCode, (performance.now() - started) / 1000));
    }
    const requestId = requestIdOf(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    requestScope.run(requestId, this.serve, req, res, endpoint, origin + rawUrl);
  }

  /** Serves one request inside its request scope. */
  private readonly serve = (req: ServerRequest, res: ServerResponseLike, endpoint: HttpEndpoint | undefined, url: string): void => {
    this.dispatch(req, res, endpoint, url).catch((thrown: unknown) => this.fail(req, res, endpoint, thrown));
  };

  private async dispatch(req: ServerRequest, res: ServerResponseLike, endpoint: HttpEndpoint | undefined, url: string): Promise<void> {
    const applying = this.options.changes?.current();
    if (applying) await applying;
    if (!endpoint) {
      sendResponse(res, { status: 404, body: { error: "not_found" } });
      return;
    }
    const method = req.method ?? "GET";
    if (!endpoint.methods.includes(method)) {
      throw OAuthErrors.methodNotAllowed(`use ${endpoint.methods.join(" or ")}`, { headers: { allow: endpoint.methods.join(", ") } });
    }
    const kind: BodyKind = endpoint.body?.[method] ?? (method === "POST" || method === "PUT" ? "form" : "none");
    const request = await this.buildRequest(req, method, url, kind);
    sendResponse(res, await endpoint.handle(request));
  }

  private async buildRequest(req: ServerRequest, method: string, url: string, kind: BodyKind): Promise<EndpointRequest & { json?: unknown }> {
    const headers = headersFromRaw(req.rawHeaders);
    const queryIndex = url.indexOf("?");
    const request: EndpointRequest & { json?: unknown } = {
      method,
      url,
      headers,
      params: kind === "none" && queryIndex !== -1 ? parseForm(url.slice(queryIndex + 1)) : new FormParams(),
      remoteAddress: req.socket.remoteAddress ?? "",
      clientCertificate: this.certificates(req, headers),
    };
    if (kind === "none") return request;
    const contentType = (req.headers["content-type"] ?? "").split(";")[0]!.trim().toLowerCase();
    if (kind === "optional-form" && contentType === "" && !hasBody(req)) return request;
    const expected = kind === "json" ? JSON_TYPE : FORM_TYPE;
    if (contentType !== expected) {
      req.resume();
      throw kind !== "json"
        ? OAuthErrors.invalidRequest(`Content-Type must be ${FORM_TYPE}`)
        : OAuthErrors.invalidClientMetadata(`Content-Type must be ${JSON_TYPE}`);
    }
    const body = await readBody(req, this.options.bodyLimit);
    if (kind !== "json") request.params = parseForm(body);
    else request.json = parseJson(body);
    return request;
  }

  private fail(req: ServerRequest, res: ServerResponseLike, endpoint: HttpEndpoint | undefined, thrown: unknown): void {
    const error = toOAuthError(thrown);
    this.options.metrics?.observeError(endpoint?.path ?? "unmatched", error.error);
    if (error.error === "server_error" || error.error === "temporarily_unavailable") {
      this.options.logger.error({ err: error.cause ?? error, method: req.method, path: pathOf(req.url ?? "/") }, "request failed");
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, error);
    if (error.headers.connection === "close") req.resume();
  }
}

/**
 * Lower-cased header map in one pass over the raw pairs; repeated headers become arrays (e.g. two DPoP headers).
 * HTTP/2 pseudo-headers stay out, except `:authority`, which stands for Host (RFC 9113 §8.3.1); HTTP/2 cookie crumbs
 * are joined into one Cookie header (RFC 9113 §8.2.3).
 */
function headersFromRaw(raw: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i < raw.length; i += 2) {
    let name = raw[i]!.toLowerCase();
    if (name.charCodeAt(0) === COLON) {
      if (name !== ":authority" || headers.host !== undefined) continue;
      name = "host";
    }
    const value = raw[i + 1]!;
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (name === "cookie") headers[name] = `${seen as string}; ${value}`;
    else if (typeof seen === "string") headers[name] = [seen, value];
    else seen.push(value);
  }
  return headers;
}

const COLON = 0x3a;

/** True unless the request declares an empty body (no Transfer-Encoding, Content-Length absent or 0; RFC 9112 §6.3). */
function hasBody(req: ServerRequest): boolean {
  return req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw OAuthErrors.invalidClientMetadata("request body is not valid JSON");
  }
}

/** The Host values naming a URL's origin: with a default port, with and without it (RFC 9110 §7.2, §4.2.2). */
function hostsOf(url: URL): string[] {
  return url.port === "" ? [url.host, `${url.hostname}:${url.protocol === "https:" ? 443 : 80}`] : [url.host];
}
