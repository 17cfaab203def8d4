import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError, createContextKey, type Interceptor } from "@connectrpc/connect";
import type { TokenValidator } from "../../../core/tokens/access-token.js";
import { verifiedPeerThumbprint } from "../peer-certificate.js";
import { unmetRequirement } from "../../../core/tokens/token-requirements.js";

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const NO_TOKEN = "missing or invalid bearer access token";
const NO_CREDENTIALS = "missing bearer access token or registered client certificate";

export interface CallerAuthOptions {
  validator: TokenValidator;
  issuer: string;
  /** The caller scope of every served method. */
  scopes: ReadonlyMap<DescMethod, string>;
  /** Verified client certificate thumbprint (RFC 8705 `x5t#S256`) → scopes granted (`GRPC_MTLS_CALLERS`). */
  certificateCallers: ReadonlyMap<string, readonly string[]>;
}

/** An authenticated caller: what it presented, the scopes that grants, and for an access token the client it was issued to. */
export interface RpcCaller {
  credential: "access token" | "client certificate";
  scopes: readonly string[];
  clientId?: string;
}

/** Where the interceptor leaves the authenticated caller for the handlers. */
export const rpcCaller = createContextKey<RpcCaller | undefined>(undefined, { description: "authenticated internal caller" });

/**
 * Authenticates internal callers (DESIGN "Listeners") by EITHER `authorization: Bearer <access token this server
 * issued>` (RFC 6750 §2.1) — active, for this issuer's audience, and if certificate-bound presented over that
 * certificate (RFC 8705 §3) — OR, when no Authorization header is sent, by a TLS client certificate that chained to
 * `GRPC_TLS_CLIENT_CA` and whose thumbprint `GRPC_MTLS_CALLERS` maps to scopes. A sent token alone decides; the
 * certificate never adds scopes to it. The caller needs the method's scope; a method without one is refused (fail
 * closed). Tokens and certificates are never logged.
 */
export function callerAuthInterceptor(options: CallerAuthOptions): Interceptor {
  return (next) => async (request) => {
    const caller = await authenticateCaller(request.header.get("authorization"), request.contextValues.get(verifiedPeerThumbprint), options.scopes.get(request.method), options);
    request.contextValues.set(rpcCaller, caller);
    return next(request);
  };
}

/** The check behind the interceptor, shared with the ValidateToken fast path: the caller, or a thrown ConnectError. */
export async function authenticateCaller(authorization: string | null, peer: string | undefined, scope: string | undefined, options: Omit<CallerAuthOptions, "scopes">): Promise<RpcCaller> {
  const caller = authorization === null ? certificateCaller(peer, options.certificateCallers) : await bearerCaller(authorization, peer, options);
  if (!scope) throw new ConnectError("method is not open to callers", Code.PermissionDenied);
  if (!caller.scopes.includes(scope)) throw new ConnectError(`${caller.credential} lacks scope ${scope}`, Code.PermissionDenied);
  return caller;
}

async function bearerCaller(authorization: string, peer: string | undefined, options: Omit<CallerAuthOptions, "scopes">): Promise<RpcCaller> {
  const token = BEARER.exec(authorization)?.[1];
  const active = token ? await options.validator.validateAccessToken(token) : undefined;
  if (!active || unmetRequirement(active, { requiredScopes: [], requiredAudience: options.issuer, certificateThumbprint: peer })) {
    throw new ConnectError(NO_TOKEN, Code.Unauthenticated);
  }
  return { credential: "access token", scopes: active.scopes, clientId: active.clientId };
}

function certificateCaller(peer: string | undefined, callers: ReadonlyMap<string, readonly string[]>): RpcCaller {
  const scopes = peer === undefined ? undefined : callers.get(peer);
  if (!scopes) throw new ConnectError(NO_CREDENTIALS, Code.Unauthenticated);
  return { credential: "client certificate", scopes };
}
