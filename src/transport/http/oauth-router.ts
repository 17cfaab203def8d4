import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import { FormParams } from "../../plugin-sdk/form-params.js";
import { OAuthErrors } from "../../plugin-sdk/errors.js";
import type { EndpointRequest, PresentedCertificate } from "../../plugin-sdk/request.js";
import { toOAuthError } from "../../core/errors/error-table.js";
import type { Logger } from "../../core/ports/logger.js";
import { requestScope } from "../../core/request-scope.js";
import { requestIdOf } from "../request-id.js";
import type { BodyKind, HttpEndpoint } from "./endpoint.js";
import type { HttpMetrics } from "../metrics/http-metrics.js";
import { parseForm } from "./parse-form.js";
import { readBody } from "./read-body.js";
import { sendError, sendResponse } from "./send-response.js";

/** Operator changes committed before a request arrived are applied before it is served (ChangeFeed.current). */
export interface ChangeGate {
  current(): Promise<void> | undefined;
}

const FORM_TYPE = "application/x-www-form-urlencoded";
const JSON_TYPE = "application/json";

/** Routes public HTTP requests to endpoints: method check (405 + Allow), body limits and parsing, error mapping. */
export class OAuthRouter {
  private readonly exact = new Map<string, HttpEndpoint>();
  private readonly prefixed: { prefix: string; endpoint: HttpEndpoint }[] = [];
  private readonly basePath: string;
  private readonly origin: string;

  constructor(
    endpoints: readonly HttpEndpoint[],
    private readonly options: { issuer: string; bodyLimit: number; logger: Logger; metrics?: HttpMetrics; changes?: ChangeGate },
  ) {
    const issuer = new URL(options.issuer);
    this.basePath = issuer.pathname.replace(/\/$/, "");
    this.origin = issuer.origin;
    for (const endpoint of endpoints) {
      if (endpoint.path.endsWith("/*")) this.prefixed.push({ prefix: this.basePath + endpoint.path.slice(0, -1), endpoint });
      else this.exact.set(this.basePath + endpoint.path, endpoint);
    }
  }

  /** Every served path (a trailing "/*" matches sub-paths) with its methods and body kinds: what the router dispatches. */
  routes(): readonly Pick<HttpEndpoint, "path" | "methods" | "body">[] {
    const all = [...this.exact.values(), ...this.prefixed.map((p) => p.endpoint)];
    return all.map(({ path, methods, body }) => ({ path, methods, body }));
  }

  /** The request listener of the public server. */
  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const rawUrl = req.url ?? "/";
    const queryIndex = rawUrl.indexOf("?");
    const path = queryIndex === -1 ? rawUrl : rawUrl.slice(0, queryIndex);
    const endpoint = this.exact.get(path) ?? this.prefixed.find((p) => path.startsWith(p.prefix))?.endpoint;
    const metrics = this.options.metrics;
    if (metrics) {
      const started = performance.now();
      res.once("finish", () => metrics.observe(endpoint?.path ?? "unmatched", res.statusCode, (performance.now() - started) / 1000));
    }
    const requestId = requestIdOf(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    requestScope.run(requestId, this.serve, req, res, endpoint, rawUrl, queryIndex);
  };

  /** Serves one request inside its request scope. */
  private readonly serve = (req: IncomingMessage, res: ServerResponse, endpoint: HttpEndpoint | undefined, rawUrl: string, queryIndex: number): void => {
    this.dispatch(req, res, endpoint, rawUrl, queryIndex).catch((thrown: unknown) => this.fail(req, res, endpoint, thrown));
  };

  private async dispatch(req: IncomingMessage, res: ServerResponse, endpoint: HttpEndpoint | undefined, rawUrl: string, queryIndex: number): Promise<void> {
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
    const request = await this.buildRequest(req, method, rawUrl, queryIndex, kind);
    sendResponse(res, await endpoint.handle(request));
  }

  private async buildRequest(req: IncomingMessage, method: string, rawUrl: string, queryIndex: number, kind: BodyKind): Promise<EndpointRequest & { json?: unknown }> {
    const request: EndpointRequest & { json?: unknown } = {
      method,
      url: this.origin + rawUrl,
      headers: headersFromRaw(req.rawHeaders),
      params: kind === "none" && queryIndex !== -1 ? parseForm(rawUrl.slice(queryIndex + 1)) : new FormParams(),
      remoteAddress: req.socket.remoteAddress ?? "",
      clientCertificate: peerCertificate(req),
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

  private fail(req: IncomingMessage, res: ServerResponse, endpoint: HttpEndpoint | undefined, thrown: unknown): void {
    const error = toOAuthError(thrown);
    this.options.metrics?.observeError(endpoint?.path ?? "unmatched", error.error);
    if (error.error === "server_error" || error.error === "temporarily_unavailable") {
      this.options.logger.error({ err: error.cause ?? error, method: req.method, path: req.url?.split("?")[0] }, "request failed");
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    sendError(res, error);
    if (error.headers.connection === "close") req.resume();
  }
}

/** Lower-cased header map in one pass over the raw pairs; repeated headers become arrays (e.g. two DPoP headers). */
function headersFromRaw(raw: readonly string[]): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = Object.create(null);
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    const seen = headers[name];
    if (seen === undefined) headers[name] = value;
    else if (typeof seen === "string") headers[name] = [seen, value];
    else seen.push(value);
  }
  return headers;
}

/** True unless the request declares an empty body (no Transfer-Encoding, Content-Length absent or 0; RFC 9112 §6.3). */
function hasBody(req: IncomingMessage): boolean {
  return req.headers["transfer-encoding"] !== undefined || (req.headers["content-length"] ?? "0") !== "0";
}

/** The certificate of a TLS client (RFC 8705 §2): possession is proven by the handshake, the chain only when `authorized`. */
function peerCertificate(req: IncomingMessage): PresentedCertificate | undefined {
  const socket = req.socket as Partial<TLSSocket>;
  if (!socket.encrypted || typeof socket.getPeerCertificate !== "function") return undefined;
  const raw = socket.getPeerCertificate().raw;
  return raw && raw.length > 0 ? { der: raw, chainVerified: socket.authorized === true } : undefined;
}

function parseJson(body: Buffer): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    throw OAuthErrors.invalidClientMetadata("request body is not valid JSON");
  }
}
