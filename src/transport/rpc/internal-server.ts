import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import type { DependencyContainer } from "tsyringe";
import { ChangeFeed } from "../../core/changes/change-feed.js";
import { DI } from "../../core/di-tokens.js";
import { LogoutService } from "../../core/sessions/logout.service.js";
import { SessionManager } from "../../core/sessions/session-manager.js";
import { IntrospectionService } from "../../core/tokens/introspection.service.js";
import { TokenIssuer } from "../../core/tokens/token-issuer.js";
import { TokenRevoker } from "../../core/tokens/token-revoker.js";
import { TrustedIssuerService } from "../../core/trust/trusted-issuer.service.js";
import { requestScope } from "../../core/request-scope.js";
import type { RpcMetrics } from "../metrics/rpc-metrics.js";
import { requestIdOf } from "../request-id.js";
import { callerAuthInterceptor } from "./interceptors/caller-auth.interceptor.js";
import { metricsInterceptor } from "./interceptors/metrics.interceptor.js";
import { errorMappingInterceptor } from "./interceptors/error-mapping.interceptor.js";
import { callerScopes, internalRoutes, internalServices } from "./internal-routes.js";
import { peerContextValues } from "./peer-certificate.js";
import { isValidateTokenFastPath, serveValidateToken } from "./validate-token.fast-path.js";
import type { InternalRpcDeps } from "./rpc-deps.js";
import { internalTlsOptions } from "./tls-options.js";
import { DpopResourceProof } from "../../core/pop/dpop/dpop-resource-proof.js";

/** The longest `grpc-timeout` a caller may ask for: node timers fire at once beyond 2^31−1 ms; longer is INVALID_ARGUMENT. */
const MAX_DEADLINE_MS = 2 ** 31 - 1;
/** How long open calls (watch streams) get to finish after close() before their sessions are destroyed (ms). */
const CLOSE_GRACE_MS = 5_000;

export interface InternalServer {
  /** Base URL of the listener, e.g. `http://127.0.0.1:50051` (h2c) or `https://127.0.0.1:50051` (TLS). */
  url: string;
  /** Ends watch streams with UNAVAILABLE, lets other calls finish, then closes every HTTP/2 session. */
  close(): Promise<void>;
}

/**
 * Starts the internal listener: gRPC, gRPC-Web and Connect over HTTP/2 for the services of DESIGN "Proto services";
 * h2c, or TLS (and mTLS callers) when `GRPC_TLS_CERT`/`GRPC_TLS_KEY` are set (DESIGN "Listeners").
 */
export async function startInternalServer(container: DependencyContainer, options: { host: string; port: number; metrics?: RpcMetrics }): Promise<InternalServer> {
  const deps = resolveDeps(container);
  const tls = internalTlsOptions(deps.config);
  const services = internalServices(deps);
  const shutdown = new AbortController();
  const auth = { validator: deps.validator, issuer: deps.config.issuer, certificateCallers: deps.config.grpcMtlsCallers };
  const callerAuth = callerAuthInterceptor({ ...auth, scopes: callerScopes(services) });
  const handler = connectNodeAdapter({
    routes: internalRoutes(services),
    interceptors: [...(options.metrics ? [metricsInterceptor(options.metrics)] : []), errorMappingInterceptor(deps.logger), callerAuth],
    contextValues: peerContextValues,
    readMaxBytes: deps.config.bodyLimit,
    maxTimeoutMs: MAX_DEADLINE_MS,
    shutdownSignal: shutdown.signal,
  });
  // Operator changes committed before a call arrived are applied before it is served (as on the public listener).
  const changes = container.resolve(ChangeFeed);
  const afterChanges = <A extends unknown[]>(serve: (...args: A) => void) => (...args: A) => {
    const applying = changes.current();
    if (applying) void applying.then(() => serve(...args));
    else serve(...args);
  };
  // Every call runs in its request scope (`x-request-id` metadata, echoed in the response headers) for logs and audit events.
  const connectCall = afterChanges(handler);
  const serve = (req: http2.Http2ServerRequest, res: http2.Http2ServerResponse) => {
    const requestId = requestIdOf(req.headers["x-request-id"]);
    res.setHeader("x-request-id", requestId);
    requestScope.run(requestId, connectCall, req, res);
  };
  const fastPathDeps = { ...deps, metrics: options.metrics };
  const fastCall = afterChanges((stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, requestId: string) =>
    serveValidateToken(fastPathDeps, auth, deps.config.bodyLimit, stream, headers, requestId),
  );
  const server = tls ? http2.createSecureServer(tls, serve) : http2.createServer(serve);
  routeFastPathStreams(server, (stream, headers) => {
    const requestId = requestIdOf(headers["x-request-id"]);
    requestScope.run(requestId, fastCall, stream, headers, requestId);
  });
  const sessions = new Set<http2.Http2Session>();
  server.on("session", (session) => {
    sessions.add(session);
    session.once("close", () => sessions.delete(session));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { address, port } = server.address() as AddressInfo;
  deps.logger.info({ address, port, tls: Boolean(tls), mtls: Boolean(tls?.requestCert) }, "internal listener started");
  return {
    url: `${tls ? "https" : "http"}://${address.includes(":") ? `[${address}]` : address}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        shutdown.abort(new ConnectError("server is shutting down", Code.Unavailable));
        const force = setTimeout(() => sessions.forEach((session) => session.destroy()), CLOSE_GRACE_MS).unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        for (const session of sessions) session.close();
      }),
  };
}

/**
 * Hands fast-path streams (ValidateToken, DESIGN "Hot paths") to `fast` before node:http2 wraps them in its
 * compatibility request/response objects; every other stream goes on to the compatibility layer and Connect.
 */
function routeFastPathStreams(server: http2.Http2Server | http2.Http2SecureServer, fast: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void): void {
  const compatibility = server.listeners("stream");
  if (compatibility.length !== 1) throw new Error("node:http2 server without its compatibility stream listener");
  const [toCompatibility] = compatibility as ((...args: unknown[]) => void)[];
  server.removeAllListeners("stream");
  server.on("stream", (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders, ...rest: unknown[]) =>
    isValidateTokenFastPath(headers) ? fast(stream, headers) : toCompatibility.call(server, stream, headers, ...rest),
  );
}

/** The core services the handlers need, from the app's container. */
function resolveDeps(container: DependencyContainer): InternalRpcDeps {
  return {
    config: container.resolve(DI.Config),
    logger: container.resolve(DI.Logger).child({ listener: "internal" }),
    validator: container.resolve(DI.TokenValidator),
    dpop: container.resolve(DpopResourceProof),
    revoker: container.resolve(TokenRevoker),
    issuer: container.resolve(TokenIssuer),
    introspection: container.resolve(IntrospectionService),
    clients: container.resolve(DI.ClientRegistry),
    bus: container.resolve(DI.RevocationBus),
    sessions: container.resolve(SessionManager),
    logout: container.resolve(LogoutService),
    trustedIssuers: container.resolve(TrustedIssuerService),
  };
}
