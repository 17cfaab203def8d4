import type { DescMethod } from "@bufbuild/protobuf";
import { Code, ConnectError, type Interceptor } from "@connectrpc/connect";
import type { TokenValidator } from "../../../core/tokens/access-token.js";
import { unmetRequirement } from "../token-requirements.js";

const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;
const NOT_AUTHENTICATED = "missing or invalid bearer access token";

/**
 * Authenticates internal callers by `authorization: Bearer <access token this server issued>` (RFC 6750 §2.1):
 * the token MUST be active, unbound, for this issuer's audience and carry the method's scope (DESIGN "Listeners").
 * A method without a declared scope is refused (fail closed). The token is never logged.
 */
export function callerAuthInterceptor(validator: TokenValidator, issuer: string, scopes: ReadonlyMap<DescMethod, string>): Interceptor {
  return (next) => async (request) => {
    const token = BEARER.exec(request.header.get("authorization") ?? "")?.[1];
    const caller = token ? await validator.validateAccessToken(token) : undefined;
    if (!caller) throw new ConnectError(NOT_AUTHENTICATED, Code.Unauthenticated);
    const scope = scopes.get(request.method);
    if (!scope) throw new ConnectError("method is not open to callers", Code.PermissionDenied);
    const unmet = unmetRequirement(caller, { requiredScopes: [scope], requiredAudience: issuer });
    if (unmet === "invalid_token") throw new ConnectError(NOT_AUTHENTICATED, Code.Unauthenticated);
    if (unmet === "insufficient_scope") throw new ConnectError(`access token lacks scope ${scope}`, Code.PermissionDenied);
    return next(request);
  };
}
